import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { DataSource } from 'typeorm';
import { AppProcess } from '../support/faults/app-process.js';
import { sqlTo } from '../support/faults/catalogue.js';
import { integrityViolations } from '../support/faults/integrity.js';
import { insertCustomer, insertMenuItem, insertRestaurant } from '../support/fixtures.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { IN_CI, SERVER_DATABASE_URL } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';

if (!SERVER_DATABASE_URL && IN_CI) throw new Error('test/faults/retries.fault-spec.ts needs DATABASE_URL under CI=true');
const describeWithServer = SERVER_DATABASE_URL ? describe : describe.skip;

/** Attempts a retrying client makes before giving up on a write: more than the answers any case loses. */
const MAX_ATTEMPTS = 100;

interface Answer {
  status: number;
  body: { id?: number; order_status?: string };
}

/*
 * A phone on a bad network: the request reaches the app and the write commits, but the answer is
 * lost on the way back (the proxy resets the connection when the app answers). The client resends
 * every write it got no answer to, with the same Idempotency-Key, until it gets one.
 */
describeWithServer('writes retried through a network that loses answers', () => {
  let database: ScratchDatabase;
  let db: DataSource;
  let app: AppProcess;
  let proxy: TcpProxy;
  let restaurantId: number;
  let menuItemId: number;

  /** One request on its own connection through the proxy; rejects when the connection is reset. */
  function send(method: string, path: string, body: unknown, key?: string): Promise<Answer & { retryAfter?: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: proxy.port,
          method,
          path,
          agent: false,
          headers: {
            authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(key ? { 'idempotency-key': `"${key}"` } : {}),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              body: JSON.parse(text) as Answer['body'],
              retryAfter: response.headers['retry-after'],
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  /** Resends until an answer arrives: after a lost answer at once, after a 409 for a running key when Retry-After says. */
  async function untilAnswered(method: string, path: string, body: unknown, key?: string): Promise<Answer & { attempts: number }> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const answer = await send(method, path, body, key).catch(() => undefined);
      if (!answer) continue;
      if (answer.status === 409 && answer.retryAfter && key) {
        await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter) * 1000));
        continue;
      }
      return { ...answer, attempts: attempt };
    }
    throw new Error(`${method} ${path} got no answer in ${MAX_ATTEMPTS} attempts`);
  }

  const orderBody = () => ({
    restaurant_id: restaurantId,
    delivery_address: '1 Lossy Lane',
    order_items: [{ menu_item_id: menuItemId, quantity: 1 }],
  });
  const ordersOf = async (customerId: number) =>
    (await db.query(`SELECT id FROM orders WHERE customer_id = $1 ORDER BY id`, [customerId])).map((row: { id: number }) => row.id);

  beforeAll(async () => {
    database = await createScratchDatabase();
    app = await AppProcess.start({ DATABASE_URL: database.url });
    db = await sqlTo(database.url);
    restaurantId = await insertRestaurant(db);
    menuItemId = await insertMenuItem(db, restaurantId, { price: '5.00' });
    proxy = new TcpProxy('127.0.0.1', Number(new URL(app.baseUrl).port));
    await proxy.start();
  }, 120_000);

  afterEach(async () => {
    proxy.loseReplies(0);
    expect(await integrityViolations(db)).toEqual([]);
  });

  afterAll(async () => {
    await proxy?.stop();
    await app?.stop();
    await db?.destroy();
    await database?.drop();
  });

  it('without a key, a resent order is placed twice (the answer really was lost after the write)', async () => {
    const customerId = await insertCustomer(db);
    proxy.loseReplies(1);
    const answer = await untilAnswered('POST', `/orders/customers/${customerId}/orders`, orderBody());
    expect([answer.status, answer.attempts]).toEqual([201, 2]);
    expect(await ordersOf(customerId)).toHaveLength(2);
  });

  it('with a key, 40 orders placed by 8 clients while 60 answers are lost: each order exactly once, each client told its own', async () => {
    const customerId = await insertCustomer(db);
    const keys = Array.from({ length: 40 }, () => randomUUID());
    proxy.loseReplies(60);
    const answers: (Answer & { attempts: number })[] = [];
    const queue = [...keys];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let key = queue.shift(); key; key = queue.shift()) {
          answers.push(await untilAnswered('POST', `/orders/customers/${customerId}/orders`, orderBody(), key));
        }
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(201));
    // Some answers were lost and resent: otherwise this case would prove nothing.
    expect(answers.filter((answer) => answer.attempts > 1).length).toBeGreaterThan(0);
    const stored = await ordersOf(customerId);
    expect(stored).toHaveLength(40);
    expect(answers.map((answer) => answer.body.id).sort((x, y) => x! - y!)).toEqual(stored);

    // Each placed order confirmed the same way: one status change each, whatever was lost.
    proxy.loseReplies(30);
    for (const orderId of stored) {
      const answer = await untilAnswered('PUT', `/orders/${orderId}/status`, { order_status: 'confirmed' }, randomUUID());
      expect([answer.status, answer.body.order_status]).toEqual([200, 'confirmed']);
    }
    const [changes] = await db.query(
      `SELECT count(*)::int AS n FROM order_status_changes WHERE order_id = ANY($1) AND to_status = 'confirmed'`,
      [stored],
    );
    expect(changes.n).toBe(40);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { TOKEN_ISSUER } from '../src/access/access-token.service.js';
import { StreamLimits, TOKEN_EXPIRED_REASON } from '../src/realtime/stream-limits.js';
import { createOwner, registerCustomer, type SignedIn } from './support/accounts.js';
import { insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { SseClient } from './realtime-support.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Bounded event streams: a cap per principal and per instance (429 with Retry-After beyond), slots
 * freed when a stream closes, and a stream that ends with a "reconnect" event when the access
 * token that opened it expires.
 */
describe('Realtime: bounded event streams', () => {
  let t: TestApp;
  let customer: SignedIn & { customer: { id: number } };
  let owner: SignedIn;
  let orderId: number;
  let limits: StreamLimits;
  const open: SseClient[] = [];

  const auth = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
  const url = () => `${t.http.baseUrl}/realtime/orders/${orderId}/events`;
  async function stream(accessToken: string): Promise<SseClient> {
    const client = await SseClient.open(url(), auth(accessToken));
    open.push(client);
    return client;
  }
  async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { SSE_MAX_STREAMS_PER_PRINCIPAL: '2', SSE_MAX_STREAMS_PER_INSTANCE: '3' } });
    limits = t.app.get(StreamLimits);
    const restaurant = await insertRestaurant(t.db);
    const dish = await insertMenuItem(t.db, restaurant);
    customer = await registerCustomer(t);
    owner = await createOwner(t, [restaurant]);
    orderId = await insertOrder(t.db, { customer_id: customer.customer.id, restaurant_id: restaurant, items: [[dish, 1, '10.00']] });
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await t?.close();
  });

  it('refuses a principal past its cap and the instance past its cap with 429 and Retry-After, and frees slots as streams close', async () => {
    const first = await stream(customer.tokens.access_token);
    const second = await stream(customer.tokens.access_token);
    expect([first.status, second.status]).toEqual([200, 200]);
    await Promise.all([first.next(1), second.next(1)]);

    // The customer's third: over the per-principal cap (2).
    const third = await fetch(url(), { headers: { ...auth(customer.tokens.access_token), accept: 'text/event-stream' } });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(await third.json()).toMatchObject({ status: 429, message: expect.stringContaining('for this account') });

    // The owner's first fits (3 on the instance); their second is over the instance cap (3).
    const owners = await stream(owner.tokens.access_token);
    expect(owners.status).toBe(200);
    const overInstance = await fetch(url(), { headers: { ...auth(owner.tokens.access_token), accept: 'text/event-stream' } });
    expect(overInstance.status).toBe(429);
    expect(overInstance.headers.get('retry-after')).toBe('5');
    expect(await overInstance.json()).toMatchObject({ status: 429, message: expect.stringContaining('This instance') });
    expect(limits.open()).toBe(3);

    // A closed stream frees its slot: the customer may open one again.
    first.close();
    await until(() => limits.open() === 2, 'the closed stream to release its slot');
    const again = await stream(customer.tokens.access_token);
    expect(again.status).toBe(200);
    await again.next(1);

    for (const client of [second, owners, again]) client.close();
    await until(() => limits.open() === 0, 'every slot to be released');
  });

  it('ends a stream with a "reconnect" event when the access token that opened it expires, and frees its slot', async () => {
    // A token of the customer that expires in 2 s, signed with the app's own key.
    const shortLived = t.app.get(JwtService).sign(
      { sub: String(customer.account.id), role: 'customer', cid: customer.customer.id, jti: randomUUID() },
      { algorithm: 'HS256', issuer: TOKEN_ISSUER, expiresIn: 2 },
    );
    const opened = Date.now();
    const client = await stream(shortLived);
    expect(client.status).toBe(200);
    expect((await client.next(1)).type).toBe('status');
    expect(await client.next(2, 10_000)).toEqual({ type: 'reconnect', data: { reason: TOKEN_EXPIRED_REASON } });
    await client.end();
    // Not before the token's expiry (exp is in whole seconds: at most 1 s early).
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1_000);
    await until(() => limits.open(`customer:${customer.customer.id}`) === 0, 'the ended stream to release its slot');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOwner, registerCustomer, type SignedIn } from './support/accounts.js';
import { insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { SseClient } from './realtime-support.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The access guard fails closed on ids: every route with an id in its path or query (taken from
 * the API document, so a new route is covered without editing this list), called by a customer
 * and by a restaurant owner with other spellings of another party's id (zero-padded, signed,
 * exponent, hexadecimal, whitespace-padded, over-long), answers no 2xx. The canonical spelling is
 * the control: it is refused too (403), so a 2xx for a variant can only be the variant's doing.
 */
/** `other`: a resource of an admin-only route (an alert), which no party owns. */
type Resource = 'restaurant' | 'customer' | 'order' | 'menuItem' | 'other';

interface OpenApiOperation {
  'x-access'?: string;
  parameters?: { name: string; in: string }[];
}

/** The resource an id parameter names: `{x}_id`, or for `{id}` the collection segment before it. */
function resourceOf(path: string, name: string, adminOnly: boolean): Resource {
  const byName: Record<string, Resource> = {
    restaurant_id: 'restaurant',
    customer_id: 'customer',
    order_id: 'order',
    menu_item_id: 'menuItem',
  };
  if (byName[name]) return byName[name];
  const segment = path.split('/{id}')[0].split('/').pop();
  const bySegment: Record<string, Resource> = {
    restaurants: 'restaurant',
    customers: 'customer',
    orders: 'order',
    'menu-items': 'menuItem',
    'restaurant-performance': 'restaurant',
  };
  if (segment && bySegment[segment]) return bySegment[segment];
  if (adminOnly) return 'other';
  throw new Error(`${path}: no resource known for {${name}}`);
}

/** Other spellings of `id`, as sent in a URL. */
const variants = (id: number): [string, string][] => [
  ['zero-padded', `0${id}`],
  ['zero-padded to 12 digits', String(id).padStart(12, '0')],
  ['plus sign', `%2B${id}`],
  ['exponent', `${id}e0`],
  ['decimal point', `${id}.0`],
  ['hexadecimal', `0x${id.toString(16)}`],
  ['leading space', `%20${id}`],
  ['trailing space', `${id}%20`],
  ['tab', `%09${id}`],
  ['over-long', `${'0'.repeat(30)}${id}`],
];

describe('Access: ids the guard cannot read are refused, never passed', () => {
  let t: TestApp;
  let customerA: SignedIn & { customer: { id: number } };
  let owner: SignedIn;
  /** Customer B's data at restaurant 7, whose owner is someone else. */
  let victim: Record<Resource, number>;

  beforeAll(async () => {
    t = await startTestApp();
    const restaurants: number[] = [];
    for (let n = 0; n < 7; n++) restaurants.push(await insertRestaurant(t.db));
    // The reported case: the owner of restaurant 3 and restaurant 7 of someone else.
    expect([restaurants[2], restaurants[6]]).toEqual([3, 7]);
    owner = await createOwner(t, [3]);
    await createOwner(t, [7]);
    customerA = await registerCustomer(t);
    const customerB = await registerCustomer(t);
    const menuItem = await insertMenuItem(t.db, 7);
    const order = await insertOrder(t.db, {
      customer_id: customerB.customer.id,
      restaurant_id: 7,
      order_status: 'delivered',
      delivery_time: new Date(),
      items: [[menuItem, 2, '10.00']],
    });
    // A second, open order: ids of both kinds of order exist, the victim is the open one.
    const openOrder = await insertOrder(t.db, { customer_id: customerB.customer.id, restaurant_id: 7, items: [[menuItem, 1, '10.00']] });
    expect(order).toBeGreaterThan(0);
    victim = { restaurant: 7, customer: customerB.customer.id, order: openOrder, menuItem, other: 1 };
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Status of one call; a server-sent-event stream that opens is closed at once (it would never end). */
  async function statusOf(caller: SignedIn, method: string, url: string, body: unknown): Promise<number> {
    if (url.endsWith('/events')) {
      const stream = await SseClient.open(t.http.baseUrl + url, { authorization: `Bearer ${caller.tokens.access_token}` });
      stream.close();
      return stream.status;
    }
    return (await caller.client.request(method, url, body)).status;
  }

  /** Bodies a write route would accept, so an admitted write would answer 2xx and show up here. */
  function validBody(method: string, path: string): unknown {
    if (method === 'GET' || method === 'DELETE') return undefined;
    if (path.endsWith('/status') || path.includes('update-order-status')) return { order_status: 'cancelled' };
    if (path === '/orders/customers/{id}/orders') return { restaurant_id: 3, delivery_address: '1 Test Street', order_items: [] };
    if (path.endsWith('/menu-items')) return { name: 'Injected', price: 1, category: 'Main Course' };
    if (path.endsWith('/review')) return { rating: 5 };
    if (path.startsWith('/customers/')) return { name: 'Renamed' };
    if (path.startsWith('/restaurants/') || path.startsWith('/menu-items/')) return { name: 'Renamed' };
    return {};
  }

  it('answers no 2xx to another party id in any spelling, on every route with an id', async () => {
    const document = (await t.http.get('/docs-json')).body as { paths: Record<string, Record<string, OpenApiOperation>> };
    const cases: { method: string; path: string; url: string; resource: Resource }[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation['x-access'] === 'anyone') continue;
        const adminOnly = operation['x-access'] === 'an admin';
        for (const parameter of operation.parameters ?? []) {
          if (!/^(id|\w+_id)$/.test(parameter.name) || !['path', 'query'].includes(parameter.in)) continue;
          const resource = resourceOf(path, parameter.name, adminOnly);
          // Other path ids name the same party's rows, so only the spelling of this one varies.
          const others = (text: string) =>
            text.replace(/\{(\w+)\}/g, (whole, name: string) =>
              whole === '{value}' ? whole : String(victim[resourceOf(path, name, adminOnly)]),
            );
          const url =
            parameter.in === 'path' ? others(path.replace(`{${parameter.name}}`, '{value}')) : `${others(path)}?${parameter.name}={value}`;
          cases.push({ method: method.toUpperCase(), path, url, resource });
        }
      }
    }
    // The reported route is among them, and so are path ids of every kind.
    expect(cases.map((c) => `${c.method} ${c.url}`)).toContain('GET /analytics/restaurants/performance?restaurant_id={value}');
    expect(new Set(cases.map((c) => c.resource))).toEqual(new Set(['restaurant', 'customer', 'order', 'menuItem', 'other']));

    const admitted: string[] = [];
    let controlsRefused = 0;
    for (const { method, path, url, resource } of cases) {
      const id = victim[resource];
      for (const [caller, client] of [
        ['customer', customerA],
        ['owner', owner],
      ] as const) {
        const body = validBody(method, path);
        const control = await statusOf(client, method, url.replace('{value}', String(id)), body);
        if (control >= 200 && control < 300) admitted.push(`${caller} ${method} ${url} canonical: ${control}`);
        else controlsRefused++;
        for (const [form, value] of variants(id)) {
          const status = await statusOf(client, method, url.replace('{value}', value), body);
          if (status >= 200 && status < 300) admitted.push(`${caller} ${method} ${url} ${form}: ${status}`);
        }
      }
    }
    expect(admitted).toEqual([]);
    expect(controlsRefused).toBe(cases.length * 2);
  });

  it("refuses the owner of restaurant 3 restaurant 7's figures under a zero-padded id, and passes their own", async () => {
    const path = '/analytics/restaurants/performance?restaurant_id=';
    const padded = await owner.client.get(`${path}000000000007`);
    expect(padded.status).toBe(400);
    expect(padded.body.errors).toEqual([
      { field: 'restaurant_id', rule: 'id', message: 'restaurant_id must be an integer between 1 and 2147483647' },
    ]);
    expect((await owner.client.get(`${path}0000000007`)).status).toBe(400);
    expect((await owner.client.get(`${path}7`)).status).toBe(403);
    expect((await owner.client.get(`${path}3`)).status).toBe(200);
    // A second restaurant_id does not slip a foreign one past the guard either.
    expect((await owner.client.get(`${path}3&restaurant_id=7`)).status).toBe(400);
  });

  it('does not admit a customer to an order that does not exist yet, and the guard and handler read the same row', async () => {
    const [{ next }] = await t.db.query(`SELECT last_value + 1 AS next FROM orders_id_seq`);
    const nextId = Number(next);
    // Before the order exists: 403, not a pass that the handler turns into a 404.
    expect((await customerA.client.get(`/orders/${nextId}`)).status).toBe(403);
    expect((await customerA.client.get(`/realtime/order-tracking/${nextId}`)).status).toBe(403);
    // Once it exists and is someone else's: still 403; once it is theirs: 200 for that very row.
    const theirs = await insertOrder(t.db, { customer_id: customerA.customer.id, restaurant_id: 3 });
    expect(theirs).toBe(nextId);
    const own = await customerA.client.get(`/orders/${nextId}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: nextId, customer_id: customerA.customer.id });
    expect((await customerA.client.get(`/orders/0${nextId}`)).status).toBe(400);
  });
});

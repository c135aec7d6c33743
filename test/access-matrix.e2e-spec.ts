import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient } from './support/http-client.js';
import { insertOrder } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Who may call what: every route against six callers. Reads expect their exact status; writes
 * are sent with a body that fails validation, so a caller the guard admits gets a 400 and nothing
 * changes, while a refused caller gets 401 (no credentials) or 403 (not theirs).
 */
type Caller = 'anonymous' | 'customerA' | 'customerB' | 'owner' | 'otherOwner' | 'admin';
type Expected = Record<Caller, number>;

const CALLERS: Caller[] = ['anonymous', 'customerA', 'customerB', 'owner', 'otherOwner', 'admin'];
const PASSWORD = 'a long enough password';

const everyone = (status = 200): Expected => ({
  anonymous: status,
  customerA: status,
  customerB: status,
  owner: status,
  otherOwner: status,
  admin: status,
});
/** Only `admitted` (and admins) get `ok`; other signed-in callers 403, anonymous 401. */
const only = (ok: number, ...admitted: Caller[]): Expected => ({
  anonymous: 401,
  customerA: admitted.includes('customerA') ? ok : 403,
  customerB: admitted.includes('customerB') ? ok : 403,
  owner: admitted.includes('owner') ? ok : 403,
  otherOwner: admitted.includes('otherOwner') ? ok : 403,
  admin: ok,
});

interface World {
  restaurant: number;
  otherRestaurant: number;
  menuItem: number;
  customerA: number;
  customerB: number;
  orderA: number;
  deliveredOrderA: number;
}

describe('Access: role by route', () => {
  let t: TestApp;
  let w: World;
  const clients = {} as Record<Caller, HttpClient>;

  async function ok<T = any>(response: Promise<{ status: number; body: T; text: string }>, status: number): Promise<T> {
    const answer = await response;
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text}`);
    return answer.body;
  }

  async function register(name: string): Promise<{ customerId: number; client: HttpClient }> {
    const body = await ok(
      t.http.post('/auth/register', {
        name,
        email: `${name.toLowerCase().replace(/\W/g, '')}@example.com`,
        phone_number: '+1-555-0100',
        address: '1 Test Street',
        password: PASSWORD,
      }),
      201,
    );
    return { customerId: body.account.customer_id, client: t.http.with({ authorization: `Bearer ${body.access_token}` }) };
  }

  async function owner(email: string, restaurantId: number): Promise<HttpClient> {
    const account = await ok(t.admin.post('/admin/accounts', { email, password: PASSWORD, role: 'restaurant_owner' }), 201);
    await ok(t.admin.put(`/admin/restaurants/${restaurantId}/owner`, { account_id: account.id }), 200);
    const tokens = await ok(t.http.post('/auth/login', { email, password: PASSWORD }), 200);
    return t.http.with({ authorization: `Bearer ${tokens.access_token}` });
  }

  async function restaurant(name: string): Promise<number> {
    const body = await ok(
      t.admin.post('/restaurants', { name, cuisine_type: 'Italian', address: '1 Main St', phone_number: '+1-555-0101' }),
      201,
    );
    return body.id;
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_BCRYPT_ROUNDS: '4' } });
    const r = await restaurant('Owned Trattoria');
    const r2 = await restaurant('Rival Trattoria');
    const item = await ok(t.admin.post(`/restaurants/${r}/menu-items`, { name: 'Pasta', price: 12.5, category: 'Main Course' }), 201);
    await ok(t.admin.post(`/restaurants/${r2}/menu-items`, { name: 'Pizza', price: 11, category: 'Main Course' }), 201);
    const a = await register('Alice Access');
    const b = await register('Bob Access');
    clients.anonymous = t.http;
    clients.customerA = a.client;
    clients.customerB = b.client;
    clients.owner = await owner('owner@example.com', r);
    clients.otherOwner = await owner('other-owner@example.com', r2);
    clients.admin = t.admin;
    const order = await ok(
      a.client.post(`/orders/customers/${a.customerId}/orders`, {
        restaurant_id: r,
        delivery_address: '1 Test Street',
        order_items: [{ menu_item_id: item.id, quantity: 2 }],
      }),
      201,
    );
    const delivered = await insertOrder(t.db, {
      customer_id: a.customerId,
      restaurant_id: r,
      order_status: 'delivered',
      delivery_time: new Date(),
      items: [[item.id, 1, '12.50']],
    });
    w = {
      restaurant: r,
      otherRestaurant: r2,
      menuItem: item.id,
      customerA: a.customerId,
      customerB: b.customerId,
      orderA: order.id,
      deliveredOrderA: delivered,
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  const INVALID = { unknown_field: true };
  type Row = [method: string, path: string, body: unknown, expected: Expected];
  const resolve = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: keyof World) => String(w[name]));

  const rows: Row[] = [
    // Browsing is public.
    ['GET', '/restaurants', undefined, everyone()],
    ['GET', '/restaurants/search?cuisine=italian', undefined, everyone()],
    ['GET', '/restaurants/active', undefined, everyone()],
    ['GET', '/restaurants/{restaurant}', undefined, everyone()],
    ['GET', '/restaurants/{restaurant}/menu', undefined, everyone()],
    ['GET', '/restaurants/{restaurant}/with-menu', undefined, everyone()],
    ['GET', '/restaurants/analytics/popular-cuisines', undefined, everyone()],
    ['GET', '/restaurants/analytics/price-ranges', undefined, everyone()],
    ['GET', '/menu-items', undefined, everyone()],
    ['GET', '/menu-items/search?q=pasta', undefined, everyone()],
    ['GET', '/menu-items/{menuItem}', undefined, everyone()],
    ['GET', '/menu-items/{menuItem}/with-restaurant', undefined, everyone()],
    ['GET', '/reviews/restaurants/{restaurant}/reviews', undefined, everyone()],
    ['GET', '/realtime/delivery-slots/{restaurant}', undefined, everyone()],
    ['GET', '/realtime/restaurant-availability/{restaurant}', undefined, everyone()],
    ['GET', '/realtime/dynamic-pricing/{restaurant}', undefined, everyone()],
    // Trending items: no revenue, no figure about any one customer.
    ['GET', '/analytics/popular-items', undefined, everyone()],
    ['GET', '/health', undefined, everyone()],
    ['GET', '/metrics', undefined, everyone()],

    // Restaurants and menus: their owner (and admins) change them; admins create and delete restaurants.
    ['POST', '/restaurants', INVALID, only(400)],
    ['PUT', '/restaurants/{restaurant}', INVALID, only(400, 'owner')],
    // The rating is the average of the reviews: an owner may not set it.
    ['PUT', '/restaurants/{restaurant}', { rating: 4.5 }, only(200)],
    ['DELETE', '/restaurants/{otherRestaurant}x', undefined, only(400)],
    ['POST', '/restaurants/{restaurant}/menu-items', INVALID, only(400, 'owner')],
    ['PUT', '/menu-items/{menuItem}', INVALID, only(400, 'owner')],
    ['GET', '/restaurants/{restaurant}/analytics', undefined, only(200, 'owner')],
    ['GET', '/reviews/restaurants/{restaurant}/analytics', undefined, only(200, 'owner')],
    ['GET', '/orders/restaurants/{restaurant}/orders', undefined, only(200, 'owner')],
    ['GET', '/analytics/restaurants/performance?restaurant_id={restaurant}', undefined, only(200, 'owner')],
    // Without a restaurant_id the report covers every restaurant: admins only.
    ['GET', '/analytics/restaurants/performance', undefined, only(200)],

    // A customer's own record, orders, reviews, notifications and analytics.
    ['GET', '/customers/{customerA}', undefined, only(200, 'customerA')],
    ['PUT', '/customers/{customerA}', INVALID, only(400, 'customerA')],
    ['GET', '/customers/{customerA}/orders', undefined, only(200, 'customerA')],
    ['GET', '/orders/customers/{customerA}/orders', undefined, only(200, 'customerA')],
    ['POST', '/orders/customers/{customerA}/orders', INVALID, only(400, 'customerA')],
    ['GET', '/customers/{customerA}/reviews', undefined, only(200, 'customerA')],
    ['GET', '/reviews/customers/{customerA}/reviews', undefined, only(200, 'customerA')],
    ['GET', '/customers/{customerA}/analytics', undefined, only(200, 'customerA')],
    ['GET', '/analytics/customer-insights/{customerA}', undefined, only(200, 'customerA')],
    ['GET', '/realtime/notifications/{customerA}', undefined, only(200, 'customerA')],
    ['PUT', '/realtime/notifications/{customerA}', INVALID, only(400, 'customerA')],

    // An order: its customer and its restaurant's owner.
    ['GET', '/orders/{orderA}', undefined, only(200, 'customerA', 'owner')],
    ['GET', '/realtime/order-tracking/{orderA}', undefined, only(200, 'customerA', 'owner')],
    // Reviews: the order's customer only.
    ['POST', '/reviews/orders/{deliveredOrderA}/review', INVALID, only(400, 'customerA')],
    // Status changes: the owner up to out_for_delivery (and cancelling), the customer only cancelling.
    ['PUT', '/orders/{orderA}/status', { order_status: 'confirmed', unknown_field: 1 }, only(400, 'owner')],
    ['PUT', '/orders/{orderA}/status', { order_status: 'cancelled', unknown_field: 1 }, only(400, 'customerA', 'owner')],
    ['PUT', '/orders/{orderA}/status', { order_status: 'delivered', unknown_field: 1 }, only(400)],
    ['POST', '/realtime/update-order-status/{orderA}', { order_status: 'out_for_delivery', unknown_field: 1 }, only(400, 'owner')],

    // Admins only.
    ['POST', '/customers', INVALID, only(400)],
    ['GET', '/customers', undefined, only(200)],
    ['DELETE', '/customers/{customerB}x', undefined, only(400)],
    ['GET', '/realtime/live-orders', undefined, only(200)],
    ['GET', '/analytics/revenue/daily?date=2026-01-15', undefined, only(200)],
    ['GET', '/analytics/revenue-analytics', undefined, only(200)],
    ['GET', '/analytics/customers/behavior', undefined, only(200)],
    ['GET', '/analytics/popular-items/revenue', undefined, only(200)],
    ['GET', '/analytics/cache-performance', undefined, only(200)],
    ['GET', '/cache/stats', undefined, only(200)],
    ['GET', '/cache/health', undefined, only(200)],
    ['GET', '/cache/keys/restaurants', undefined, only(200)],
    ['GET', '/cache/audit', undefined, only(200)],
    ['DELETE', '/cache/clear/no-such-target', undefined, only(400)],
    ['POST', '/cache/warm/no-such-namespace', undefined, only(400)],
    ['GET', '/enterprise/performance/report', undefined, only(200)],
    ['POST', '/enterprise/security/secure-key', INVALID, only(400)],
    ['GET', '/jobs', undefined, only(200)],
    ['POST', '/jobs/no-such-job/run', undefined, only(400)],
    ['GET', '/alerts', undefined, only(200)],
    ['POST', '/alerts/999999/acknowledge', undefined, only(404)],
    ['POST', '/admin/accounts', INVALID, only(400)],
    ['PUT', '/admin/restaurants/{restaurant}/owner', INVALID, only(400)],
    ['POST', '/analytics/refresh/no-such-type', undefined, only(400)],
  ];

  it.each(rows)('%s %s', async (method, path, body, expected) => {
    const url = resolve(path);
    const seen = {} as Expected;
    for (const caller of CALLERS) seen[caller] = (await clients[caller].request(method, url, body)).status;
    expect({ url, ...seen }).toEqual({ url, ...expected });
  });

  it('answers 401 with the error shape for a missing, malformed or forged token, and 403 naming who may', async () => {
    const path = `/customers/${w.customerA}`;
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer not.a.jwt', `Bearer ${'x'.repeat(40)}`]) {
      const response = await t.http.get(path, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ status: 401, error: 'Unauthorized', path });
    }
    const refused = await clients.customerB.get(path);
    expect(refused.body).toMatchObject({ status: 403, error: 'Forbidden', path });
    expect(refused.body.message).toContain('the customer whose id is the param `id`');
  });

  it('lets `me` stand for the signed-in customer and keys their session entries by who is signed in', async () => {
    const a = await clients.customerA.get('/customers/me/orders');
    const b = await clients.customerB.get('/customers/me/orders');
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.map((order: { customer_id: number }) => order.customer_id)).toEqual([w.customerA, w.customerA]);
    expect(b.body).toEqual([]);
    // Same URL again: each gets their own cached entry, never the other's.
    const aAgain = await clients.customerA.get('/customers/me/orders');
    const bAgain = await clients.customerB.get('/customers/me/orders');
    expect([aAgain.headers.get('x-cache'), bAgain.headers.get('x-cache')]).toEqual(['HIT-L1', 'HIT-L1']);
    expect(aAgain.text).toBe(a.text);
    expect(bAgain.text).toBe(b.text);
    // B cannot reach A's entry through A's id either, cached or not.
    expect((await clients.customerB.get(`/customers/${w.customerA}/orders`)).status).toBe(403);
    // The entries carry who they belong to: A, B, and the admin who read A's orders in the matrix.
    const keys = (await clients.admin.get('/cache/keys/sessions')).text;
    for (const owner of [`customer:${w.customerA}`, `customer:${w.customerB}`, 'operations']) {
      expect(keys).toContain(`owner=${owner}:customer-orders:`);
    }
  });

  it('never answers a guarded route from the cache fast path, even with a fresh entry in L1', async () => {
    const path = `/restaurants/${w.restaurant}/analytics`;
    await clients.owner.get(path);
    expect((await clients.owner.get(path)).headers.get('x-cache')).toBe('HIT-L1');
    expect((await t.http.get(path)).status).toBe(401);
    expect((await clients.otherOwner.get(path)).status).toBe(403);
  });

  it('documents on every route who may call it, its id parameters as int4 ids, and the bearer scheme with 401 and 403 where it needs one', async () => {
    const document = (await t.http.get('/docs-json')).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            description?: string;
            security?: unknown[];
            responses: Record<string, unknown>;
            'x-access'?: string;
            parameters?: { name: string; in: string; schema: unknown }[];
          }
        >
      >;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    expect(document.components.securitySchemes.bearer.scheme).toBe('bearer');
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation['x-access']) problems.push(`${name}: no x-access`);
        else if (!operation.description?.startsWith(`**Who may call it:** ${operation['x-access']}`)) problems.push(`${name}: description`);
        for (const parameter of operation.parameters ?? []) {
          if (parameter.in === 'path' && /^(id|\w+_id)$/.test(parameter.name)) {
            const schema = parameter.schema as { type: string; minimum: number; maximum: number };
            if (schema.type !== 'integer' || schema.minimum !== 1 || schema.maximum !== 2147483647)
              problems.push(`${name}: ${parameter.name} schema`);
          }
        }
        if (operation['x-access'] !== 'anyone') {
          if (!operation.security?.length) problems.push(`${name}: no security`);
          if (!operation.responses['401'] || !operation.responses['403']) problems.push(`${name}: no 401/403`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

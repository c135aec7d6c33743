import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CACHE_NAMESPACES } from '../src/cache/cache-namespaces.js';
import { TTL_NAMES } from '../src/config/ttl-table.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface RouteInfo {
  route: string;
  policy: string;
  namespace: string;
  ttl: string;
  ttl_seconds: number;
  session: boolean;
  conditional: boolean;
  otherwise_ttl: string | null;
}

interface CacheInfo {
  namespaces: string[];
  ttl: { name: string; seconds: number }[];
  routes: RouteInfo[];
}

/**
 * What operators are shown (namespaces, TTL classes, warm targets, Swagger enums) against what the
 * registered routes use: /cache/info's routes are found from the controllers' cache decorators.
 */
describe('cache catalogue', () => {
  let t: TestApp;
  let info: CacheInfo;

  beforeAll(async () => {
    t = await startTestApp({ env: { CACHE_TTL_PROFILE: 'production' } });
    const response = await t.admin.get('/cache/info');
    expect(response.status).toBe(200);
    info = response.body as CacheInfo;
  });

  afterAll(async () => {
    await t?.close();
  });

  const ttlClassesOf = (route: RouteInfo) => [route.ttl, ...(route.otherwise_ttl ? [route.otherwise_ttl] : [])];

  it('lists only namespaces that at least one registered route caches into, and every one they use', () => {
    expect(info.routes.length).toBeGreaterThan(20);
    const used = new Set(info.routes.map((route) => route.namespace));
    expect(info.namespaces.filter((namespace) => !used.has(namespace))).toEqual([]);
    expect([...used].filter((namespace) => !info.namespaces.includes(namespace))).toEqual([]);
    expect(info.namespaces).toEqual([...CACHE_NAMESPACES]);
  });

  it('lists only TTL classes that at least one registered route applies, and every one they apply', () => {
    const used = new Set(info.routes.flatMap(ttlClassesOf));
    const listed = info.ttl.map((entry) => entry.name);
    expect(listed.filter((name) => !used.has(name))).toEqual([]);
    expect([...used].filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed).toEqual([...TTL_NAMES]);
  });

  it('keeps every session-cached route, and only those, in the sessions namespace', () => {
    const misplaced = info.routes.filter((route) => route.session !== (route.namespace === 'sessions'));
    expect(misplaced).toEqual([]);
    expect(info.routes.filter((route) => route.session).map((route) => route.route)).toEqual(
      expect.arrayContaining(['/customers/:id', '/orders/customers/:id/orders', '/realtime/notifications/:customer_id']),
    );
  });

  it('caches the real-time and analytics routes for as long as the product documents say', () => {
    const seconds = (path: string) => {
      const route = info.routes.find((candidate) => candidate.route === path);
      expect(route).toBeDefined();
      return route!.ttl_seconds;
    };
    expect(seconds('/realtime/restaurant-availability/:restaurant_id')).toBe(60);
    expect(seconds('/realtime/dynamic-pricing/:restaurant_id')).toBe(120);
    expect(seconds('/restaurants/:id/analytics')).toBe(20 * 60);
    expect(seconds('/analytics/customer-insights/:customer_id')).toBe(6 * 3600);
    expect(seconds('/analytics/revenue-analytics')).toBe(12 * 3600);
    const tracking = info.routes.find((route) => route.route === '/realtime/order-tracking/:order_id');
    expect(tracking).toMatchObject({ namespace: 'deliveries', ttl: 'delivery_tracking', otherwise_ttl: 'live_tracking' });
    const order = info.routes.find((route) => route.route === '/orders/:id');
    expect(order).toMatchObject({ namespace: 'orders', ttl: 'orders', otherwise_ttl: 'order_status' });
  });

  it('offers exactly the listed namespaces as warm, clear and key-listing targets in the API description', async () => {
    const docs = await t.http.get('/docs-json');
    expect(docs.status).toBe(200);
    const spec = docs.body as { paths: Record<string, Record<string, { parameters?: { name: string; schema?: { enum?: string[] } }[] }>> };
    for (const path of ['/cache/warm/{namespace}', '/cache/keys/{namespace}']) {
      const operation = Object.values(spec.paths[path])[0];
      const parameter = operation.parameters?.find((candidate) => candidate.name === 'namespace');
      expect(parameter?.schema?.enum).toEqual(info.namespaces);
    }
    for (const retired of ['static', 'dynamic', 'notifications']) {
      expect((await t.admin.post(`/cache/warm/${retired}`)).status).toBe(400);
    }
  });
});

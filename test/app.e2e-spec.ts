import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharedRedis } from '../src/redis/redis-connection.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('the app shell', () => {
  let t: TestApp;
  /** Whether the app's Redis was connected and subscribed when startTestApp handed it over; undefined without Redis. */
  let redisReadyAtHandOver: boolean | undefined;
  beforeAll(async () => {
    t = await startTestApp();
    redisReadyAtHandOver = t.app.get(SharedRedis).connection?.subscriptionsReady;
  });
  afterAll(() => t.close());

  it('is handed to a suite only once its Redis is connected and its invalidation bus subscribed (when it has Redis)', () => {
    // The app connects in the background; a suite's first read made before then is answered but
    // not stored, so a later read the suite expects to hit would miss.
    expect(redisReadyAtHandOver ?? true).toBe(true);
  });

  it('ran the migrations on its fresh database', async () => {
    const tables = await t.db.query(`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(
      expect.arrayContaining(['customers', 'menu_items', 'migrations', 'order_items', 'orders', 'restaurants', 'reviews']),
    );
  });

  it('answers an unknown route with a 404 in the error shape', async () => {
    const response = await t.admin.get('/no-such-route');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      status: 404,
      error: 'Not Found',
      message: 'Cannot GET /no-such-route',
      path: '/no-such-route',
      request_id: expect.any(String),
    });
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    expect((await t.admin.get('/docs-json', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    const replaced = (await t.admin.get('/docs-json', { headers: { 'x-request-id': 'a b<script>' } })).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const document = await t.admin.get('/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.info.title).toBe('Tiffin API');
    expect((await t.admin.get('/docs')).status).toBe(200);
  });

  it('documents every route with a summary, a success response, and a 400 wherever it takes input', async () => {
    const document = (await t.admin.get('/docs-json')).body as {
      paths: Record<
        string,
        Record<string, { summary?: string; parameters?: { in: string }[]; requestBody?: unknown; responses: Record<string, unknown> }>
      >;
    };
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(operation.responses);
        if (!operation.summary) problems.push(`${name}: no summary`);
        if (!statuses.some((status) => status.startsWith('2'))) problems.push(`${name}: no success response`);
        const takesInput =
          operation.requestBody !== undefined || (operation.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query');
        if (takesInput && !statuses.includes('400')) problems.push(`${name}: takes input but documents no 400`);
        if (path.includes('{id}') && method === 'get' && !statuses.includes('404')) problems.push(`${name}: no 404`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths).length).toBeGreaterThan(30);
  });

  it.each(['/menu-items/1e3', '/restaurants/0x10', '/orders/1.0', '/customers/%201', '/customers/2147483648'])(
    'refuses the id in %s with a 400 naming the parameter',
    async (path) => {
      const response = await t.admin.get(path);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'id', rule: 'id', message: 'id must be an integer between 1 and 2147483647' }]);
    },
  );

  it('answers malformed JSON with a 400 in the error shape', async () => {
    const response = await t.admin.request('POST', '/customers', undefined, {
      headers: { 'content-type': 'application/json' },
      rawBody: '{"name": "broken',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, error: 'Bad Request', path: '/customers' });
  });

  it('answers an unsupported content type with a 415 and a too-large body with a 413', async () => {
    const xml = await t.admin.request('POST', '/customers', undefined, {
      headers: { 'content-type': 'application/xml' },
      rawBody: '<customer/>',
    });
    expect(xml.status).toBe(415);
    expect(xml.body).toMatchObject({ status: 415, error: 'Unsupported Media Type' });
    const huge = await t.admin.post('/customers', { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ status: 413, error: 'Payload Too Large' });
  });
});

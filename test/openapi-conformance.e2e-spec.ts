import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFuzzFixture } from './hostile/support/fixture.js';
import { OpenApi, type Schema } from './hostile/support/openapi.js';
import { createOwner, registerCustomer } from './support/accounts.js';
import { type ObservedResponse, OpenApiContract, type OpenApiDocument } from './support/openapi-contract.js';
import { TEST_ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

/*
 * Every documented operation, called as anonymous, a customer, a restaurant owner and an admin on
 * real data, each answer checked against the document as served at /docs-json (status listed,
 * content type, body schema, documented headers; an event stream's first events too). The suites'
 * clients check the same on every request they make; this one makes sure no operation is missed,
 * including the ones no suite happens to call, and that each caller's answers are covered.
 * Bodies and parameters come from the document's own examples; the ids are the caller's own rows.
 */

type Caller = 'anonymous' | 'customer' | 'owner' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'customer', 'owner', 'admin'];

interface Ids {
  restaurant: number;
  customer: number;
  order: number;
  menuItem: number;
}

/** Requests a client gets wrong in ways the document describes: each answer must be documented too. */
const REFUSALS: [string, string][] = [
  ['GET', '/menu-items/search?restaurant_id=1.5'],
  ['GET', '/menu-items/search?min_price=-1'],
  ['POST', '/jobs/no-such-job/run'],
  ['GET', '/cache/keys/no-such-namespace'],
  ['GET', '/restaurants/999999'],
  ['GET', '/orders/0'],
];

const STREAM_READ_MS = 3_000;

describe('the OpenAPI document against the wire, every operation and caller', () => {
  let t: TestApp;
  let api: OpenApi;
  let contract: OpenApiContract;
  const tokens = new Map<Caller, string | undefined>();
  const ids = new Map<Caller, Ids>();

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'fatal' } });
    await createFuzzFixture(t);
    const document = await t.http.get('/docs-json');
    expect(document.status).toBe(200);
    api = new OpenApi(document.body);
    contract = new OpenApiContract(document.body as OpenApiDocument);
    // The fixture's rows 1..6; the owner owns restaurant 2 (items 3, 4; order 2), the customer orders from restaurant 3.
    const owner = await createOwner(t, [2]);
    const customer = await registerCustomer(t);
    const order = await customer.client.post(`/orders/customers/${customer.customer.id}/orders`, {
      restaurant_id: 3,
      delivery_address: '1 Conformance Way',
      order_items: [{ menu_item_id: 5, quantity: 1 }],
    });
    expect(order.status).toBe(201);
    tokens
      .set('anonymous', undefined)
      .set('customer', customer.tokens.access_token)
      .set('owner', owner.tokens.access_token)
      .set('admin', TEST_ADMIN_TOKEN);
    const fixture = { restaurant: 1, customer: 1, order: 1, menuItem: 1 };
    ids
      .set('anonymous', fixture)
      .set('admin', fixture)
      .set('owner', { restaurant: 2, customer: 2, order: 2, menuItem: 3 })
      .set('customer', { restaurant: 3, customer: customer.customer.id, order: order.body.id, menuItem: 5 });
  });
  afterAll(() => t?.close());

  /** A value for a parameter or body field: the caller's own row for an id, else the document's example. */
  function valueFor(name: string, raw: Schema, caller: Caller, segment?: string): unknown {
    const own = ids.get(caller)!;
    const resource = name === 'id' ? segment : name.replace(/_id$/, '');
    const byResource: Record<string, number> = {
      restaurant: own.restaurant,
      restaurants: own.restaurant,
      customer: own.customer,
      customers: own.customer,
      user: own.customer,
      order: own.order,
      orders: own.order,
      menu_item: own.menuItem,
      'menu-items': own.menuItem,
    };
    if ((name === 'id' || name.endsWith('_id')) && resource && resource in byResource) return byResource[resource];
    return exampleOf(raw, name === 'id' || name.endsWith('_id') ? 1 : undefined);
  }

  function exampleOf(raw: Schema, fallback?: unknown, depth = 0): unknown {
    const schema = api.resolve(raw);
    if (schema.example !== undefined) return schema.example;
    if (schema.enum?.length) return schema.enum[0];
    if (schema.default !== undefined) return schema.default;
    if (fallback !== undefined) return fallback;
    switch (schema.type) {
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return depth > 4 ? [] : [exampleOf(schema.items ?? {}, undefined, depth + 1)];
      case 'string':
        return schema.format === 'date' ? '2024-01-15' : schema.format === 'date-time' ? '2024-01-15T12:00:00.000Z' : 'text';
      default:
        return depth > 4 || !schema.properties
          ? {}
          : Object.fromEntries(
              Object.entries(schema.properties).map(([key, property]) => [key, exampleOf(property, undefined, depth + 1)]),
            );
    }
  }

  async function call(caller: Caller, method: string, path: string, body?: unknown): Promise<ObservedResponse> {
    const headers: Record<string, string> = {};
    const token = tokens.get(caller);
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const abort = new AbortController();
    const response = await fetch(t.http.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
    });
    let text: string;
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      // A stream stays open: what arrives within a few seconds (the opening events) is judged.
      text = '';
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      const deadline = setTimeout(() => abort.abort(), STREAM_READ_MS);
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if (/\n\n/.test(text) && /(^|\n)data:/.test(text)) break;
        }
      } catch {
        // Aborted at the deadline: judge what came.
      } finally {
        clearTimeout(deadline);
        abort.abort();
      }
    } else {
      text = await response.text();
    }
    return { method, path, status: response.status, header: (name) => response.headers.get(name) ?? undefined, text };
  }

  it('states every response schema so that a JSON Schema 2020-12 validator compiles it in strict mode', () => {
    expect(contract.compileAll()).toEqual([]);
  });

  it('answers every documented operation, for every caller, as the document says', async () => {
    const operations = contract.operations().sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    const mismatches: string[] = [];
    const statuses = new Map<string, number>();
    let requests = 0;
    const judge = (caller: string, response: ObservedResponse) => {
      requests++;
      statuses.set(String(response.status), (statuses.get(String(response.status)) ?? 0) + 1);
      const verdict = contract.check(response);
      if (!verdict.operation) mismatches.push(`${caller} ${response.method} ${response.path}: no documented operation`);
      for (const problem of verdict.problems)
        mismatches.push(`${caller} ${response.method} ${response.path} → ${response.status}: ${problem}`);
    };
    for (const { method, path: template } of operations) {
      const op = api.operations().find((candidate) => candidate.method === method && candidate.path === template)!;
      for (const caller of CALLERS) {
        const segments = template.split('/');
        const path = segments
          .map((segment, index) => {
            const match = /^\{(.+)\}$/.exec(segment);
            if (!match) return segment;
            const parameter = op.params.find((candidate) => candidate.name === match[1])!;
            return encodeURIComponent(String(valueFor(parameter.name, parameter.schema, caller, segments[index - 1])));
          })
          .join('/');
        const query = op.params
          .filter((parameter) => parameter.in === 'query' && parameter.required)
          .map((parameter) => `${parameter.name}=${encodeURIComponent(String(valueFor(parameter.name, parameter.schema, caller)))}`)
          .join('&');
        const body = op.body ? exampleOf(op.body.schema) : undefined;
        judge(caller, await call(caller, method, query ? `${path}?${query}` : path, body));
      }
    }
    for (const [method, path] of REFUSALS) judge('admin', await call('admin', method, path));
    console.log(
      `OpenAPI conformance: ${operations.length} operations, ${requests} requests (statuses ${[...statuses]
        .sort()
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}), ${mismatches.length} mismatches` + (mismatches.length ? `\n${mismatches.join('\n')}` : ''),
    );
    expect(mismatches).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(100);
  }, 600_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import { jsonText, objectOf, RawJson, SQL_TEXTS, UNICODE_TEXTS } from './support/hostile-values.js';
import { errorShapeProblems, type FuzzResponse, send } from './support/judge.js';

/*
 * Hostile input aimed at one rule at a time: malformed JSON, foreign content types, a body over the
 * limit, deep nesting, long strings, unicode and SQL-looking text (stored and returned verbatim,
 * also from the cache), extreme numbers, ids beyond int4, repeated query parameters, empty bodies
 * and prototype keys. Every refusal is a 4xx in the documented error shape, never a 5xx.
 */
const BODY_LIMIT_BYTES = 256 * 1024;

let sequence = 0;
const unique = (prefix: string) => `${prefix} ${++sequence}`;

describe('hostile input', () => {
  let t: TestApp;
  let restaurantId: number;
  let menuItemId: number;
  let customerId: number;
  let orderId: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
    restaurantId = (await t.admin.post('/restaurants', restaurantBody())).body.id;
    menuItemId = (await t.admin.post(`/restaurants/${restaurantId}/menu-items`, { name: 'Hostile Dish', price: 9.5, category: 'Main' }))
      .body.id;
    customerId = (await t.admin.post('/customers', customerBody())).body.id;
    orderId = (
      await t.admin.post(`/orders/customers/${customerId}/orders`, {
        restaurant_id: restaurantId,
        delivery_address: '1 Oak Ave',
        order_items: [{ menu_item_id: menuItemId, quantity: 1 }],
      })
    ).body.id;
  });
  afterAll(() => t?.close());

  function restaurantBody(overrides: Record<string, unknown> = {}) {
    return { name: unique('Hostile Kitchen'), cuisine_type: 'Italian', address: '1 Main St', phone_number: '+1-555-0100', ...overrides };
  }
  function customerBody(overrides: Record<string, unknown> = {}) {
    const n = ++sequence;
    return {
      name: `Hostile Customer ${n}`,
      email: `hostile${n}@example.com`,
      phone_number: '+1-555-0200',
      address: '1 Oak Ave',
      ...overrides,
    };
  }

  /** A request with the body exactly as given (any method, any content type). */
  function raw(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathAndQuery: string,
    body?: string,
    contentType?: string,
  ): Promise<FuzzResponse> {
    const [path, query = ''] = pathAndQuery.split('?');
    return send(
      t.http.baseUrl,
      { mode: 'hostile', as: 'admin', method, path, query, headers: contentType ? { 'content-type': contentType } : {}, body },
      TEST_ADMIN_TOKEN,
    );
  }
  const json = (method: 'POST' | 'PUT', path: string, value: unknown) => raw(method, path, jsonText(value), 'application/json');

  /** A 4xx of this status in the documented shape; returns its `field:rule` pairs. */
  function refused(response: FuzzResponse, status: number): string[] {
    expect({ status: response.status, problems: errorShapeProblems(response) }).toEqual({ status, problems: [] });
    return ((response.json as { errors?: { field: string; rule: string }[] }).errors ?? []).map(({ field, rule }) => `${field}:${rule}`);
  }
  const fields = (pairs: string[]) => [...new Set(pairs.map((pair) => pair.split(':')[0]))];

  describe('malformed JSON', () => {
    it.each([
      '{',
      '{"name":}',
      "{'name':'x'}",
      '[1,]',
      '{"a":1}{"b":2}',
      '{"a":1,}',
      'nul',
      '{"a":"\\x"}',
      '{"a": 01}',
      '\u0000',
      '"unterminated',
    ])('%j is a 400 naming the problem', async (text) => {
      const response = await raw('POST', '/restaurants', text, 'application/json');
      refused(response, 400);
      expect((response.json as { message: string }).message).toMatch(/JSON/);
    });
  });

  describe('content types', () => {
    it.each([
      ['application/xml', '<restaurant><name>x</name></restaurant>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--'],
      ['application/octet-stream', '\u0001\u0002'],
      ['text/html', '<b>x</b>'],
      ['text/plain', 'name=x'],
      ['application/x-www-form-urlencoded', 'name=x&cuisine_type=Thai&address=1&phone_number=%2B15550100'],
    ])('%s is a 415', async (contentType, body) => {
      refused(await raw('POST', '/restaurants', body, contentType), 415);
    });

    it('JSON is accepted under its other spellings', async () => {
      for (const contentType of ['application/json; charset=utf-8', 'Application/JSON']) {
        expect((await raw('POST', '/restaurants', JSON.stringify(restaurantBody()), contentType)).status).toBe(201);
      }
    });
  });

  describe('body size', () => {
    it('a body over BODY_LIMIT_BYTES is a 413, one just under it is read (and refused for its content)', async () => {
      const padding = (bytes: number) => JSON.stringify(restaurantBody({ description: 'd'.repeat(bytes) }));
      const over = padding(BODY_LIMIT_BYTES);
      expect(Buffer.byteLength(over)).toBeGreaterThan(BODY_LIMIT_BYTES);
      refused(await raw('POST', '/restaurants', over, 'application/json'), 413);
      const under = padding(BODY_LIMIT_BYTES - 200);
      expect(Buffer.byteLength(under)).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
      expect(refused(await raw('POST', '/restaurants', under, 'application/json'), 400)).toEqual(['description:maxLength']);
    });
  });

  describe('deep nesting', () => {
    /** The `field:rule` pairs of a refusal, each cut to the field's first `segments` path segments. */
    const at = (pairs: string[], segments: number) => [
      ...new Set(pairs.map((pair) => `${pair.split(':')[0].split('.').slice(0, segments).join('.')}:${pair.split(':')[1]}`)),
    ];

    it.each([50, 1_000, 10_000])('a field nested %i levels deep is a 400 naming the field', async (depth) => {
      for (const nested of [
        new RawJson('['.repeat(depth) + ']'.repeat(depth)),
        new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
      ]) {
        expect(at(refused(await json('POST', '/restaurants', { ...restaurantBody(), name: nested }), 400), 1)).toEqual(['name:max_depth']);
        expect(at(refused(await json('PUT', `/menu-items/${menuItemId}`, { name: nested }), 400), 1)).toEqual(['name:max_depth']);
        const line = { menu_item_id: menuItemId, quantity: 1, special_requests: nested };
        const order = await json('POST', `/orders/customers/${customerId}/orders`, {
          restaurant_id: restaurantId,
          delivery_address: 'x',
          order_items: [line],
        });
        expect(at(refused(order, 400), 3)).toEqual(['order_items.0.special_requests:max_depth']);
      }
    });

    it('a whole body nested 20,000 levels deep is a 400', async () => {
      expect(at(refused(await raw('POST', '/customers', '['.repeat(20_000) + ']'.repeat(20_000), 'application/json'), 400), 1)).toEqual([
        '0:max_depth',
      ]);
      expect(
        at(
          refused(await raw('PUT', `/customers/${customerId}`, '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), 'application/json'), 400),
          1,
        ),
      ).toEqual(['a:max_depth']);
    });
  });

  describe('long strings', () => {
    it.each([
      ['/restaurants', 'POST', 'name', 100, () => restaurantBody()],
      ['/restaurants', 'POST', 'description', 2000, () => restaurantBody()],
      ['/restaurants', 'POST', 'cuisine_type', 50, () => restaurantBody()],
      ['/customers', 'POST', 'name', 100, () => customerBody()],
      ['/customers', 'POST', 'address', 500, () => customerBody()],
    ] as const)('%s %s: %s over %i characters is a 400 naming it; at the limit it is stored', async (path, method, field, max, body) => {
      // Characters are code points, as Postgres counts them: astral ones and variation selectors count one each.
      for (const tooLong of ['x'.repeat(max + 1), '🍕'.repeat(max + 1), `abc${'\uFE0F'.repeat(max - 2)}`, 'x'.repeat(100_000)]) {
        expect(fields(refused(await json(method, path, { ...body(), [field]: tooLong }), 400))).toEqual([field]);
      }
      const atLimit = field === 'cuisine_type' ? `A${'b'.repeat(max - 1)}` : `🍕${'\u05D0'.repeat(max - 2)}😀`;
      const created = await json(method, path, { ...body(), [field]: atLimit });
      expect(created.status).toBe(201);
      expect((created.json as Record<string, unknown>)[field]).toBe(atLimit);
    });

    it('an order line: special_requests over 500 characters is a 400 naming the line', async () => {
      const response = await json('POST', `/orders/customers/${customerId}/orders`, {
        restaurant_id: restaurantId,
        delivery_address: 'x',
        order_items: [{ menu_item_id: menuItemId, quantity: 1, special_requests: 'r'.repeat(501) }],
      });
      expect(refused(response, 400)).toEqual(['order_items.0.special_requests:maxLength']);
    });

    it('query strings: q over 100 characters is a 400 naming q', async () => {
      expect(refused(await raw('GET', `/menu-items/search?q=${'q'.repeat(101)}`), 400)).toEqual(['q:isLength']);
    });
  });

  describe('unicode and SQL-looking text', () => {
    const VERBATIM = [...SQL_TEXTS, ...UNICODE_TEXTS].filter((text) => text.trim() === text && text.length >= 3);

    it.each(VERBATIM)('%j is stored and returned byte for byte, also from the cache', async (text) => {
      const created = await json(
        'POST',
        '/restaurants',
        restaurantBody({ name: `${text} ${++sequence}`.slice(0, 90), description: text, address: text }),
      );
      expect(created.status).toBe(201);
      const restaurant = created.json as Record<string, string> & { id: number };
      expect(restaurant.description).toBe(text);
      expect(restaurant.address).toBe(text);

      const first = await raw('GET', `/restaurants/${restaurant.id}`);
      const second = await raw('GET', `/restaurants/${restaurant.id}`);
      expect((first.json as Record<string, string>).description).toBe(text);
      expect(second.headers['x-cache']).toMatch(/^HIT-/);
      expect(second.text).toBe(first.text);
      expect(Buffer.from(second.text)).toEqual(Buffer.from(first.text));

      const customer = await json(
        'POST',
        '/customers',
        customerBody({ name: text.length <= 100 ? text : text.slice(0, 100), address: text }),
      );
      expect(customer.status).toBe(201);
      const customerRead = await raw('GET', `/customers/${(customer.json as { id: number }).id}`);
      expect(customerRead.json).toMatchObject({ name: text, address: text });
      const again = await raw('GET', `/customers/${(customer.json as { id: number }).id}`);
      expect(again.headers['x-cache']).toMatch(/^HIT-/);
      expect(again.text).toBe(customerRead.text);
    });

    it('SQL-looking search text matches literally and finds nothing else', async () => {
      for (const text of SQL_TEXTS) {
        const response = await raw('GET', `/menu-items/search?q=${encodeURIComponent(text)}`);
        expect(response.status).toBe(200);
        for (const item of response.json as { name: string; description: string | null }[]) {
          expect(`${item.name} ${item.description ?? ''}`.toLowerCase()).toContain(text.toLowerCase());
        }
      }
    });

    it.each([
      ['a NUL character', 'nul\u0000inside', 'no_nul_character'],
      ['an unpaired surrogate', 'a\uD800b', 'well_formed_unicode'],
    ])('text with %s cannot be stored as sent: a 400 naming the field', async (_name, text, rule) => {
      expect(refused(await json('POST', '/restaurants', restaurantBody({ description: text })), 400)).toEqual([`description:${rule}`]);
      expect(refused(await json('PUT', `/customers/${customerId}`, { address: text }), 400)).toEqual([`address:${rule}`]);
      expect(
        refused(await json('POST', `/reviews/orders/${orderId}/review?customer_id=${customerId}`, { rating: 5, comment: text }), 400),
      ).toEqual([`comment:${rule}`]);
    });

    it.each([
      ['/menu-items/search?q=a%00b', 'q:no_nul_character'],
      ['/restaurants/search?location=%00', 'location:no_nul_character'],
      ['/cache/audit?cause=a%00', 'cause:no_nul_character'],
      ['/menu-items/category/a%00b', 'category:no_nul_character'],
    ])('a NUL in %s is a 400 naming the parameter (never a database error)', async (path, pair) => {
      expect(refused(await raw('GET', path), 400)).toEqual([pair]);
    });
  });

  describe('numbers', () => {
    it.each([
      ['price', -1],
      ['price', 0],
      ['price', new RawJson('1e309')],
      ['price', new RawJson('-1e309')],
      ['price', 1e308],
      ['price', 100_000_000],
      ['price', '12.50'],
      ['preparation_time', 1.5],
      ['preparation_time', 2_147_483_648],
      ['preparation_time', new RawJson('1e309')],
    ])('menu item %s = %s is a 400 naming it', async (field, value) => {
      expect(fields(refused(await json('PUT', `/menu-items/${menuItemId}`, { [field]: value }), 400))).toEqual([field]);
    });

    it.each([
      ['capacity', 2_147_483_648],
      ['capacity', -1],
      ['rating', new RawJson('1e309')],
      ['rating', -0.5],
    ])('restaurant %s = %s is a 400 naming it', async (field, value) => {
      expect(fields(refused(await json('PUT', `/restaurants/${restaurantId}`, { [field]: value }), 400))).toEqual([field]);
    });

    it('an order of the largest quantities at the largest price is refused for its total, not by the database', async () => {
      const dear = await json('POST', `/restaurants/${restaurantId}/menu-items`, {
        name: unique('Dear Dish'),
        price: 99_999_999.99,
        category: 'Main',
      });
      expect(dear.status).toBe(201);
      const response = await json('POST', `/orders/customers/${customerId}/orders`, {
        restaurant_id: restaurantId,
        delivery_address: 'x',
        order_items: Array.from({ length: 50 }, () => ({ menu_item_id: (dear.json as { id: number }).id, quantity: 99 })),
      });
      expect(refused(response, 400)).toEqual(['order_items:max_total']);
    });

    it.each([
      'min_price=1e309',
      'min_price=-1',
      'max_price=Infinity',
      'min_price=NaN',
      'restaurant_id=-1',
      'skip=-1',
      'limit=1e3',
      'limit=0x10',
    ])('query %s is a 400', async (query) => {
      expect(fields(refused(await raw('GET', `/menu-items/search?${query}`), 400))).toEqual([query.split('=')[0]]);
    });
  });

  describe('ids beyond int4', () => {
    const BEYOND = ['2147483648', '99999999999', '9'.repeat(40), '-1', '0', '1e3', '1.0', '0x10', '%EF%BC%91'];

    it.each(BEYOND)('path id %s is a 400 naming the parameter', async (id) => {
      expect(refused(await raw('GET', `/restaurants/${id}`), 400)).toEqual(['id:id']);
      expect(refused(await raw('GET', `/orders/${id}`), 400)).toEqual(['id:id']);
      expect(refused(await raw('GET', `/realtime/order-tracking/${id}`), 400)).toEqual(['order_id:id']);
      expect(refused(await json('PUT', `/customers/${id}`, { name: 'x y' }), 400)).toContain('id:id');
    });

    it.each([2_147_483_648, 1e20, -1, 0])('body id %s is a 400 naming the field', async (id) => {
      const order = await json('POST', `/orders/customers/${customerId}/orders`, {
        restaurant_id: id,
        delivery_address: 'x',
        order_items: [{ menu_item_id: id, quantity: 1 }],
      });
      expect(fields(refused(order, 400)).sort()).toEqual(['order_items.0.menu_item_id', 'restaurant_id']);
      expect(fields(refused(await json('PUT', `/realtime/notifications/${customerId}`, { notification_ids: [id] }), 400))).toEqual([
        'notification_ids',
      ]);
      expect(fields(refused(await json('POST', '/enterprise/invalidation/cascade', { entity: 'restaurant', id }), 400))).toEqual(['id']);
    });

    it.each(['2147483648', '99999999999999999999', '-5'])('query id %s is a 400 naming the parameter', async (id) => {
      expect(fields(refused(await json('POST', `/reviews/orders/${orderId}/review?customer_id=${id}`, { rating: 5 }), 400))).toEqual([
        'customer_id',
      ]);
      expect(fields(refused(await raw('GET', `/menu-items/search?restaurant_id=${id}`), 400))).toEqual(['restaurant_id']);
      expect(fields(refused(await raw('GET', `/analytics/restaurants/performance?restaurant_id=${id}`), 400))).toEqual(['restaurant_id']);
      expect(fields(refused(await raw('GET', `/enterprise/security/validate/customers?user_id=${id}`), 400))).toEqual(['user_id']);
    });
  });

  describe('URLs the router refuses', () => {
    it.each(['/restaurants/%', '/restaurants/%zz', '/restaurants/a%E0%A4%A', '/customers/%ED%A0%80/orders'])(
      '%s (malformed escape) is a 400 in the error shape',
      async (path) => {
        refused(await raw('GET', path), 400);
      },
    );

    it('a path parameter over 100 characters is a 414 in the error shape', async () => {
      refused(await raw('GET', `/restaurants/${'1'.repeat(101)}`), 414);
      refused(await raw('PUT', `/customers/${'9'.repeat(300)}`, '{}', 'application/json'), 414);
    });
  });

  describe('values a validator admits and a dependency refuses', () => {
    // A date-time without a zone (2024-01-15T10:00) is read as UTC, so it is not among these.
    it.each(['2024-W01-1', '2024-001', '2024-01-15'])('audit since/until %s (ISO 8601, but no date-time) is a 400', async (value) => {
      expect(refused(await raw('GET', `/cache/audit?since=${value}`), 400)).toContain('since:matches');
      expect(refused(await raw('GET', `/cache/audit?until=${value}`), 400)).toContain('until:matches');
    });

    it('a SCAN cursor beyond 64 bits is a 400; the largest one is a page', async () => {
      for (const cursor of ['18446744073709551616', '99999999999999999999']) {
        expect(refused(await raw('GET', `/cache/keys/restaurants?cursor=${cursor}`), 400)).toEqual(['cursor:matches']);
      }
      expect((await raw('GET', '/cache/keys/restaurants?cursor=18446744073709551615')).status).toBe(200);
    });
  });

  describe('null where the document does not allow it', () => {
    it.each([
      ['PUT /orders/{id}/status', 'delivery_time', { order_status: 'delivered', delivery_time: null }],
      ['PUT /realtime/notifications/{customer_id}', 'notification_ids', { notification_ids: null }],
      ['POST /enterprise/warming/predictive', 'limit', { limit: null }],
      ['PUT /restaurants/{id}', 'capacity', { capacity: null }],
    ] as const)('%s: %s null is a 400 naming it', async (route, field, body) => {
      const ids: Record<string, number> = { '/orders/': orderId, '/realtime/': customerId, '/restaurants/': restaurantId };
      const [method, template] = route.split(' ') as ['PUT' | 'POST', string];
      const path = template.replace(/\{\w+\}/, () => String(Object.entries(ids).find(([prefix]) => template.startsWith(prefix))?.[1]));
      expect(fields(refused(await json(method, path, body), 400))).toEqual([field]);
    });
  });

  describe('repeated query parameters', () => {
    it.each([
      ['/restaurants?limit=1&limit=2', 'limit'],
      ['/restaurants?skip=0&skip=0', 'skip'],
      ['/menu-items/search?q=a&q=b', 'q'],
      ['/menu-items/search?vegetarian=true&vegetarian=false', 'vegetarian'],
      ['/analytics/revenue/daily?date=2024-01-01&date=2024-01-02', 'date'],
      ['/cache/audit?since=2024-01-01T00:00:00Z&since=2024-01-02T00:00:00Z', 'since'],
    ])('%s is a 400 naming %s', async (path, field) => {
      expect(fields(refused(await raw('GET', path), 400))).toEqual([field]);
    });
  });

  describe('empty bodies', () => {
    it.each([
      ['POST', '/restaurants'],
      ['POST', '/customers'],
      ['PUT', '/orders/1/status'],
      ['POST', '/enterprise/invalidation/cascade'],
    ] as const)('%s %s with no body is a 400 (with and without a JSON content type)', async (method, path) => {
      refused(await raw(method, path, '', 'application/json'), 400);
      refused(await raw(method, path), 400);
      expect(refused(await raw(method, path, '{}', 'application/json'), 400).length).toBeGreaterThan(0);
    });

    it('PUT with an empty object changes nothing and answers the row', async () => {
      const before = await raw('GET', `/restaurants/${restaurantId}`);
      const response = await json('PUT', `/restaurants/${restaurantId}`, {});
      expect(response.status).toBe(200);
      expect((response.json as { name: string }).name).toBe((before.json as { name: string }).name);
    });

    it.each(['null', '[]', '"text"', '42', 'true'])('a body of %s where an object is expected is a 400', async (body) => {
      refused(await raw('POST', '/restaurants', body, 'application/json'), 400);
      refused(await raw('PUT', `/menu-items/${menuItemId}`, body, 'application/json'), 400);
    });
  });

  describe('prototype keys', () => {
    it('__proto__ and constructor.prototype are refused and pollute nothing', async () => {
      const bodies = [
        objectOf([...Object.entries(restaurantBody()), ['__proto__', { polluted: true }]]),
        objectOf([...Object.entries(restaurantBody()), ['constructor', { prototype: { polluted: true } }]]),
        { ...restaurantBody(), nested: objectOf([['__proto__', { polluted: true }]]) },
      ];
      for (const body of bodies) {
        refused(await json('POST', '/restaurants', body), 400);
        refused(await json('PUT', `/customers/${customerId}`, body), 400);
      }
      refused(await raw('GET', '/restaurants?__proto__[polluted]=1&constructor[prototype][polluted]=1'), 400);
      for (const value of [1, 'x', null]) {
        expect(
          refused(await json('POST', '/customers', objectOf([...Object.entries(customerBody()), ['constructor', value]])), 400),
        ).toEqual(['constructor:unknown_field']);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    });
  });

  it('the SQL-looking text ran as no statement: every table is still there', async () => {
    for (const table of ['orders', 'customers', 'restaurants', 'menu_items']) {
      const [{ exists }] = await t.db.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table]);
      expect(exists).toBe(true);
    }
  });
});

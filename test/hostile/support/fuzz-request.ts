import fc from 'fast-check';
import { encodeUrlValue, hostileJson, hostileString, hostileUrlValue, jsonText, objectOf, RawUrlText } from './hostile-values.js';
import type { OpenApi, Operation, Schema } from './openapi.js';
import { invalidJson, invalidParams, type InvalidValue, unknownKey, validJson, validParam } from './schema-arbitraries.js';

/**
 * One request of the fuzz, as sent (path and query already encoded, body as raw text), with what
 * the answer must be when the request breaks a documented rule.
 */
export interface FuzzRequest {
  mode: 'valid' | 'invalid' | 'hostile';
  as: 'admin' | 'anonymous';
  method: Operation['method'];
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
  /** For an invalid request: the status it must get, and the field its error must name when one is known. */
  expect?: { status: 400 | 415; field?: string; breaks: string };
}

type QueryValue = string | RawUrlText | (string | RawUrlText)[];
type Body = { value: unknown } | { raw: string; contentType?: string } | undefined;

interface Parts {
  as: FuzzRequest['as'];
  path: Record<string, string | RawUrlText>;
  query: Record<string, QueryValue>;
  body: Body;
  headers: Record<string, string>;
}

/** Ids of the form `.` or `..` are resolved away by URL parsing, and an empty one names another route. */
const isRoutableSegment = (value: unknown) => !(typeof value === 'string' && ['', '.', '..'].includes(value.trim()));

/** Types the server may parse (JSON under other spellings; text and forms until they are refused): any 4xx, no 5xx. */
const TOLERATED_TYPES: [string, string][] = [
  ['text/plain', 'hello'],
  ['application/x-www-form-urlencoded', 'name=a&price=1'],
  ['application/json; charset=utf-8', '{}'],
  ['APPLICATION/JSON', '{}'],
  ['application/vnd.api+json', '{}'],
];

const MALFORMED_JSON = [
  '{',
  '{"a":}',
  "{'a':1}",
  '[1,]',
  'nul',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  '\u0000',
  '{"a":"\\x"}',
  '{"a": 01}',
  '"unterminated',
];
const UNSUPPORTED_TYPES: [string, string][] = [
  ['application/xml', '<order><id>1</id></order>'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'],
  ['application/octet-stream', '\u0000\u0001'],
  ['text/html', '<b>hi</b>'],
];

function build(op: Operation, mode: FuzzRequest['mode'], parts: Parts, expect?: FuzzRequest['expect']): FuzzRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_match, name: string) => encodeUrlValue(parts.path[name]));
  const query = Object.entries(parts.query)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((item) => `${encodeURIComponent(name)}=${encodeUrlValue(item)}`),
    )
    .join('&');
  const headers = { ...parts.headers };
  let body: string | undefined;
  if (parts.body && 'value' in parts.body) {
    body = jsonText(parts.body.value);
    headers['content-type'] = 'application/json';
  } else if (parts.body) {
    body = parts.body.raw;
    if (parts.body.contentType) headers['content-type'] = parts.body.contentType;
  }
  return { mode, as: parts.as, method: op.method, path, query, headers, body, expect };
}

const pathParams = (op: Operation) => op.params.filter((param) => param.in === 'path');
const queryParams = (op: Operation) => op.params.filter((param) => param.in === 'query');

function validParts(api: OpenApi, op: Operation, asArbitrary: fc.Arbitrary<FuzzRequest['as']>): fc.Arbitrary<Parts> {
  const query = queryParams(op);
  const body = op.body
    ? op.body.required
      ? validJson(api, op.body.schema).map((value): Body => ({ value }))
      : fc.option(
          validJson(api, op.body.schema).map((value): Body => ({ value })),
          { nil: undefined },
        )
    : fc.constant<Body>(undefined);
  return fc.record({
    as: asArbitrary,
    path: fc.record(
      Object.fromEntries(pathParams(op).map((param) => [param.name, validParam(api, param.schema, param.name).filter(isRoutableSegment)])),
    ),
    query: fc.record(Object.fromEntries(query.map((param) => [param.name, validParam(api, param.schema, param.name)])), {
      requiredKeys: query.filter((param) => param.required).map((param) => param.name),
    }),
    body,
    headers: fc.constant({}),
  });
}

interface Leaf {
  path: string[];
  schema: Schema;
  required: boolean;
}

/** Every field of a body, nested ones of required arrays included (their first element is always sent). */
function leaves(api: OpenApi, raw: Schema, prefix: string[] = []): Leaf[] {
  const schema = api.resolve(raw);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => {
    const resolved = api.resolve(property);
    const leaf = { path: [...prefix, key], schema: resolved, required: required.has(key) };
    const items = resolved.type === 'array' && resolved.items ? api.resolve(resolved.items) : undefined;
    const nested = items?.properties && (resolved.minItems ?? 0) > 0 && required.has(key) ? leaves(api, items, [...prefix, key, '0']) : [];
    return [leaf, ...nested];
  });
}

/** `value` may be MISSING, which removes the field. */
function setAt(target: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(target) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}
const MISSING = Symbol('missing');

/** Requests that break exactly one documented rule, each with the field its 400 must name. */
function invalidRequests(api: OpenApi, op: Operation, base: fc.Arbitrary<Parts>): fc.Arbitrary<FuzzRequest>[] {
  const options: fc.Arbitrary<FuzzRequest>[] = [];
  const withPart = (
    breaks: fc.Arbitrary<InvalidValue>,
    apply: (parts: Parts, value: unknown) => Parts,
    field: string | undefined | ((value: unknown) => string),
    status: 400 | 415 = 400,
  ) =>
    options.push(
      fc.tuple(base, breaks).map(([parts, broken]) =>
        build(op, 'invalid', apply(parts, broken.value), {
          status,
          field: typeof field === 'function' ? field(broken.value) : field,
          breaks: broken.breaks,
        }),
      ),
    );

  for (const param of pathParams(op)) {
    for (const arbitrary of invalidParams(api, param.schema)) {
      withPart(
        arbitrary.filter((broken) => isRoutableSegment(broken.value)),
        (parts, value) => ({ ...parts, path: { ...parts.path, [param.name]: value as string } }),
        param.name,
      );
    }
  }
  const query = queryParams(op);
  for (const param of query) {
    for (const arbitrary of invalidParams(api, param.schema)) {
      withPart(arbitrary, (parts, value) => ({ ...parts, query: { ...parts.query, [param.name]: value as string } }), param.name);
    }
    withPart(
      fc
        .tuple(validParam(api, param.schema, param.name), validParam(api, param.schema, param.name))
        .map((values) => ({ value: values, breaks: 'repeated' })),
      (parts, value) => ({ ...parts, query: { ...parts.query, [param.name]: value as string[] } }),
      param.name,
    );
  }
  if (query.length > 0) {
    const documented = new Set(query.map((param) => param.name));
    withPart(
      fc
        .constantFrom('unknown_param', 'sort', 'offset', 'where')
        .filter((name) => !documented.has(name))
        .map((name) => ({ value: name, breaks: 'unknown query parameter' })),
      (parts, value) => ({ ...parts, query: { ...parts.query, [value as string]: '1' } }),
      (name) => name as string,
    );
  }
  if (op.body) {
    const bodySchema = api.resolve(op.body.schema);
    const bodyValue = (parts: Parts) => (parts.body && 'value' in parts.body ? parts.body.value : {});
    for (const leaf of leaves(api, bodySchema)) {
      const field = leaf.path.join('.');
      for (const arbitrary of invalidJson(api, leaf.schema)) {
        withPart(arbitrary, (parts, value) => ({ ...parts, body: { value: setAt(bodyValue(parts), leaf.path, value) } }), field);
      }
      if (leaf.required) {
        withPart(
          fc.constant({ value: MISSING, breaks: 'required' }),
          (parts) => ({ ...parts, body: { value: setAt(bodyValue(parts), leaf.path, MISSING) } }),
          field,
        );
      }
    }
    const documented = new Set(Object.keys(bodySchema.properties ?? {}));
    withPart(
      unknownKey()
        .filter((key) => !documented.has(key))
        .map((key) => ({ value: key, breaks: 'unknown field' })),
      (parts, key) => ({ ...parts, body: { value: objectOf([...Object.entries(bodyValue(parts) as object), [key as string, 1]]) } }),
      (key) => key as string,
    );
    withPart(
      fc.constantFrom<unknown>([], [{}], 'text', 42, true, null).map((value) => ({ value, breaks: 'not an object' })),
      (parts, value) => ({ ...parts, body: { value } }),
      undefined,
    );
    withPart(
      fc.constantFrom(...MALFORMED_JSON).map((raw) => ({ value: raw, breaks: 'malformed JSON' })),
      (parts, raw) => ({ ...parts, body: { raw: raw as string, contentType: 'application/json' } }),
      undefined,
    );
    withPart(
      fc.constantFrom(...UNSUPPORTED_TYPES).map((pair) => ({ value: pair, breaks: 'unsupported content type' })),
      (parts, pair) => ({ ...parts, body: { raw: (pair as [string, string])[1], contentType: (pair as [string, string])[0] } }),
      undefined,
      415,
    );
    if (op.body.required) {
      // Empty JSON is malformed; no body at all is refused only where some field is required (a partial update may send none).
      const empty: [string, string | undefined][] = bodySchema.required?.length
        ? [
            ['', 'application/json'],
            ['', undefined],
          ]
        : [['', 'application/json']];
      withPart(
        fc.constantFrom(...empty).map((pair) => ({ value: pair, breaks: 'empty body' })),
        (parts, pair) => ({
          ...parts,
          body: { raw: (pair as [string, string | undefined])[0], contentType: (pair as [string, string | undefined])[1] },
        }),
        undefined,
      );
    }
  }
  return options;
}

/** Anything at all in every parameter and the body; only the universal properties apply. */
function hostileRequest(api: OpenApi, op: Operation, base: fc.Arbitrary<Parts>): fc.Arbitrary<FuzzRequest> {
  const query = queryParams(op);
  const hostilePath = fc.record(
    Object.fromEntries(
      pathParams(op).map((param) => [
        param.name,
        fc.oneof(validParam(api, param.schema, param.name), hostileUrlValue()).filter(isRoutableSegment),
      ]),
    ),
  );
  const hostileQuery = fc.record(
    Object.fromEntries([
      ...query.map(
        (param) =>
          [
            param.name,
            fc.oneof(
              validParam(api, param.schema, param.name),
              hostileUrlValue(),
              fc.array(hostileUrlValue(), { minLength: 2, maxLength: 3 }),
            ),
          ] as const,
      ),
      ['hostile_extra', hostileUrlValue()] as const,
    ]),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, QueryValue>>;
  const hostileBody: fc.Arbitrary<Body> = fc.oneof(
    { weight: 3, arbitrary: hostileJson().map((value): Body => ({ value })) },
    {
      weight: op.body ? 4 : 0,
      arbitrary: op.body
        ? fc
            .tuple(validJson(api, op.body.schema), fc.constantFrom(...leaves(api, op.body.schema)), hostileJson())
            .map(([value, leaf, replacement]): Body => ({ value: setAt(value, leaf.path, replacement) }))
        : fc.constant<Body>(undefined),
    },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((raw): Body => ({ raw, contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...UNSUPPORTED_TYPES, ...TOLERATED_TYPES).map(([contentType, raw]): Body => ({ raw, contentType })),
    },
    { weight: 1, arbitrary: fc.constant<Body>(undefined) },
  );
  const hostileHeaders = fc.record(
    {
      'x-request-id': fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 80 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
        fc.constant('a'.repeat(65)),
      ),
      'if-none-match': fc.oneof(
        fc.constant('*'),
        fc.constant('W/"x"'),
        hostileString().filter((text) => /^[\x20-\x7e]*$/.test(text)),
      ),
      accept: fc.constantFrom('text/html', 'application/xml', '*/*', 'application/json;q=0'),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(base, hostilePath, hostileQuery, hostileBody, hostileHeaders)
    .map(([parts, path, query, body, headers]) => build(op, 'hostile', { ...parts, path, query, body, headers: headers }));
}

/** Valid, invalid and hostile requests for one operation; a share of each is sent anonymously. */
export function fuzzRequests(api: OpenApi, op: Operation): fc.Arbitrary<FuzzRequest> {
  const as = fc.constantFrom<FuzzRequest['as']>('admin', 'admin', 'admin', 'admin', 'anonymous');
  const base = validParts(api, op, as);
  const invalid = invalidRequests(api, op, base);
  return fc.oneof(
    { weight: 4, arbitrary: base.map((parts) => build(op, 'valid', parts)) },
    ...(invalid.length > 0 ? [{ weight: 4, arbitrary: fc.oneof(...invalid) }] : []),
    { weight: 2, arbitrary: hostileRequest(api, op, base) },
  );
}

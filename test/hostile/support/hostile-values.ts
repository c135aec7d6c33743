import fc from 'fast-check';

/** JSON text sent as written, for tokens JSON.stringify cannot produce (1e309, -0, 2^53 + 1) and deep nesting. */
export class RawJson {
  constructor(readonly text: string) {}
  toString() {
    return `RawJson(${this.text.length > 60 ? `${this.text.slice(0, 60)}… (${this.text.length} chars)` : this.text})`;
  }
}

/** A query or path value sent without percent-encoding (malformed escapes, overlong UTF-8). */
export class RawUrlText {
  constructor(readonly text: string) {}
  toString() {
    return `RawUrlText(${this.text})`;
  }
}

/** JSON text of a value that may hold {@link RawJson} parts; own `__proto__` keys are written like any other. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, entry]) => `${JSON.stringify(key)}:${jsonText(entry)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Percent-encodes a path segment or query value. Unpaired surrogates, which encodeURIComponent
 * refuses, are sent as their (invalid) 3-byte UTF-8 form so the server sees them too.
 */
export function encodeUrlValue(value: string | RawUrlText): string {
  if (value instanceof RawUrlText) return value.text;
  let encoded = '';
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const next = value.charCodeAt(index + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      encoded += encodeURIComponent(value.slice(index, index + 2));
      index++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      encoded += encodeURIComponent(value[index]);
    }
  }
  return encoded;
}

/** Object with own keys, `__proto__` included (an object literal would set the prototype instead). */
export const objectOf = (entries: [string, unknown][]) => Object.fromEntries(entries);

export const SQL_TEXTS = [
  "'; DROP TABLE orders;--",
  "1' OR '1'='1",
  '" OR 1=1 --',
  "Robert'); DROP TABLE customers;--",
  "admin'--",
  '1; SELECT pg_sleep(10)',
  "' UNION SELECT password FROM pg_shadow --",
  '%',
  '_',
  '\\',
  '%_%',
  '$1',
  '\\x00',
];

export const UNICODE_TEXTS = [
  'Café Ünïcödé',
  'مطعم الريّان', // right-to-left
  'שלום עולם',
  '\u202Eevil\u202C', // right-to-left override
  '中文餐厅',
  '🍕🍣🌮', // astral
  '𝕳𝖔𝖙 𝕯𝖔𝖌',
  'zero\u200Bwidth\u200C\u200Djoin',
  '\uFEFFbom',
  'e\u0301\u0301\u0301', // combining marks
  '👨‍👩‍👧‍👦 family',
  'x\uFE0F\uFE0E',
];

/** Texts a database or a parser tends to choke on. */
export const HOSTILE_TEXTS = [
  ...SQL_TEXTS,
  ...UNICODE_TEXTS,
  '\u0000',
  'nul\u0000inside',
  '\uD800', // unpaired high surrogate
  'a\uDFFFb', // unpaired low surrogate
  '\uFE0F'.repeat(120), // variation selectors: validator.js does not count them as characters, Postgres does
  'abc' + '\uFE0F'.repeat(120),
  '\u0007\u001b[31mred\r\n',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '../../../etc/passwd',
  '',
  '   ',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '0x10',
  '1e3',
  '0',
  '-0',
  '-1',
  '1.5',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '9'.repeat(40),
  '9'.repeat(20), // digits only, beyond an unsigned 64-bit integer
  '18446744073709551616',
  '2024-W01-1', // ISO 8601 week date: valid to validator.js, Invalid Date to JavaScript
  '１２３', // full-width digits
  '٣', // Arabic-Indic digit
  'x'.repeat(5_000),
];

const RAW_URL_TEXTS = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%00', '%FF%FE', '%25%32%65'].map((text) => new RawUrlText(text));

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXTS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom(...HOSTILE_TEXTS.filter((text) => text.length < 200)), { minLength: 2, maxLength: 4 })
        .map((parts) => parts.join('')),
    },
  );

/** A query or path value: hostile text, percent-encoded on the way, or raw malformed escapes. */
export const hostileUrlValue = (): fc.Arbitrary<string | RawUrlText> =>
  fc.oneof({ weight: 6, arbitrary: hostileString() }, { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_TEXTS) });

const deepArray = (depth: number) => new RawJson('['.repeat(depth) + ']'.repeat(depth));
const deepObject = (depth: number) => new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

const HOSTILE_NUMBERS = [
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('-0'),
  new RawJson('1e-400'),
  new RawJson('9007199254740993'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('0.1e1'),
  1.7976931348623157e308,
  -1.7976931348623157e308,
  5e-324,
  2147483648,
  -2147483649,
  -1,
  0,
  1.5,
  99999999.995,
  100000000,
];

/** Any JSON value a field (or a whole body) could be sent as, including ones that should never be accepted. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileString() },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS, null, true, false, [], {}, [null], [[]], [{}]) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(10, 100, 1_000, 20_000).chain((depth) => fc.constantFrom(deepArray(depth), deepObject(depth))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        objectOf([['__proto__', { is_admin: true }]]),
        objectOf([['constructor', { prototype: { polluted: true } }]]),
        objectOf([['prototype', { polluted: true }]]),
      ),
    },
  );

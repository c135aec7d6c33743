import fc from 'fast-check';
import { RawJson } from './hostile-values.js';
import type { OpenApi, Schema } from './openapi.js';

/*
 * Values from a schema of the document: valid ones (within type, enum, format, bounds, lengths)
 * and definitely invalid ones (each breaks one thing the schema states). Invalid values are only
 * built from what the document says, so a 2xx for one of them means the document and the server
 * disagree.
 */

/** The fixture creates a handful of rows of every kind, so small ids name existing rows. */
export const FIXTURE_ID_MAX = 6;
const MAX_INT4 = 2_147_483_647;

const isIdName = (name: string) => name === 'id' || name.endsWith('_id');

const PLAIN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const TEXT_CHARS = [...PLAIN_CHARS, ' ', '-', "'", ',', '.', 'é', 'ß', 'ñ', '中', 'ع', '🍕', '😀', '\u200B', ';', '%', '_', '"'];
/** Non-blank characters, each one code point: a string of them keeps its length through trimming. */
const LONG_CHARS = ['x', 'é', '中', '🍕', '𝕳', '\u0301', '%', "'"];

const codePoints = (text: string) => [...text].length;

/** A string of `min`..`max` code points that starts and ends with a non-blank character. */
function textOfLength(min: number, max: number): fc.Arbitrary<string> {
  const upper = Math.min(max, min + 60);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.array(fc.constantFrom(...PLAIN_CHARS), { minLength: min, maxLength: upper }) },
      { weight: 2, arbitrary: fc.array(fc.constantFrom(...TEXT_CHARS), { minLength: min, maxLength: upper }) },
    )
    .map((chars) => {
      if (chars.length === 0) return '';
      const trimmed = chars.slice();
      if (trimmed[0].trim() === '' || trimmed[0] === '\u200B') trimmed[0] = 'a';
      const last = trimmed.length - 1;
      if (trimmed[last].trim() === '' || trimmed[last] === '\u200B') trimmed[last] = 'z';
      return trimmed.join('');
    });
}

const calendarDate = () =>
  fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10));
const dateTime = () =>
  fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString());

function validString(schema: Schema, name: string): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 200);
  const example = typeof schema.example === 'string' ? [schema.example] : [];
  let generated: fc.Arbitrary<string>;
  if (schema.format === 'email') {
    generated = fc.emailAddress().filter((email) => email.length <= max);
  } else if (schema.format === 'date') {
    generated = calendarDate();
  } else if (schema.format === 'date-time') {
    generated = dateTime();
  } else if (schema.pattern) {
    generated = fc.stringMatching(new RegExp(schema.pattern)).filter((text) => codePoints(text) >= min && codePoints(text) <= max);
  } else {
    generated = textOfLength(min, max);
  }
  return example.length > 0 && !isIdName(name)
    ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...example) }, { weight: 3, arbitrary: generated })
    : generated;
}

function numberBounds(schema: Schema): { min: number; max: number; minExcluded: boolean } {
  return { min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000, minExcluded: schema.exclusiveMinimum === true };
}

function validNumber(schema: Schema, name: string): fc.Arbitrary<number> {
  const { min, max, minExcluded } = numberBounds(schema);
  if (isIdName(name) && min <= 1) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: FIXTURE_ID_MAX }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.min(max, MAX_INT4) }) },
    );
  }
  const lowInt = Math.ceil(minExcluded ? min + 1e-9 : min);
  const integers = fc.integer({ min: Math.max(lowInt, Number.MIN_SAFE_INTEGER), max: Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER) });
  if (schema.type === 'integer') return integers;
  const decimals = fc
    .integer({ min: Math.ceil(min * 100) + (minExcluded ? 1 : 0), max: Math.floor(max * 100) })
    .map((cents) => cents / 100);
  return fc.oneof(integers, decimals);
}

/** A valid JSON value for the schema. */
export function validJson(api: OpenApi, raw: Schema, name = ''): fc.Arbitrary<unknown> {
  const schema = api.resolve(raw);
  const value = validNonNull(api, schema, name);
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }) : value;
}

function validNonNull(api: OpenApi, schema: Schema, name: string): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return validString(schema, name);
    case 'number':
    case 'integer':
      return validNumber(schema, name);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validJson(api, schema.items ?? {}, name), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, Math.max(schema.minItems ?? 0, 5)),
      });
    default:
      if (schema.properties) return validObject(api, schema);
      // An "object" with no properties: the document says nothing more, so the example is the one valid value we know.
      return schema.example !== undefined ? fc.constant(schema.example) : fc.constant({});
  }
}

function validObject(api: OpenApi, schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, validJson(api, property, key)]));
  return fc.record(model, { requiredKeys: [...required] });
}

/** Query and path values are strings: a valid value's text. */
export function validParam(api: OpenApi, raw: Schema, name: string): fc.Arbitrary<string> {
  const schema = api.resolve(raw);
  if (schema.type === 'boolean') return fc.constantFrom('true', 'false');
  return validNonNull(api, schema, name).map((value) => String(value));
}

/** What an invalid value breaks, for the report. */
export interface InvalidValue {
  value: unknown;
  breaks: string;
}

const invalid = (breaks: string, arbitrary: fc.Arbitrary<unknown>) => arbitrary.map((value): InvalidValue => ({ value, breaks }));

/** Longer than maxLength in code points, with no blank ends a trim could remove. */
const tooLong = (max: number) =>
  fc.array(fc.constantFrom(...LONG_CHARS), { minLength: max + 1, maxLength: max + 40 }).map((chars) => `x${chars.join('')}x`);

function invalidStringText(schema: Schema): fc.Arbitrary<InvalidValue>[] {
  const options: fc.Arbitrary<InvalidValue>[] = [];
  if (schema.enum) {
    const allowed = new Set(schema.enum.map(String));
    options.push(
      invalid(
        'enum',
        fc.constantFrom('not-a-member', 'ALL', '*', "'; DROP TABLE orders;--", '').filter((text) => !allowed.has(text)),
      ),
    );
    const first = String(schema.enum[0]);
    if (first.toUpperCase() !== first) options.push(invalid('enum (case)', fc.constant(first.toUpperCase())));
  }
  if (schema.maxLength !== undefined) options.push(invalid('maxLength', tooLong(schema.maxLength)));
  if (schema.minLength !== undefined && schema.minLength > 0) {
    options.push(
      invalid(
        'minLength',
        fc.integer({ min: 0, max: schema.minLength - 1 }).map((length) => 'x'.repeat(length)),
      ),
    );
  }
  if (schema.format === 'email')
    options.push(invalid('format email', fc.constantFrom('not-an-email', 'a@', '@example.com', 'a b@example.com', 'a@@b.com')));
  if (schema.format === 'date')
    options.push(invalid('format date', fc.constantFrom('2023-02-29', '2024-13-01', '2024-1-5', 'yesterday', '20240115', '0000-01-01')));
  if (schema.format === 'date-time')
    options.push(
      invalid(
        'format date-time',
        fc.constantFrom('2024-13-01T00:00:00Z', 'now', '2024-01-15 25:00', 'T', '2024-W01-1', '2024-001', '2024-01-15'),
      ),
    );
  return options;
}

function invalidNumberText(schema: Schema): fc.Arbitrary<InvalidValue>[] {
  const options = [invalid('type', fc.constantFrom('abc', 'NaN', 'Infinity', '-Infinity', '1e309', '', 'one', '0x1G'))];
  if (schema.type === 'integer') options.push(invalid('integer', fc.constantFrom('1.5', '0.5', '2.000001')));
  if (schema.minimum !== undefined) {
    const below = schema.exclusiveMinimum
      ? fc.constant(schema.minimum)
      : fc.integer({ min: 1, max: 1_000_000 }).map((step) => schema.minimum! - step);
    options.push(invalid('minimum', below.map(String)));
  }
  if (schema.maximum !== undefined) {
    options.push(
      invalid(
        'maximum',
        fc
          .oneof(
            fc.integer({ min: 1, max: 1_000_000 }).map((step) => Math.floor(schema.maximum!) + step),
            fc.constant(1e20),
          )
          .map(String),
      ),
    );
  }
  return options;
}

/** Definitely invalid texts for a query or path parameter (none when the schema allows any text). */
export function invalidParams(api: OpenApi, raw: Schema): fc.Arbitrary<InvalidValue>[] {
  const schema = api.resolve(raw);
  if (schema.enum) return invalidStringText(schema);
  switch (schema.type) {
    case 'number':
    case 'integer':
      return invalidNumberText(schema);
    case 'boolean':
      return [invalid('type', fc.constantFrom('maybe', 'yes', '1', '0', 'TRUE', ''))];
    case 'string':
      return invalidStringText(schema);
    default:
      return [];
  }
}

const WRONG_TYPES: Record<string, unknown[]> = {
  string: [12, 0, true, [], {}, ['a'], { a: 'b' }],
  number: ['12', 'abc', '', true, [], {}, [1], new RawJson('1e309'), new RawJson('-1e309')],
  integer: ['12', 'abc', '', true, [], {}, [1], 1.5, 0.1, new RawJson('1e309'), new RawJson('9007199254740993.5')],
  boolean: ['true', 'false', 1, 0, 'yes', [], {}],
  array: ['a', 1, true, {}, { 0: 1 }],
  object: ['a', 1, true, [], [{}]],
};

/** Definitely invalid JSON values for a body field. */
export function invalidJson(api: OpenApi, raw: Schema): fc.Arbitrary<InvalidValue>[] {
  const schema = api.resolve(raw);
  const options: fc.Arbitrary<InvalidValue>[] = [];
  if (!schema.nullable) options.push(invalid('null', fc.constant(null)));
  const type = schema.type ?? (schema.properties ? 'object' : schema.enum ? 'string' : undefined);
  if (type && WRONG_TYPES[type]) options.push(invalid('type', fc.constantFrom(...WRONG_TYPES[type])));
  if (schema.enum || type === 'string') options.push(...invalidStringText(schema));
  if (type === 'number' || type === 'integer') {
    const { min, max, minExcluded } = numberBounds(schema);
    if (schema.minimum !== undefined)
      options.push(invalid('minimum', minExcluded ? fc.constantFrom(min, min - 1, -1e308) : fc.constantFrom(min - 1, min - 1000, -1e308)));
    if (schema.maximum !== undefined) options.push(invalid('maximum', fc.constantFrom(Math.floor(max) + 1, max * 2 + 1, 1e308)));
  }
  if (type === 'array') {
    if (schema.maxItems !== undefined) {
      options.push(
        invalid(
          'maxItems',
          fc.array(validJson(api, schema.items ?? {}), { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 3 }),
        ),
      );
    }
    if (schema.minItems !== undefined && schema.minItems > 0) options.push(invalid('minItems', fc.constant([])));
  }
  return options;
}

/** A property name the document does not list. */
export const unknownKey = () => fc.constantFrom('unknown_field', 'is_admin', 'total_amount', 'role', 'constructor', 'x'.repeat(300), '');

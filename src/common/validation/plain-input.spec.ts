import { describe, expect, it } from '@jest/globals';
import { IsOptional, IsString } from 'class-validator';
import { ValidationFailedException } from '../errors/validation-failed.exception.js';
import { MAX_INPUT_DEPTH, plainInputErrors } from './plain-input.js';
import { createValidationPipe } from './validation.pipe.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
};

describe('plainInputErrors', () => {
  it('accepts ordinary values, unicode included', () => {
    expect(plainInputErrors({ name: 'Café 🍕 שלום', lines: [{ note: "'; DROP TABLE orders;--" }], n: 1, b: null }, 'body')).toEqual([]);
    expect(plainInputErrors(nested(MAX_INPUT_DEPTH), 'body')).toEqual([]);
  });

  it('names the field nested deeper than the limit, without recursing (a million levels)', () => {
    expect(plainInputErrors({ ok: 1, deep: nested(MAX_INPUT_DEPTH) }, 'body')).toEqual([
      { field: `deep${'.a'.repeat(MAX_INPUT_DEPTH - 1)}`, rule: 'max_depth', message: expect.stringContaining('nested more than') },
    ]);
    let array: unknown[] = [];
    for (let level = 0; level < 1_000_000; level++) array = [array];
    expect(plainInputErrors({ name: array }, 'body').map(({ rule }) => rule)).toEqual(['max_depth']);
  });

  it('refuses NUL characters and unpaired surrogates, in the order the fields were sent', () => {
    expect(
      plainInputErrors({ a: 'x\u0000y', b: 'ok', c: ['\uD800'], d: 'x\uDC00', e: '😀' }, 'body').map(
        ({ field, rule }) => `${field}:${rule}`,
      ),
    ).toEqual(['a:no_nul_character', 'c.0:well_formed_unicode', 'd:well_formed_unicode']);
  });

  it('refuses constructor and __proto__ keys as unknown fields, at any depth', () => {
    const body = Object.fromEntries([
      ['name', 'x'],
      ['constructor', { prototype: { polluted: true } }],
      ['lines', [Object.fromEntries([['__proto__', { x: 1 }]])]],
    ]);
    expect(plainInputErrors(body, 'body').map(({ field, rule }) => `${field}:${rule}`)).toEqual([
      'constructor:unknown_field',
      'lines.0.__proto__:unknown_field',
    ]);
  });

  it('names the value itself by its root when it is the problem', () => {
    expect(plainInputErrors('a\u0000', 'category')).toEqual([
      { field: 'category', rule: 'no_nul_character', message: 'category must not contain a NUL character' },
    ]);
  });
});

class Body {
  @IsOptional()
  @IsString()
  note?: string;
}

async function failures(value: unknown, type: 'body' | 'query' | 'param' = 'body', data?: string): Promise<string[]> {
  try {
    await createValidationPipe().transform(value, { type, metatype: type === 'param' ? String : Body, data });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationFailedException)) throw error;
    return error.fieldErrors.map(({ field, rule }) => `${field}:${rule}`);
  }
}

describe('the validation pipe', () => {
  it('checks bodies, queries and path parameters before transforming them', async () => {
    expect(await failures({ note: nested(100) })).toEqual([`note${'.a'.repeat(MAX_INPUT_DEPTH - 1)}:max_depth`]);
    expect(await failures({ note: 'a\u0000' }, 'query')).toEqual(['note:no_nul_character']);
    expect(await failures('a\u0000', 'param', 'category')).toEqual(['category:no_nul_character']);
  });

  it('refuses a JSON null body for a DTO, and lets an absent one through', async () => {
    expect(await failures(null)).toEqual(['body:isObject']);
    expect(await failures(undefined)).toEqual([]);
  });
});

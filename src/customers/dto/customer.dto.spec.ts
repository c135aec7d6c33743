import { describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import { ValidationFailedException } from '../../common/errors/validation-failed.exception.js';
import { createValidationPipe } from '../../common/validation/validation.pipe.js';
import { CreateCustomerDto, ListCustomersQuery, normalizeEmail, UpdateCustomerDto } from './customer.dto.js';

const pipe = createValidationPipe();

function validate<T>(metatype: Type<T>, value: unknown, type: 'body' | 'query' = 'body'): Promise<T> {
  return pipe.transform(value, { type, metatype }) as Promise<T>;
}

/** The "field:rule" pairs of the 400 the global pipe raises for `value`. */
async function failures(metatype: Type<unknown>, value: unknown, type: 'body' | 'query' = 'body'): Promise<string[]> {
  try {
    await validate(metatype, value, type);
  } catch (error) {
    if (error instanceof ValidationFailedException) return error.fieldErrors.map(({ field, rule }) => `${field}:${rule}`);
    throw error;
  }
  throw new Error('expected a validation failure');
}

const valid = { name: 'John Doe', email: 'john.doe@example.com', phone_number: '+1-555-0456', address: '456 Oak Ave, City' };

describe('normalizeEmail', () => {
  it('trims and lower-cases, so one address has one stored form', () => {
    expect(normalizeEmail('  John.Doe@Example.COM \t')).toBe('john.doe@example.com');
  });
});

describe('CreateCustomerDto', () => {
  it('accepts a valid body and normalises it', async () => {
    const dto = await validate(CreateCustomerDto, {
      name: '  John Doe ',
      email: ' John.Doe@EXAMPLE.com ',
      phone_number: ' +1-555-0456 ',
      address: ' 456 Oak Ave, City ',
      is_active: false,
    });
    expect({ ...dto }).toEqual({ ...valid, is_active: false });
  });

  it('lets is_active be left out', async () => {
    expect((await validate(CreateCustomerDto, valid)).is_active).toBeUndefined();
  });

  it.each([
    ['a name of one character after trimming', { name: '  J  ' }, 'name:isLength'],
    ['a name over 100 characters', { name: 'a'.repeat(101) }, 'name:isLength'],
    ['a name that is not a string', { name: 42 }, 'name:isString'],
    ['an invalid email', { email: 'john.doe@' }, 'email:isEmail'],
    [
      'an email over 255 characters',
      { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` },
      'email:maxLength',
    ],
    ['an invalid phone number', { phone_number: 'call me' }, 'phone_number:matches'],
    ['a phone number over 20 characters', { phone_number: '+1 555 0123 4567 8901 23' }, 'phone_number:isLength'],
    ['a blank address', { address: '   ' }, 'address:isNotEmpty'],
    ['an address over 500 characters', { address: 'a'.repeat(501) }, 'address:maxLength'],
    ['is_active as a string', { is_active: 'true' }, 'is_active:isBoolean'],
    ['is_active as null', { is_active: null }, 'is_active:isBoolean'],
    ['an unknown field', { id: 7 }, 'id:unknown_field'],
  ])('refuses %s', async (_case, change, failure) => {
    expect(await failures(CreateCustomerDto, { ...valid, ...change })).toContain(failure);
  });

  it.each(['name', 'email', 'phone_number', 'address'])('requires %s', async (field) => {
    const body: Record<string, unknown> = { ...valid };
    delete body[field];
    expect((await failures(CreateCustomerDto, body)).some((failure) => failure.startsWith(`${field}:`))).toBe(true);
  });
});

describe('UpdateCustomerDto', () => {
  it('accepts any subset of fields, normalised like on create', async () => {
    const dto = await validate(UpdateCustomerDto, { email: ' NEW@Example.com ' });
    expect(dto.email).toBe('new@example.com');
    expect(dto.name).toBeUndefined();
  });

  it('accepts an empty body', async () => {
    expect(await validate(UpdateCustomerDto, {})).toBeInstanceOf(UpdateCustomerDto);
  });

  it.each(['name', 'email', 'phone_number', 'address', 'is_active'])('refuses %s sent as null', async (field) => {
    expect((await failures(UpdateCustomerDto, { [field]: null })).some((failure) => failure.startsWith(`${field}:`))).toBe(true);
  });

  it.each([
    [{ name: 'J' }, 'name:isLength'],
    [{ email: 'not-an-email' }, 'email:isEmail'],
    [{ address: '' }, 'address:isNotEmpty'],
    [{ created_at: '2025-01-01T00:00:00Z' }, 'created_at:unknown_field'],
  ])('applies the create rules to %j', async (body, failure) => {
    expect(await failures(UpdateCustomerDto, body)).toContain(failure);
  });
});

describe('ListCustomersQuery', () => {
  it('parses active_only and keeps the pagination defaults', async () => {
    const query = await validate(ListCustomersQuery, { active_only: 'true' }, 'query');
    expect({ ...query }).toEqual({ skip: 0, limit: 50, active_only: true });
    expect((await validate(ListCustomersQuery, { active_only: 'false' }, 'query')).active_only).toBe(false);
  });

  it.each([
    [{ active_only: 'maybe' }, 'active_only:isBoolean'],
    [{ active_only: '' }, 'active_only:isBoolean'],
    [{ limit: '1000' }, 'limit:max'],
    [{ skip: '-1' }, 'skip:min'],
    [{ status: 'active' }, 'status:unknown_field'],
  ])('refuses %j', async (query, failure) => {
    expect(await failures(ListCustomersQuery, query, 'query')).toContain(failure);
  });
});

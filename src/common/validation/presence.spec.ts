import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { ValidationFailedException } from '../errors/validation-failed.exception.js';
import { Presence, sentFields } from './presence.js';
import { createValidationPipe } from './validation.pipe.js';

class Body {
  @Presence('required')
  @IsString()
  required: string;

  @Presence('omittable')
  @IsString()
  omittable?: string;

  @Presence('nullable')
  @IsString()
  nullable?: string | null;
}

async function failingFields(plain: object): Promise<string[]> {
  try {
    await createValidationPipe().transform(plain, { type: 'body', metatype: Body });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationFailedException)) throw error;
    return error.fieldErrors.map((fieldError) => fieldError.field);
  }
}

describe('Presence', () => {
  it('requires a required field and refuses it as null', async () => {
    expect(await failingFields({})).toEqual(['required']);
    expect(await failingFields({ required: null })).toEqual(['required']);
  });

  it('lets an omittable field be left out but not be null', async () => {
    expect(await failingFields({ required: 'x' })).toEqual([]);
    expect(await failingFields({ required: 'x', omittable: null })).toEqual(['omittable']);
    expect(await failingFields({ required: 'x', omittable: 5 })).toEqual(['omittable']);
  });

  it('lets a nullable field be left out or null, but still validates a value', async () => {
    expect(await failingFields({ required: 'x', nullable: null })).toEqual([]);
    expect(await failingFields({ required: 'x', nullable: 5 })).toEqual(['nullable']);
  });
});

describe('sentFields', () => {
  it('keeps the fields that were sent, null included, and drops the undefined ones', () => {
    const body = Object.assign(new Body(), { required: 'x', omittable: undefined, nullable: null });
    expect(sentFields(body)).toEqual({ required: 'x', nullable: null });
    expect(Object.keys(sentFields(body))).toEqual(['required', 'nullable']);
  });
});

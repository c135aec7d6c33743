import { describe, expect, it } from '@jest/globals';
import { Length, validate } from 'class-validator';
import { MaxTextLength, TextLength } from './validators.js';

class Limited {
  @TextLength(2, 5)
  text: string;

  @MaxTextLength(5)
  note: string;
}

class ClassValidatorLimited {
  @Length(2, 5)
  text: string;
}

async function rules(text: string, note = 'ok'): Promise<string[]> {
  const errors = await validate(Object.assign(new Limited(), { text, note }));
  return errors.flatMap((error) =>
    Object.entries(error.constraints ?? {}).map(([rule, message]) => `${error.property}:${rule}:${message}`),
  );
}

describe('TextLength and MaxTextLength', () => {
  it('count characters as Postgres does: code points', async () => {
    expect(await rules('🍕🍕🍕🍕🍕')).toEqual([]);
    expect(await rules('abc\uFE0F\uFE0F\uFE0F')).toEqual(['text:isLength:text must be shorter than or equal to 5 characters']);
    expect(await rules('a')).toEqual(['text:isLength:text must be longer than or equal to 2 characters']);
    expect(await rules('ok', 'x\u0301x\u0301x\u0301')).toEqual(['note:maxLength:note must be shorter than or equal to 5 characters']);
  });

  it("differ from class-validator's Length, which does not count variation selectors", async () => {
    expect(await validate(Object.assign(new ClassValidatorLimited(), { text: 'abc\uFE0F\uFE0F\uFE0F' }))).toEqual([]);
  });

  it('refuse what is not a string', async () => {
    expect((await validate(Object.assign(new Limited(), { text: 12345, note: ['x'] }))).map((error) => error.property)).toEqual([
      'text',
      'note',
    ]);
  });
});

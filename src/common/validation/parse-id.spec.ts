import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { MAX_ID, parseId, QueryId } from './parse-id.pipe.js';

class Filter {
  @QueryId()
  restaurant_id: unknown;
}

describe('parseId: the one spelling of an id', () => {
  it.each(['1', '7', '10', '2147483647'])('reads %j', (text) => {
    expect(parseId(text)).toBe(Number(text));
  });

  it.each(['0', '07', '000000000007', '+7', '-7', '7e0', '7.0', '0x7', ' 7', '7 ', '\t7', '2147483648', '99999999999', '', 'abc', '٧'])(
    'refuses %j',
    (text) => {
      expect(parseId(text)).toBeUndefined();
    },
  );

  it('refuses anything that is not a string (a repeated query parameter arrives as an array)', () => {
    for (const value of [7, ['3', '7'], null, undefined, { id: '7' }]) expect(parseId(value)).toBeUndefined();
  });

  it('gives query DTOs the same reading and the path pipe rule and message', async () => {
    const read = async (value: unknown) => {
      const filter = plainToInstance(Filter, { restaurant_id: value });
      const errors = await validate(filter);
      return { value: filter.restaurant_id, errors: errors.flatMap((error) => Object.entries(error.constraints ?? {})) };
    };
    expect(await read('7')).toEqual({ value: 7, errors: [] });
    expect(await read(String(MAX_ID))).toEqual({ value: MAX_ID, errors: [] });
    expect(await read('000000000007')).toEqual({
      value: '000000000007',
      errors: [['id', `restaurant_id must be an integer between 1 and ${MAX_ID}`]],
    });
  });
});

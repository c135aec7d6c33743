import { describe, expect, it } from '@jest/globals';
import { INVALIDATE_TAGS, scriptDigest, SET_IF_NOT_INVALIDATED } from '../redis/redis-scripts.js';
import { redisStatement } from './redis-statement.js';

describe('redisStatement', () => {
  it('shows the command and its key, and only counts the other arguments', () => {
    expect(redisStatement('GET', ['tiffin:restaurants:restaurant:1'])).toBe('GET tiffin:restaurants:restaurant:1');
    expect(redisStatement('SET', ['tiffin:_meta:lease:k', 'token', 'NX', 'PX', '5000'])).toBe(
      'SET tiffin:_meta:lease:k [4 other arguments]',
    );
    expect(redisStatement('PING', [])).toBe('PING');
  });

  it("names Tiffin's Lua script instead of quoting it and the cached body passed to it", () => {
    const body = '{"customer":"someone@example.com"}';
    const statement = redisStatement('EVAL', [SET_IF_NOT_INVALIDATED, '1', 'tiffin:key', '17', body, '6000']);
    expect(statement).toBe('EVAL SET_IF_NOT_INVALIDATED [5 other arguments]');
    expect(redisStatement('EVAL', ["return redis.call('PING')", '0'])).toBe('EVAL script [1 other arguments]');
  });

  it('names the script run by its digest (EVALSHA)', () => {
    expect(redisStatement('EVALSHA', [scriptDigest(INVALIDATE_TAGS), '0', 'tiffin:_meta:'])).toBe(
      'EVALSHA INVALIDATE_TAGS [2 other arguments]',
    );
    expect(redisStatement('EVALSHA', ['0123456789abcdef0123456789abcdef01234567', '0'])).toBe('EVALSHA script [1 other arguments]');
  });
});

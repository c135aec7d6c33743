import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.log.json).toBe(false);
  });

  it('uses JSON logs in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).log.json).toBe(true);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid environment: PORT .*\(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT must not be greater than 65535/],
    [{ NODE_ENV: 'prod' }, /NODE_ENV must be one of the following values/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(got "mysql:\/\/x"\)/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ SWAGGER_ENABLED: 'maybe' }, /SWAGGER_ENABLED must be a boolean value/],
    [{ JOB_INTERVAL_CLEANUP_MS: '3000000000' }, /JOB_INTERVAL_CLEANUP_MS must not be greater than 2000000000/],
    [{ ADMIN_TOKEN: 'short-secret' }, /^Invalid environment: ADMIN_TOKEN must be at least 16 characters \(got a value of 12 characters\)$/],
  ])('rejects %j with one line naming the variable', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigValidationError);
    expect(() => loadConfig(environment)).toThrow(message);
  });
});

describe('loadConfig: cache TTLs', () => {
  const seconds = (config: ReturnType<typeof loadConfig>, name: string) =>
    config.cache.ttl.find((entry) => entry.name === name)?.seconds;

  it('uses the table as it is in production', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    expect(config.cache.profile).toBe('production');
    expect(seconds(config, 'restaurants')).toBe(3600);
    expect(seconds(config, 'daily_revenue')).toBe(86_400);
    expect(seconds(config, 'realtime')).toBe(30);
  });

  it('caps long TTLs in development and staging but keeps short ones', () => {
    expect(seconds(loadConfig({}), 'restaurants')).toBe(300);
    expect(seconds(loadConfig({ NODE_ENV: 'staging' }), 'restaurants')).toBe(900);
    expect(seconds(loadConfig({}), 'delivery_slots')).toBe(30);
  });

  it('lets CACHE_TTL_PROFILE and CACHE_TTL_<NAME> override', () => {
    const config = loadConfig({ CACHE_TTL_PROFILE: 'production', CACHE_TTL_MENU_ITEMS: '42' });
    expect(seconds(config, 'restaurants')).toBe(3600);
    expect(config.cache.ttl.find((entry) => entry.name === 'menu_items')).toEqual({
      name: 'menu_items',
      seconds: 42,
      source: 'override',
    });
  });

  it('rejects a bad TTL override naming the variable', () => {
    expect(() => loadConfig({ CACHE_TTL_ORDERS: '5m' })).toThrow(
      'Invalid environment: CACHE_TTL_ORDERS must be a whole number of seconds from 1 to 604800 (got "5m")',
    );
  });
});

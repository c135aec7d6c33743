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
  ])('rejects %j with one line naming the variable', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigValidationError);
    expect(() => loadConfig(environment)).toThrow(message);
  });
});

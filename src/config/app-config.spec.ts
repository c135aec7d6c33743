import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from './app-config.js';

/** Production refuses to start without a signing key, so every production case brings one. */
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'a-production-signing-key-of-32-chars' };

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
    expect(loadConfig(PRODUCTION).log.json).toBe(true);
  });

  it('exports traces only when an OTLP endpoint is set and the SDK is not disabled', () => {
    expect(loadConfig({}).tracing).toEqual({ exporting: false, serviceName: 'tiffin' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).tracing.exporting).toBe(false);
    // An empty variable (as a ConfigMap leaves it) is unset: the traces endpoint alone turns tracing on.
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).tracing
        .exporting,
    ).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.exporting).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' }).tracing.exporting).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing.exporting).toBe(false);
    expect(loadConfig({ OTEL_SERVICE_NAME: 'tiffin-eu-1' }).tracing.serviceName).toBe('tiffin-eu-1');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL \(got "collector:4318"\)/,
    );
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
  });

  it('reads DATABASE_REPLICA_URLS as trimmed URLs, none by default, and echoes a bad one only redacted', () => {
    const primary = 'postgres://tiffin:secret@db:5432/tiffin';
    expect(loadConfig({}).database.replicaUrls).toEqual([]);
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: '' }).database.replicaUrls).toEqual([]);
    expect(
      loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: ' postgres://r1:5432/tiffin , postgresql://u:p@r2:5432/tiffin ' }).database
        .replicaUrls,
    ).toEqual(['postgres://r1:5432/tiffin', 'postgresql://u:p@r2:5432/tiffin']);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://r1:5432/tiffin' })).toThrow(/DATABASE_REPLICA_URLS needs DATABASE_URL/);
    let message = '';
    try {
      loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'postgres://r1:5432/tiffin,mysql://user:hunter2@r2/tiffin' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      message = (error as Error).message;
    }
    expect(message).toContain(
      'DATABASE_REPLICA_URLS must list postgres:// or postgresql:// URLs separated by commas (got "mysql://***@r2/***")',
    );
    expect(message).not.toContain('hunter2');
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid environment: PORT .*\(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT must not be greater than 65535/],
    [{ NODE_ENV: 'prod' }, /NODE_ENV must be one of the following values/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(got "mysql:\/\/x"\)/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_CLUSTER_NODES: 'redis://a:6379,b:6379' }, /REDIS_CLUSTER_NODES must be comma-separated redis:\/\/ or rediss:\/\/ URLs/],
    [{ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'redis://b:6379' }, /REDIS_URL and REDIS_CLUSTER_NODES are exclusive/],
    [
      { REDIS_CLUSTER_NODES: 'rediss://:pw@a:6379,redis://:pw@b:6379' },
      /REDIS_CLUSTER_NODES must use one scheme, user and password for every node/,
    ],
    [{ SWAGGER_ENABLED: 'maybe' }, /SWAGGER_ENABLED must be a boolean value/],
    [{ JOB_INTERVAL_CLEANUP_MS: '3000000000' }, /JOB_INTERVAL_CLEANUP_MS must not be greater than 2000000000/],
    [{ ADMIN_TOKEN: 'short-secret' }, /^Invalid environment: ADMIN_TOKEN must be at least 32 characters \(got a value of 12 characters\)$/],
    [{ ADMIN_TOKEN: 'x'.repeat(31) }, /^Invalid environment: ADMIN_TOKEN must be at least 32 characters \(got a value of 31 characters\)$/],
  ])('rejects %j with one line naming the variable', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigValidationError);
    expect(() => loadConfig(environment)).toThrow(message);
  });
});

describe('loadConfig: connection URLs are reported without their credentials', () => {
  it.each([
    ['DATABASE_URL', 'postgres://tiffin:s3cret-pw@db.internal:54x2/tiffin', 'postgres://***@db.internal:54x2/***'],
    ['DATABASE_URL', 'mysql://tiffin:s3cret-pw@db.internal/tiffin', 'mysql://***@db.internal/***'],
    ['DATABASE_URL', 'postgres://db internal:5432/tiffin?password=s3cret-pw', 'postgres://db internal:5432/***'],
    ['REDIS_URL', 'redis://:s3cret-pw@cache.internal:port', 'redis://***@cache.internal:port'],
    ['REDIS_URL', 'cache.internal:6379?password=s3cret-pw', 'cache.internal:6379?***'],
    ['ALERT_WEBHOOK_URL', 'https://hooks.example.com:99999/T0/s3cret-pw', 'https://hooks.example.com:99999/***'],
  ])('names %s and hides the secret of %s', (variable, value, shown) => {
    let message = '';
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(variable);
    expect(message).toContain(JSON.stringify(shown));
    expect(message).not.toContain('s3cret-pw');
  });

  it('accepts well-formed URLs', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      REDIS_URL: 'redis://:p@cache:6379',
      ALERT_WEBHOOK_URL: 'https://h.example.com/x',
    });
    expect(config.database.url).toBe('postgres://u:p@db:5432/x');
  });
});

describe('loadConfig: cache TTLs', () => {
  const seconds = (config: ReturnType<typeof loadConfig>, name: string) => config.cache.ttl.find((entry) => entry.name === name)?.seconds;

  it('uses the table as it is in production', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.cache.profile).toBe('production');
    expect(seconds(config, 'restaurants')).toBe(3600);
    expect(seconds(config, 'daily_revenue')).toBe(86_400);
    expect(seconds(config, 'live_tracking')).toBe(30);
    expect(seconds(config, 'restaurant_availability')).toBe(60);
    expect(seconds(config, 'dynamic_pricing')).toBe(120);
    expect(seconds(config, 'restaurant_analytics')).toBe(20 * 60);
    expect(seconds(config, 'customer_insights')).toBe(6 * 3600);
    expect(seconds(config, 'revenue_analytics')).toBe(12 * 3600);
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

  it('rejects an override of a retired TTL class, naming its successor', () => {
    expect(() => loadConfig({ CACHE_TTL_REVENUE_METRICS: '900' })).toThrow(
      'CACHE_TTL_REVENUE_METRICS names a TTL class no route uses any more: use CACHE_TTL_REVENUE_ANALYTICS',
    );
    expect(() => loadConfig({ CACHE_TTL_STATIC: '60' })).toThrow('CACHE_TTL_STATIC names a TTL class no route uses any more');
  });

  it('rejects a bad TTL override naming the variable', () => {
    expect(() => loadConfig({ CACHE_TTL_ORDERS: '5m' })).toThrow(
      'Invalid environment: CACHE_TTL_ORDERS must be a whole number of seconds from 1 to 604800 (got "5m")',
    );
  });
});

describe('loadConfig: accounts and tokens', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({}).auth).toEqual({
      jwtSecret: undefined,
      accessTtlSeconds: 900,
      refreshTtlSeconds: 30 * 86_400,
      bcryptRounds: 12,
      hashConcurrency: 2,
      hashMaxWaitMs: 10_000,
      bootstrapAdmin: undefined,
    });
  });

  it('reads the settings and normalises the bootstrap admin email', () => {
    const auth = loadConfig({
      JWT_SECRET: 'x'.repeat(32),
      JWT_ACCESS_TTL_SECONDS: '60',
      JWT_REFRESH_TTL_SECONDS: '3600',
      AUTH_BCRYPT_ROUNDS: '4',
      AUTH_HASH_MAX_WAIT_MS: '2500',
      ADMIN_EMAIL: ' Root@Example.COM ',
      ADMIN_PASSWORD: 'correct horse battery',
    }).auth;
    expect(auth).toEqual({
      jwtSecret: 'x'.repeat(32),
      accessTtlSeconds: 60,
      refreshTtlSeconds: 3600,
      bcryptRounds: 4,
      hashConcurrency: 2,
      hashMaxWaitMs: 2500,
      bootstrapAdmin: { email: 'root@example.com', password: 'correct horse battery' },
    });
  });

  it.each([
    [{ NODE_ENV: 'production' }, /^Invalid environment: JWT_SECRET is required when NODE_ENV=production$/],
    [{ JWT_SECRET: 'too-short' }, /^Invalid environment: JWT_SECRET must be at least 32 characters \(got a value of 9 characters\)$/],
    [{ AUTH_BCRYPT_ROUNDS: '3' }, /AUTH_BCRYPT_ROUNDS must not be less than 4/],
    [{ JWT_ACCESS_TTL_SECONDS: '0' }, /JWT_ACCESS_TTL_SECONDS must not be less than 1/],
    [{ ADMIN_EMAIL: 'root@example.com' }, /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    [{ ADMIN_PASSWORD: 'correct horse battery' }, /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    [{ ADMIN_EMAIL: 'root', ADMIN_PASSWORD: 'correct horse battery' }, /ADMIN_EMAIL must be an email/],
    [
      { ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'short' },
      /^Invalid environment: ADMIN_PASSWORD must be at least 10 characters \(got a value of 5 characters\)$/,
    ],
  ])('rejects %j', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigValidationError);
    expect(() => loadConfig(environment)).toThrow(message);
  });
});

describe('loadConfig: database time limits', () => {
  it('defaults to 5 s for a connection and 10 s for a statement', () => {
    expect(loadConfig({}).database.timeouts).toEqual({ connectMs: 5000, queryMs: 10_000 });
  });

  it('reads DATABASE_CONNECT_TIMEOUT_MS and DATABASE_QUERY_TIMEOUT_MS', () => {
    const config = loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_QUERY_TIMEOUT_MS: '1500' });
    expect(config.database.timeouts).toEqual({ connectMs: 1000, queryMs: 1500 });
  });

  it.each([
    [{ DATABASE_CONNECT_TIMEOUT_MS: '50' }, /DATABASE_CONNECT_TIMEOUT_MS must not be less than 100 \(got "50"\)/],
    [{ DATABASE_QUERY_TIMEOUT_MS: 'soon' }, /DATABASE_QUERY_TIMEOUT_MS .*\(got "soon"\)/],
  ])('rejects %j naming the variable', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(message);
  });
});

describe('loadConfig: Idempotency-Key lease', () => {
  it('defaults to the larger of a minute and twice REQUEST_TIMEOUT_MS, and takes IDEMPOTENCY_LEASE_MS as given', () => {
    expect(loadConfig({}).idempotency.leaseMs).toBe(60_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '45000' }).idempotency.leaseMs).toBe(90_000);
    expect(loadConfig({ IDEMPOTENCY_LEASE_MS: '' }).idempotency.leaseMs).toBe(60_000);
    expect(loadConfig({ IDEMPOTENCY_LEASE_MS: '2000', REQUEST_TIMEOUT_MS: '45000' }).idempotency.leaseMs).toBe(2000);
  });

  it.each(['999', '86400001', 'soon'])('refuses IDEMPOTENCY_LEASE_MS=%s naming the variable', (value) => {
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_MS: value })).toThrow(/IDEMPOTENCY_LEASE_MS/);
  });
});

describe('loadConfig: HTTP hardening', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({}).http).toMatchObject({
      requestTimeoutMs: 30_000,
      corsOrigins: undefined,
      trustProxyHops: 0,
      rateLimit: { perMinute: 600, authPerMinute: 10, anonymousPerMinute: 120, accountAuthPerMinute: 5 },
      metricsPublic: true,
    });
  });

  it('reads the CORS allow-list as trimmed origins, or * for any', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).http.corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: '' }).http.corsOrigins).toBeUndefined();
  });

  it.each([
    [{ CORS_ORIGINS: 'example.com' }, 'CORS_ORIGINS'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ AUTH_RATE_LIMIT_PER_MINUTE: 'many' }, 'AUTH_RATE_LIMIT_PER_MINUTE'],
    [{ REQUEST_TIMEOUT_MS: '10' }, 'REQUEST_TIMEOUT_MS'],
    [{ TRUST_PROXY_HOPS: '-1' }, 'TRUST_PROXY_HOPS'],
    [{ METRICS_PUBLIC: 'maybe' }, 'METRICS_PUBLIC'],
  ])('refuses %p naming the variable', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});

describe('loadConfig: Redis Cluster', () => {
  it('reads the seed nodes, trimmed, and leaves REDIS_URL unset', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'rediss://:pw@a:7000, rediss://:pw@b:7001' });
    expect(config.redis).toEqual({ url: undefined, clusterNodes: ['rediss://:pw@a:7000', 'rediss://:pw@b:7001'] });
  });
});

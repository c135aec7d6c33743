import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TTL_PROFILES, type TtlProfile } from './ttl-table.js';

export const NODE_ENVS = ['development', 'staging', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);

/** About 23 days: Node runs a longer timer after 1 ms instead (its delay is a signed 32-bit number). */
const MAX_TIMER_MS = 2_000_000_000;
/**
 * The highest general and anonymous rate limits: well above what one instance can answer in a
 * minute from a single client (a load test from one address passes 2 million on a 2-core machine).
 */
export const RATE_LIMIT_CEILING = 100_000_000;

const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Accounts store emails trimmed and lower-case; the bootstrap admin's must match that form. */
const toEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim().toLowerCase()) : value;

/**
 * The raw environment, validated once at start-up. Every variable the app reads is declared
 * here (and documented in the README's table); nothing else reads process.env.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Streaming replicas of DATABASE_URL, comma-separated: cache loads read from one that has
   * replayed every write they depend on (each URL is checked in app-config.ts, so that an error
   * never echoes a password).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_REPLICA_URLS?: string;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_RUN_MIGRATIONS = true;

  /** Longest wait for a new Postgres connection or for a free one from a full pool. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  /** Longest one statement may take (Postgres statement_timeout, and the client's own limit for a server that stops answering). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_QUERY_TIMEOUT_MS = 10_000;

  @IsString()
  @MinLength(1)
  EMBEDDED_DB_DIR = '.data/pglite';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_DB_PORT = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /**
   * A Redis Cluster instead of a single Redis: comma-separated seed nodes (any reachable members
   * of the cluster; the rest is discovered). TLS and credentials as for REDIS_URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/[^,\s]+(\s*,\s*rediss?:\/\/[^,\s]+)*$/, { message: 'must be comma-separated redis:// or rediss:// URLs' })
  REDIS_CLUSTER_NODES?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 10_000;

  @Transform(toBool)
  @IsBoolean()
  SWAGGER_ENABLED = true;

  /** Longest a request may take before it is answered 503 (the work itself is not interrupted). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  REQUEST_TIMEOUT_MS = 30_000;

  /**
   * How long a request holds its Idempotency-Key before a retry may take the key over (its
   * instance stopped before the write committed). Unset: the larger of a minute and twice
   * REQUEST_TIMEOUT_MS (the time limit answers the client but does not stop the write). Shorter
   * than a write takes is still safe: the write of a request whose key was taken over is rolled
   * back (a 409) rather than committed next to the retry's. Tests of a crashed instance lower it.
   * At most the keys' 24-hour retention.
   */
  @Transform(({ value }) => toInt({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  IDEMPOTENCY_LEASE_MS?: number;

  /** Origins allowed to call the API from a browser, comma-separated; empty: no CORS headers at all. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*)$/, {
    message: 'must be * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS?: string;

  /** Proxy hops in front of the app whose X-Forwarded-For is believed (for the client address). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  /** Requests per minute per client (signed-in account, else address), shared by every instance. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(RATE_LIMIT_CEILING)
  RATE_LIMIT_PER_MINUTE = 600;

  /**
   * How late an instance may see other instances' requests in the general rate limits: each
   * instance decides on the shared count Redis gave at most this long ago plus its own requests
   * since, and sends its counts in the background. 0: every request waits for its count in Redis.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  RATE_LIMIT_SYNC_MS = 100;

  /** Sign-in and registration attempts per minute per address; past it the address waits a minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 10;

  /** Open server-sent-event streams one principal may hold on one instance; one more is a 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000)
  SSE_MAX_STREAMS_PER_PRINCIPAL = 5;

  /** Open server-sent-event streams one instance holds in all; one more is a 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  SSE_MAX_STREAMS_PER_INSTANCE = 1_000;

  /** Anonymous requests per minute per address that reach the guards (not answered from the cache's fast path). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(RATE_LIMIT_CEILING)
  ANONYMOUS_RATE_LIMIT_PER_MINUTE = 120;

  /** Sign-in attempts per minute per account email, from any address; past it the account waits a minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE = 5;

  /** Whether GET /metrics is open to anyone (true) or to admins only (false). */
  @Transform(toBool)
  @IsBoolean()
  METRICS_PUBLIC = true;

  /** Alerts are POSTed here (JSON) when they open and resolve, besides the log. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  ALERT_WEBHOOK_URL?: string;

  /** Traces are exported over OTLP to this base URL (/v1/traces is appended); unset: no tracing at all. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The full URL for traces alone (used as given), instead of OTEL_EXPORTER_OTLP_ENDPOINT. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  /** The traces' service.name. */
  @IsString()
  @MinLength(1)
  OTEL_SERVICE_NAME = 'tiffin';

  /** Switches tracing off even with an endpoint set (the standard OpenTelemetry switch). */
  @Transform(toBool)
  @IsBoolean()
  OTEL_SDK_DISABLED = false;

  /** Secret for HMAC cache keys (POST /enterprise/security/secure-key); unset: that endpoint answers 503. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  CACHE_KEY_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  CACHE_AUDIT_RETENTION_DAYS = 30;

  /** Off: no scheduled jobs and no start-up warming on this instance (GET /jobs and manual runs still work). */
  @Transform(toBool)
  @IsBoolean()
  JOBS_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  JOB_INTERVAL_WARM_POPULAR_MS = 10 * 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  JOB_INTERVAL_PREDICTIVE_WARMING_MS = 15 * 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  JOB_INTERVAL_ANALYTICS_REFRESH_MS = 30 * 60_000;

  /** The oldest a platform-wide analytics figure may be while orders keep coming. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(86_400)
  ANALYTICS_MAX_STALENESS_SECONDS = 60;

  /** The most cached analytics variants one refresh run reloads (the most recently read first). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  ANALYTICS_REFRESH_MAX_VARIANTS = 200;

  /** A cached analytics variant counts as read recently (and is refreshed) if read within this. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86_400)
  ANALYTICS_RECENT_READ_SECONDS = 1800;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  JOB_INTERVAL_HEALTH_MONITOR_MS = 5 * 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  JOB_INTERVAL_CLEANUP_MS = 120 * 60_000;

  /** How often the outbox-replay job looks for invalidations left behind by a process that died. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(MAX_TIMER_MS)
  JOB_INTERVAL_OUTBOX_REPLAY_MS = 60_000;

  /**
   * A cache invalidation outbox row older than this is replayed. It must exceed the longest a
   * write takes from its commit to its audit batch (the invalidation itself gives up after
   * CACHE_INVALIDATION_TIMEOUT_MS, at most 30 s), or a write still in progress would be
   * invalidated and audited twice (harmless, but noise). Tests of the replay lower it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  CACHE_OUTBOX_REPLAY_AFTER_SECONDS = 30;

  /** Bearer token for the operations endpoints (/cache writes, /enterprise, /demo, /jobs, /alerts writes). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  ADMIN_TOKEN?: string;

  /** HS256 key of the access tokens; required in production (elsewhere, unset: a random key per process). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(365 * 86_400)
  JWT_REFRESH_TTL_SECONDS = 30 * 86_400;

  /** bcrypt cost: each step doubles the CPU time of a hash and of every login (run on libuv's worker threads). */
  @Transform(toInt)
  @IsInt()
  @Min(4)
  @Max(15)
  AUTH_BCRYPT_ROUNDS = 12;

  /** bcrypt hashes and comparisons running at once in this process; the rest wait their turn. Keep it below UV_THREADPOOL_SIZE (4). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  AUTH_HASH_CONCURRENCY = 2;

  /**
   * How long a sign-in, registration or password change may wait for a hashing slot before it is
   * answered 503 with Retry-After: under a burst the queue does not outlive the clients waiting on it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  AUTH_HASH_MAX_WAIT_MS = 10_000;

  /** With ADMIN_PASSWORD: the admin account created at start-up when no account has this email. */
  @Transform(toEmail)
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'must be at least 10 characters' })
  @MaxLength(128, { message: 'must be at most 128 characters' })
  ADMIN_PASSWORD?: string;

  /** Orders of one customer that may be open (not delivered or cancelled) at once; one more is a 409. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_OPEN_ORDERS_PER_CUSTOMER = 10;

  @Transform(toBool)
  @IsBoolean()
  CACHE_ENABLED = true;

  /** Off: every read goes to Redis (or the database); for measuring L2 and for strict setups. */
  @Transform(toBool)
  @IsBoolean()
  CACHE_L1_ENABLED = true;

  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'must be 1-32 letters, digits, dots, dashes or underscores' })
  CACHE_PREFIX = 'tiffin';

  /** Defaults to the profile named like NODE_ENV (test and development use "development"). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(TTL_PROFILES)
  CACHE_TTL_PROFILE?: TtlProfile;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  CACHE_L1_MAX_ENTRIES = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(8 * 1024 * 1024 * 1024)
  CACHE_L1_MAX_BYTES = 64 * 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(5000)
  CACHE_REDIS_TIMEOUT_MS = 100;

  /**
   * How long a write waits for Redis to take its invalidation (and tell the other instances)
   * before answering anyway and replaying it later: longer than reads wait, because an
   * invalidation that does not arrive lets other instances serve the old data.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(30_000)
  CACHE_INVALIDATION_TIMEOUT_MS = 750;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  CACHE_STALE_FACTOR = 5;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(0.9)
  CACHE_REFRESH_AHEAD_RATIO = 0.25;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  CACHE_LEASE_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(30_000)
  CACHE_LEASE_WAIT_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(10_000)
  CACHE_ACK_TIMEOUT_MS = 250;
}

import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import {
  resolveTtlTable,
  RETIRED_TTL_NAMES,
  TTL_NAMES,
  ttlOverrideVariable,
  type TtlName,
  type TtlProfile,
  type TtlTableEntry,
} from './ttl-table.js';
import { EnvironmentVariables, type LogLevelName, type NodeEnv } from './environment.js';

/** Without IDEMPOTENCY_LEASE_MS, a request holds its Idempotency-Key at least this long (twice REQUEST_TIMEOUT_MS if longer). */
const DEFAULT_MIN_IDEMPOTENCY_LEASE_MS = 60_000;

/** Longest TTL an override may set: one week. */
const MAX_TTL_OVERRIDE_SECONDS = 7 * 24 * 3600;

export interface TracingConfig {
  /** An OTLP endpoint is set and the SDK is not disabled: traces are recorded and exported. */
  exporting: boolean;
  serviceName: string;
}

/** The typed configuration the rest of the app injects. Built only by {@link loadConfig}. */
export interface DatabaseTimeouts {
  /** A new connection, or a free one from a full pool. */
  connectMs: number;
  /** One statement: enforced by the server (statement_timeout) and, for a server that stops answering, by the client. */
  queryMs: number;
}

export class AppConfig {
  readonly env: NodeEnv;
  readonly http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    shutdownGraceMs: number;
    requestTimeoutMs: number;
    /** Absent: no CORS headers. */
    corsOrigins?: string[] | '*';
    trustProxyHops: number;
    rateLimit: {
      perMinute: number;
      authPerMinute: number;
      /** Anonymous requests that reach the guards, per address. */
      anonymousPerMinute: number;
      /** Sign-in attempts per account email. */
      accountAuthPerMinute: number;
      /** How late the general limits may see other instances' requests (0: never). */
      syncMs: number;
    };
    metricsPublic: boolean;
  };
  readonly log: { level: LogLevelName; json: boolean };
  /** Server-sent-event streams open at once on this instance (see src/realtime/stream-limits.ts). */
  readonly streams: { maxPerPrincipal: number; maxPerInstance: number };
  readonly database: {
    /** Absent: the embedded Postgres is used. */
    url?: string;
    /** Streaming replicas of `url` (DATABASE_REPLICA_URLS); empty: every statement goes to `url`. */
    replicaUrls: string[];
    poolSize: number;
    runMigrations: boolean;
    /** Bounds on every wait for Postgres outside migrations. */
    timeouts: DatabaseTimeouts;
    embedded: { dataDir: string; port: number };
  };
  /** At most one of the two: a single Redis (url) or the seed nodes of a Redis Cluster. */
  readonly redis: { url?: string; clusterNodes?: string[] };
  readonly cache: {
    enabled: boolean;
    prefix: string;
    profile: TtlProfile;
    /** Effective TTLs in seconds, after the profile and the CACHE_TTL_* overrides. */
    ttl: TtlTableEntry[];
    l1: { enabled: boolean; maxEntries: number; maxBytes: number };
    redisTimeoutMs: number;
    invalidationTimeoutMs: number;
    staleFactor: number;
    refreshAheadRatio: number;
    leaseMs: number;
    leaseWaitMs: number;
    ackTimeoutMs: number;
    /** For HMAC cache keys; absent: secure keys cannot be derived. */
    keySecret?: string;
    auditRetentionDays: number;
    /** A cache invalidation outbox row older than this is replayed by the outbox-replay job. */
    outboxReplayAfterMs: number;
  };
  readonly analytics: { maxStalenessMs: number; refreshMaxVariants: number; recentReadMs: number };
  readonly swagger: { enabled: boolean };
  readonly orders: { maxOpenPerCustomer: number };
  /** leaseMs: how long a request holds its Idempotency-Key before a retry may take it over. */
  readonly idempotency: { leaseMs: number };
  readonly alerts: { webhookUrl?: string };
  readonly tracing: TracingConfig;
  readonly jobs: {
    enabled: boolean;
    intervalsMs: {
      'warm-popular': number;
      'predictive-warming': number;
      'analytics-refresh': number;
      'health-monitor': number;
      cleanup: number;
      'outbox-replay': number;
    };
  };
  /** Absent: the operations endpoints refuse every caller. */
  readonly adminToken?: string;
  readonly auth: {
    /** Absent outside production: the app signs with a random key of its own (see AccessTokenService). */
    jwtSecret?: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    bcryptRounds: number;
    /** bcrypt operations running at once in this process. */
    hashConcurrency: number;
    hashMaxWaitMs: number;
    /** The admin account ensured at start-up, from ADMIN_EMAIL and ADMIN_PASSWORD. */
    bootstrapAdmin?: { email: string; password: string };
  };

  constructor(init: AppConfig) {
    Object.assign(this, init);
  }
}

export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

/** Never echoed in a validation error; deploy/kubernetes keeps them in the Secret, not the ConfigMap. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(['ADMIN_TOKEN', 'CACHE_KEY_SECRET', 'JWT_SECRET', 'ADMIN_PASSWORD']);

/** URLs that may carry a user name, a password or a token: echoed only as {@link redactUrl} shows them. */
const URL_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'ALERT_WEBHOOK_URL'] as const;

/**
 * A URL as an error message may show it: scheme, host and port. The user information (everything
 * between `://` and the last `@`) and whatever follows the host (a path can hold a webhook's
 * token, a query a password) become `***`. Works on strings that are not valid URLs too, because
 * those are the ones reported.
 */
export function redactUrl(value: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  let rest = value.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = `***@${rest.slice(at + 1)}`;
  return scheme + rest.replace(/[/?#].*$/s, (tail) => `${tail[0]}***`);
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string {
  return errors
    .map((error) => {
      const rules = Object.values(error.constraints ?? {}).map((text) => text.replace(`${error.property} `, ''));
      const given = raw[error.property];
      const shown = SECRET_VARIABLES.has(error.property)
        ? `a value of ${String(given).length} characters`
        : (URL_VARIABLES as readonly string[]).includes(error.property) && typeof given === 'string'
          ? JSON.stringify(redactUrl(given))
          : JSON.stringify(given);
      return `${error.property} ${rules.join(' and ')} (got ${shown})`;
    })
    .join('; ');
}

function readTtlOverrides(source: NodeJS.ProcessEnv): { overrides: Partial<Record<TtlName, number>>; problems: string[] } {
  const overrides: Partial<Record<TtlName, number>> = {};
  const problems: string[] = [];
  for (const name of TTL_NAMES) {
    const variable = ttlOverrideVariable(name);
    const value = source[variable];
    if (value === undefined || value.trim() === '') continue;
    const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TTL_OVERRIDE_SECONDS) {
      problems.push(`${variable} must be a whole number of seconds from 1 to ${MAX_TTL_OVERRIDE_SECONDS} (got ${JSON.stringify(value)})`);
    } else {
      overrides[name] = seconds;
    }
  }
  for (const [retired, successor] of Object.entries(RETIRED_TTL_NAMES)) {
    const variable = `CACHE_TTL_${retired.toUpperCase()}`;
    if (source[variable] === undefined || source[variable].trim() === '') continue;
    const instead = successor ? `: use ${ttlOverrideVariable(successor)}` : '';
    problems.push(`${variable} names a TTL class no route uses any more${instead}`);
  }
  return { overrides, problems };
}

const OPTIONAL_VARIABLES = [
  'DATABASE_URL',
  'DATABASE_REPLICA_URLS',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'CACHE_TTL_PROFILE',
  'ADMIN_TOKEN',
  'ALERT_WEBHOOK_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'CORS_ORIGINS',
  'CACHE_KEY_SECRET',
  'JWT_SECRET',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'IDEMPOTENCY_LEASE_MS',
];

/**
 * The variables EnvironmentVariables validates: those with a default, and the optional ones (own
 * properties or not, depending on how class fields are compiled).
 */
function validatedVariableNames(): string[] {
  return [...new Set(Object.keys(new EnvironmentVariables()).concat(OPTIONAL_VARIABLES))];
}

/** Every environment variable the app reads: the validated ones and one TTL override per TTL name. */
export function environmentVariableNames(): string[] {
  return [...validatedVariableNames(), ...TTL_NAMES.map(ttlOverrideVariable)];
}

/** Rules that involve more than one variable, checked once each variable is valid on its own. */
function crossVariableProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  // Instances with keys of their own would refuse each other's tokens, and a restart would sign everyone out.
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) problems.push('JWT_SECRET is required when NODE_ENV=production');
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or neither)');
  }
  // The patterns only check the scheme; a URL the drivers cannot parse would fail later with a message that may quote it.
  for (const variable of URL_VARIABLES) {
    const value = env[variable];
    if (value === undefined) continue;
    for (const url of variable === 'REDIS_CLUSTER_NODES' ? splitList(value) : [value]) {
      if (!isParsableUrl(url)) problems.push(`${variable} is not a valid URL (got ${JSON.stringify(redactUrl(url))})`);
    }
  }
  if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    problems.push('REDIS_URL and REDIS_CLUSTER_NODES are exclusive: set REDIS_URL for a single Redis, REDIS_CLUSTER_NODES for a cluster');
  }
  const seeds = env.REDIS_CLUSTER_NODES === undefined ? [] : splitList(env.REDIS_CLUSTER_NODES);
  if (seeds.every(isParsableUrl) && new Set(seeds.map(urlSettings)).size > 1) {
    // Discovered nodes are reached with the seeds' settings, so the seeds cannot disagree on them.
    problems.push('REDIS_CLUSTER_NODES must use one scheme, user and password for every node');
  }
  problems.push(...replicaUrlProblems(env));
  return problems;
}

/** What a URL says besides the host and port: its scheme and credentials. */
function urlSettings(value: string): string {
  const url = new URL(value);
  return `${url.protocol}${url.username}:${url.password}`;
}

/** Each replica URL on its own, echoed only redacted; replicas of the embedded database make no sense. */
function replicaUrlProblems(env: EnvironmentVariables): string[] {
  if (env.DATABASE_REPLICA_URLS === undefined) return [];
  const problems: string[] = [];
  if (!env.DATABASE_URL) problems.push('DATABASE_REPLICA_URLS needs DATABASE_URL (the primary they replicate)');
  for (const url of splitList(env.DATABASE_REPLICA_URLS)) {
    if (!/^postgres(ql)?:\/\/.+/.test(url) || !isParsableUrl(url)) {
      problems.push(
        `DATABASE_REPLICA_URLS must list postgres:// or postgresql:// URLs separated by commas (got ${JSON.stringify(redactUrl(url))})`,
      );
    }
  }
  return problems;
}

const splitList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function isParsableUrl(value: string): boolean {
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/** Reads and validates the environment; throws one readable line naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(validatedVariableNames().map((key) => [key, source[key]]));
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  const env = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: false });
  const { overrides, problems } = readTtlOverrides(source);
  if (errors.length === 0) problems.push(...crossVariableProblems(env));
  if (errors.length > 0 || problems.length > 0) {
    const described = [errors.length > 0 ? describe(errors, raw) : '', ...problems].filter(Boolean);
    throw new ConfigValidationError(`Invalid environment: ${described.join('; ')}`);
  }
  const profile: TtlProfile =
    env.CACHE_TTL_PROFILE ?? (env.NODE_ENV === 'production' || env.NODE_ENV === 'staging' ? env.NODE_ENV : 'development');
  return new AppConfig({
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      corsOrigins:
        env.CORS_ORIGINS === undefined
          ? undefined
          : env.CORS_ORIGINS === '*'
            ? '*'
            : env.CORS_ORIGINS.split(',').map((origin) => origin.trim()),
      trustProxyHops: env.TRUST_PROXY_HOPS,
      rateLimit: {
        perMinute: env.RATE_LIMIT_PER_MINUTE,
        authPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
        anonymousPerMinute: env.ANONYMOUS_RATE_LIMIT_PER_MINUTE,
        accountAuthPerMinute: env.AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE,
        syncMs: env.RATE_LIMIT_SYNC_MS,
      },
      metricsPublic: env.METRICS_PUBLIC,
    },
    log: { level: env.LOG_LEVEL, json: env.NODE_ENV === 'production' },
    streams: { maxPerPrincipal: env.SSE_MAX_STREAMS_PER_PRINCIPAL, maxPerInstance: env.SSE_MAX_STREAMS_PER_INSTANCE },
    database: {
      url: env.DATABASE_URL,
      replicaUrls: splitList(env.DATABASE_REPLICA_URLS),
      poolSize: env.DATABASE_POOL_SIZE,
      runMigrations: env.DATABASE_RUN_MIGRATIONS,
      timeouts: { connectMs: env.DATABASE_CONNECT_TIMEOUT_MS, queryMs: env.DATABASE_QUERY_TIMEOUT_MS },
      embedded: { dataDir: env.EMBEDDED_DB_DIR, port: env.EMBEDDED_DB_PORT },
    },
    redis: { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES === undefined ? undefined : splitList(env.REDIS_CLUSTER_NODES) },
    cache: {
      enabled: env.CACHE_ENABLED,
      prefix: env.CACHE_PREFIX,
      profile,
      ttl: resolveTtlTable(profile, overrides),
      l1: { enabled: env.CACHE_L1_ENABLED, maxEntries: env.CACHE_L1_MAX_ENTRIES, maxBytes: env.CACHE_L1_MAX_BYTES },
      redisTimeoutMs: env.CACHE_REDIS_TIMEOUT_MS,
      invalidationTimeoutMs: env.CACHE_INVALIDATION_TIMEOUT_MS,
      staleFactor: env.CACHE_STALE_FACTOR,
      refreshAheadRatio: env.CACHE_REFRESH_AHEAD_RATIO,
      leaseMs: env.CACHE_LEASE_MS,
      leaseWaitMs: env.CACHE_LEASE_WAIT_MS,
      ackTimeoutMs: env.CACHE_ACK_TIMEOUT_MS,
      keySecret: env.CACHE_KEY_SECRET,
      auditRetentionDays: env.CACHE_AUDIT_RETENTION_DAYS,
      outboxReplayAfterMs: env.CACHE_OUTBOX_REPLAY_AFTER_SECONDS * 1000,
    },
    analytics: {
      maxStalenessMs: env.ANALYTICS_MAX_STALENESS_SECONDS * 1000,
      refreshMaxVariants: env.ANALYTICS_REFRESH_MAX_VARIANTS,
      recentReadMs: env.ANALYTICS_RECENT_READ_SECONDS * 1000,
    },
    swagger: { enabled: env.SWAGGER_ENABLED },
    orders: { maxOpenPerCustomer: env.MAX_OPEN_ORDERS_PER_CUSTOMER },
    idempotency: { leaseMs: env.IDEMPOTENCY_LEASE_MS ?? Math.max(DEFAULT_MIN_IDEMPOTENCY_LEASE_MS, 2 * env.REQUEST_TIMEOUT_MS) },
    adminToken: env.ADMIN_TOKEN,
    auth: {
      jwtSecret: env.JWT_SECRET,
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      bcryptRounds: env.AUTH_BCRYPT_ROUNDS,
      hashConcurrency: env.AUTH_HASH_CONCURRENCY,
      hashMaxWaitMs: env.AUTH_HASH_MAX_WAIT_MS,
      bootstrapAdmin: env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    },
    alerts: { webhookUrl: env.ALERT_WEBHOOK_URL },
    tracing: {
      exporting: Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !env.OTEL_SDK_DISABLED,
      serviceName: env.OTEL_SERVICE_NAME,
    },
    jobs: {
      enabled: env.JOBS_ENABLED,
      intervalsMs: {
        'warm-popular': env.JOB_INTERVAL_WARM_POPULAR_MS,
        'predictive-warming': env.JOB_INTERVAL_PREDICTIVE_WARMING_MS,
        'analytics-refresh': env.JOB_INTERVAL_ANALYTICS_REFRESH_MS,
        'health-monitor': env.JOB_INTERVAL_HEALTH_MONITOR_MS,
        cleanup: env.JOB_INTERVAL_CLEANUP_MS,
        'outbox-replay': env.JOB_INTERVAL_OUTBOX_REPLAY_MS,
      },
    },
  });
}

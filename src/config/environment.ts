import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { TTL_PROFILES, type TtlProfile } from '../cache/ttl-policy.js';

export const NODE_ENVS = ['development', 'staging', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** About 23 days: Node runs a longer timer after 1 ms instead (its delay is a signed 32-bit number). */
const MAX_TIMER_MS = 2_000_000_000;

const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

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

  @Transform(toBool)
  @IsBoolean()
  DATABASE_RUN_MIGRATIONS = true;

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

  /** Alerts are POSTed here (JSON) when they open and resolve, besides the log. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  ALERT_WEBHOOK_URL?: string;

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

  /** Bearer token for the operations endpoints (/cache writes, /enterprise, /demo, /jobs, /alerts writes). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_TOKEN?: string;

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

import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvironmentVariables, type LogLevelName, type NodeEnv } from './environment.js';

/** The typed configuration the rest of the app injects. Built only by {@link loadConfig}. */
export class AppConfig {
  readonly env: NodeEnv;
  readonly http: { host: string; port: number; bodyLimitBytes: number; shutdownGraceMs: number };
  readonly log: { level: LogLevelName; json: boolean };
  readonly database: {
    /** Absent: the embedded Postgres is used. */
    url?: string;
    poolSize: number;
    runMigrations: boolean;
    embedded: { dataDir: string; port: number };
  };
  readonly redis: { url?: string };
  readonly swagger: { enabled: boolean };

  constructor(init: AppConfig) {
    Object.assign(this, init);
  }
}

export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string {
  return errors
    .map((error) => {
      const rules = Object.values(error.constraints ?? {}).map((text) => text.replace(`${error.property} `, ''));
      const given = raw[error.property];
      return `${error.property} ${rules.join(' and ')} (got ${JSON.stringify(given)})`;
    })
    .join('; ');
}

/** Reads and validates the environment; throws one readable line naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(
    Object.keys(new EnvironmentVariables()).concat(['DATABASE_URL', 'REDIS_URL']).map((key) => [key, source[key]]),
  );
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  const env = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(`Invalid environment: ${describe(errors, raw)}`);
  }
  return new AppConfig({
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    log: { level: env.LOG_LEVEL, json: env.NODE_ENV === 'production' },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      runMigrations: env.DATABASE_RUN_MIGRATIONS,
      embedded: { dataDir: env.EMBEDDED_DB_DIR, port: env.EMBEDDED_DB_PORT },
    },
    redis: { url: env.REDIS_URL },
    swagger: { enabled: env.SWAGGER_ENABLED },
  });
}

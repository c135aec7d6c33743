import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/app-config.js';
import { HttpClient } from './http-client.js';
import { deleteKeysUnderPrefix } from './redis-keys.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: HttpClient;
  /** The app's own data source, for arranging data and checking results in SQL. */
  db: DataSource;
  database: ScratchDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for the app (e.g. REDIS_URL). */
  env?: Record<string, string>;
  /** Reuse a database another TestApp created (two instances sharing one Postgres). */
  database?: ScratchDatabase;
}

/** Boots the real app (migrations included) on a fresh database and listens on a free port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  if (options.database && options.database.poolSize === 1) {
    throw new Error('Two app instances cannot share the embedded Postgres (one connection): set DATABASE_URL');
  }
  const database = options.database ?? (await createScratchDatabase());
  const ownsDatabase = !options.database;
  // With REDIS_URL set (as in CI) every suite runs on both tiers, each app under its own prefix.
  const ownRedisPrefix =
    process.env.REDIS_URL && !options.env?.REDIS_URL ? `tiffin-e2e-${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(database.poolSize),
    PORT: '0',
    HOST: '127.0.0.1',
    // Jobs tick on wall-clock boundaries; a suite about jobs turns them on (see test/support/jobs.ts).
    JOBS_ENABLED: 'false',
    ...(ownRedisPrefix ? { REDIS_URL: process.env.REDIS_URL, CACHE_PREFIX: ownRedisPrefix } : {}),
    ...options.env,
  });
  const app = await createApp(config, database);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    http: new HttpClient(`http://127.0.0.1:${address.port}`),
    db: app.get(DataSource),
    database,
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
      if (ownRedisPrefix) await deleteKeysUnderPrefix(process.env.REDIS_URL!, ownRedisPrefix);
    },
  };
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { buildOpenApiDocument } from '../../src/common/http/openapi.js';
import { loadConfig } from '../../src/config/app-config.js';
import { SharedRedis } from '../../src/redis/redis-connection.js';
import { eventually } from './eventually.js';
import { HttpClient } from './http-client.js';
import { OpenApiContract, type OpenApiDocument } from './openapi-contract.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
import { defaultRedisTarget, TEST_TOPOLOGY } from './topology.js';

/** The operations token every test app accepts unless a suite sets its own ADMIN_TOKEN. */
export const TEST_ADMIN_TOKEN = 'tiffin-test-admin-token-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  /** Anonymous: no Authorization header. Every answer is checked against the OpenAPI document (test/support/openapi-contract.ts). */
  http: HttpClient;
  /** The same app as admin, through the app's ADMIN_TOKEN (the operations token). */
  admin: HttpClient;
  /** The app's own data source, for arranging data and checking results in SQL. */
  db: DataSource;
  database: ScratchDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for the app (e.g. REDIS_URL or REDIS_CLUSTER_NODES). */
  env?: Record<string, string>;
  /** Reuse a database another TestApp created (two instances sharing one Postgres). */
  database?: ScratchDatabase;
  /** How the app reaches its database, from the database's own URL (e.g. through a TCP proxy). */
  databaseUrl?: (url: string) => Promise<string>;
}

/** Boots the real app (migrations included) on a fresh database and listens on a free port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  if (options.database && options.database.poolSize === 1) {
    throw new Error('Two app instances cannot share the embedded Postgres (one connection): set DATABASE_URL');
  }
  const database = options.database ?? (await createScratchDatabase());
  const ownsDatabase = !options.database;
  // With REDIS_URL set (as in CI) every suite runs on both tiers, each app under its own prefix; under
  // TEST_TOPOLOGY=redis-cluster on the file's cluster instead.
  const ownRedis = options.env?.REDIS_URL ?? options.env?.REDIS_CLUSTER_NODES;
  if (TEST_TOPOLOGY === 'redis-cluster' && options.env?.REDIS_URL) {
    // A suite that names a single Redis would quietly run beside the cluster, not on it.
    throw new Error(
      `TEST_TOPOLOGY=redis-cluster: a test app was given REDIS_URL=${options.env.REDIS_URL}; use its suite's RedisTarget.env`,
    );
  }
  const sharedRedis = ownRedis === undefined ? await defaultRedisTarget() : undefined;
  const ownRedisPrefix = sharedRedis ? `tiffin-e2e-${randomBytes(4).toString('hex')}` : undefined;
  const databaseUrl = options.databaseUrl ? await options.databaseUrl(database.url) : database.url;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(database.poolSize),
    PORT: '0',
    HOST: '127.0.0.1',
    // Jobs tick on wall-clock boundaries; a suite about jobs turns them on (see test/support/jobs.ts).
    JOBS_ENABLED: 'false',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // One signing key, so instances of a multi-instance suite accept each other's tokens.
    JWT_SECRET: 'tiffin-test-jwt-secret-0123456789abcdef',
    // The lowest cost bcrypt allows: suites sign in often; the auth suite measures the real cost.
    AUTH_BCRYPT_ROUNDS: '4',
    // Suites send far more requests from one address than a client would; the rate-limit suite sets its own.
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: '1000000',
    // Suites place many orders for one customer; the orders suite tests the cap with its own app.
    MAX_OPEN_ORDERS_PER_CUSTOMER: '10000',
    // Suites share a busy machine, where a Redis reply can take more than the production bound of
    // 100 ms; a late reply then counts a rate limit on the instance alone or skips the cache, which
    // is right in production and noise in a suite. Suites about a slow Redis set their own bound.
    CACHE_REDIS_TIMEOUT_MS: '2000',
    ...(sharedRedis ? { ...sharedRedis.env, CACHE_PREFIX: ownRedisPrefix } : {}),
    // Under TEST_TOPOLOGY=postgres-replicas the scratch database has a streaming replica: reads may use it.
    ...(database.replicaUrl ? { DATABASE_REPLICA_URLS: database.replicaUrl } : {}),
    ...options.env,
  });
  const app = await createApp(config, { ...database, url: databaseUrl });
  await app.listen({ port: 0, host: '127.0.0.1' });
  // The app connects to Redis in the background and is ready (GET /health/ready) only once Redis
  // answers: a deployment sends it no traffic before then, but a suite would. A read made before
  // the connection is up is answered and not stored (there is no invalidation sequence to store it
  // against), so a later read the suite expects to hit misses (the alerts suite's hit ratio, once
  // in CI). The connection comes up a few ms after listen, on a busy machine later. No suite starts
  // an app with its Redis out of reach; suites about an outage cut it afterwards.
  const redis = app.get(SharedRedis).connection;
  if (redis) {
    await eventually("the app's Redis connection and invalidation bus", () => redis.subscriptionsReady, { intervalMs: 5 }).catch(
      async (error: unknown) => {
        await app.close();
        if (ownsDatabase) await database.drop();
        throw error;
      },
    );
  }
  const address = app.getHttpServer().address() as { port: number };
  // Built from the app itself (not /docs-json), so suites that turn Swagger off are checked too.
  const contract = new OpenApiContract(buildOpenApiDocument(app) as unknown as OpenApiDocument);
  const http = new HttpClient(`http://127.0.0.1:${address.port}`, {}, contract);
  return {
    app,
    http,
    admin: http.with({ authorization: `Bearer ${options.env?.ADMIN_TOKEN ?? TEST_ADMIN_TOKEN}` }),
    db: app.get(DataSource),
    database,
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
      if (sharedRedis) await sharedRedis.deleteKeysUnderPrefix(ownRedisPrefix!);
    },
  };
}

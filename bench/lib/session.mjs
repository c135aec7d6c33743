import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AppProcess, stopAllApps } from './app-process.mjs';
import { BenchFailure } from './failure.mjs';
import { stopLoad } from './load.mjs';
import { rerunOnEnginesNode } from './runtime.mjs';
import { startPrivateRedis } from './private-redis.mjs';
import { createBenchDatabase, createBenchPrefix, serviceUrls } from './services.mjs';

export const log = (message) => console.log(`[bench] ${message}`);

/**
 * One client address sends all the load: the per-client rate limit would answer most of it with
 * 429. The limit is counted across the bench's apps (one Redis), and on a fast 2-core machine
 * two back-to-back windows of the constant route pass a million requests within one minute.
 */
export const RATE_LIMIT_PER_MINUTE = 100_000_000;

const exitCodeOf = (signal) => 128 + (signal === 'SIGINT' ? 2 : 15);

/**
 * Runs `work` with a scratch database and a Redis prefix of its own, and afterwards, however it
 * ends (success, failure, Ctrl-C), stops every app it started, drops the database and deletes
 * the keys under the prefix, and says how long it took. Returns the process exit code. Off the
 * Node that package.json's engines asks for, it runs the whole command again on that Node instead
 * (see runtime.mjs), which says so once.
 */
export async function runBenchSession(work) {
  const rerun = await rerunOnEnginesNode(log).catch((error) => {
    console.error(`[bench] FAILED: ${error.message}`);
    return 1;
  });
  if (rerun !== undefined) return rerun;
  const startedAt = performance.now();
  const ended = (code) => {
    log(`${code === 0 ? 'done' : 'stopped'} after ${Math.round((performance.now() - startedAt) / 1000)} s`);
    return code;
  };
  let interruptedBy;
  const onSignal = (signal) => {
    // A second signal means "now": the exit handler SIGKILLs the children.
    if (interruptedBy) process.exit(exitCodeOf(signal));
    interruptedBy = signal;
    console.error(`\n${signal}: stopping the load and the servers, then cleaning up (again to quit at once)`);
    stopLoad();
    void stopAllApps();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

  const session = {
    checkpoint() {
      if (interruptedBy) throw new BenchFailure(`interrupted by ${interruptedBy}`);
    },
    async startApp(name, env, nodeFlags = [], { script, readyPath, wrapper, readyTimeoutMs } = {}) {
      session.checkpoint();
      const started = performance.now();
      const app = await AppProcess.start(name, { ...session.env, ...env }, { nodeFlags, script, readyPath, wrapper });
      await app.waitUntilReady(readyTimeoutMs);
      log(`${name} ready on port ${app.port} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return app;
    },
  };

  const { adminDatabaseUrl, redisUrl: sharedRedisUrl } = serviceUrls();
  let database;
  let privateRedis;
  let redis;
  let failure;
  try {
    database = await createBenchDatabase(adminDatabaseUrl);
    if (!sharedRedisUrl) privateRedis = await startPrivateRedis();
    const redisUrl = sharedRedisUrl ?? privateRedis.url;
    redis = await createBenchPrefix(redisUrl);
    log(
      `database ${database.name}, Redis prefix ${redis.prefix} on ${privateRedis ? `a Redis of its own (port ${privateRedis.port})` : 'BENCH_REDIS_URL'}`,
    );
    // What every app of the session needs: a production build refuses to start without
    // JWT_SECRET; the fixtures and the analytics load call admin routes with ADMIN_TOKEN; no
    // scheduled job adds queries to a measured window.
    const adminToken = randomBytes(24).toString('hex');
    session.env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      CACHE_PREFIX: redis.prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_TOKEN: adminToken,
      JOBS_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
      // The anonymous load comes from one address too.
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
      // The mixed traffic places orders for customers drawn by Zipf's law: the busiest would hit the open-order cap.
      MAX_OPEN_ORDERS_PER_CUSTOMER: '10000',
    };
    Object.assign(session, {
      database,
      redis,
      redisUrl,
      redisPid: privateRedis?.pid,
      sharedRedis: !privateRedis,
      adminDatabaseUrl,
      adminToken,
    });
    await work(session);
  } catch (error) {
    failure = error;
  } finally {
    await stopAllApps();
    const cleanups = [
      database && ['drop the database', () => database.drop()],
      redis && ['delete the Redis keys', async () => log(`deleted ${await redis.cleanUp()} Redis keys under ${redis.prefix}:`)],
      privateRedis && ['stop its Redis', () => privateRedis.stop()],
    ].filter(Boolean);
    for (const [what, cleanUp] of cleanups) {
      await cleanUp().catch((error) => {
        console.error(`[bench] could not ${what}: ${error.message}`);
        failure ??= error;
      });
    }
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  if (interruptedBy) {
    console.error(`[bench] interrupted by ${interruptedBy}`);
    return ended(exitCodeOf(interruptedBy));
  }
  if (!failure) return ended(0);
  console.error(`[bench] FAILED: ${failure instanceof BenchFailure ? failure.message : (failure.stack ?? failure)}`);
  return ended(1);
}

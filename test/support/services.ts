import net from 'node:net';

export const IN_CI = process.env.CI === 'true';

/** The Postgres server the e2e suites create their scratch databases on; undefined means embedded. */
export const SERVER_DATABASE_URL = process.env.DATABASE_URL || undefined;

/** Redis for the suites that need one. */
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export function canConnect(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) || 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether a suite that needs Redis can run. Outside CI a missing Redis skips the suite with a
 * message; under CI=true it fails the run.
 */
export async function redisForSuite(suite: string): Promise<string | undefined> {
  if (await canConnect(TEST_REDIS_URL)) return TEST_REDIS_URL;
  if (IN_CI) throw new Error(`${suite} needs Redis at ${TEST_REDIS_URL}, which is not reachable (CI=true: failing, not skipping)`);
  console.warn(`SKIPPED ${suite}: no Redis reachable at ${TEST_REDIS_URL} (set REDIS_URL or start redis-server)`);
  return undefined;
}

/**
 * For suites that run two app instances on one database: they need a Postgres server (the
 * embedded one takes a single connection) and Redis. Returns the Redis URL, or undefined after
 * saying why the suite is skipped; under CI=true a missing service fails instead.
 */
export async function servicesForMultiInstanceSuite(suite: string): Promise<string | undefined> {
  if (!hasPostgresServer(suite, 'two instances need a Postgres server')) return undefined;
  return redisForSuite(suite);
}

/**
 * Whether a suite (or test) that opens several connections at once can run: the embedded Postgres
 * takes one. Without DATABASE_URL it says why it is skipped; under CI=true it fails instead.
 */
export function hasPostgresServer(suite: string, why: string): boolean {
  if (SERVER_DATABASE_URL) return true;
  if (IN_CI) throw new Error(`${suite} needs DATABASE_URL (a Postgres server) under CI=true`);
  console.warn(`SKIPPED ${suite}: ${why} (set DATABASE_URL); the embedded one takes one connection`);
  return false;
}

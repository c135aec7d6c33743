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

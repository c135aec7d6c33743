import { BenchFailure } from './failure.mjs';

/**
 * The measurements of Tiffin (1-4) and of its peers (5-7). Scenarios 1 and 4 share one app (cache
 * on), 2 and 3 have one each, the env is what makes each app differ; 6 and 7 share the Nest
 * recipe. `xCache` is the header every answer must carry; `peer` names a server of bench/peers/.
 */
export const SCENARIOS = {
  l1: {
    id: 1,
    title: 'Cached GET served from L1',
    app: 'cache-l1',
    env: { CACHE_ENABLED: 'true', CACHE_L1_ENABLED: 'true' },
    xCache: 'HIT-L1',
    tier: 'l1',
  },
  l2: {
    id: 2,
    title: 'Same GET served from L2 (Redis; CACHE_L1_ENABLED=false)',
    app: 'cache-l2',
    env: { CACHE_ENABLED: 'true', CACHE_L1_ENABLED: 'false' },
    xCache: 'HIT-L2',
    tier: 'l2',
  },
  off: {
    id: 3,
    title: 'Same GET with the cache off (Postgres; CACHE_ENABLED=false)',
    app: 'cache-off',
    env: { CACHE_ENABLED: 'false' },
    xCache: 'BYPASS',
  },
  constant: {
    id: 4,
    title: 'Constant route of the same app (ceiling)',
    app: 'cache-l1',
    env: { CACHE_ENABLED: 'true', CACHE_L1_ENABLED: 'true' },
    xCache: null,
    path: '/health',
  },
  bare: {
    id: 5,
    title: 'Bare Fastify 5 sending the bytes and headers recorded from scenario 1',
    app: 'bare-fastify',
    peer: 'bare',
    xCache: null,
  },
  recipe: {
    id: 6,
    title: 'The usual Nest recipe: CacheInterceptor, @keyv/redis store, row in Postgres',
    app: 'nest-recipe',
    peer: 'recipe',
    xCache: null,
  },
  recipeConstant: {
    id: 7,
    title: "The Nest recipe's constant route (a controller returning an object)",
    app: 'nest-recipe',
    peer: 'recipe',
    xCache: null,
    path: '/health',
  },
};

export const withMenuPath = (restaurantId) => `/restaurants/${restaurantId}/with-menu`;

export async function get(app, path, headers = {}) {
  const response = await fetch(`${app.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/**
 * GETs until the answer comes from the expected place: an app's first read is a MISS (or comes
 * before its Redis connection is up and is not stored), the next ones must not be.
 */
export async function expectXCache(app, path, expected, checkpoint, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  do {
    checkpoint();
    last = await get(app, path);
    if (last.status !== 200) {
      throw new BenchFailure(`${app.name}: GET ${path} answered ${last.status}: ${last.body.toString().slice(0, 300)}`);
    }
    if (last.headers.get('x-cache') === expected) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  throw new BenchFailure(
    `${app.name}: GET ${path} still answers X-Cache: ${last.headers.get('x-cache') ?? '(none)'} after ${timeoutMs / 1000} s, ` +
      `expected ${expected}. Is Redis reachable, and are CACHE_ENABLED / CACHE_L1_ENABLED honoured?\n${app.describeOutput()}`,
  );
}

/** One GET that must come from the expected place (after a measured window). */
export async function assertXCache(app, path, expected) {
  const answer = await get(app, path);
  const seen = answer.headers.get('x-cache');
  if (answer.status !== 200 || seen !== expected) {
    throw new BenchFailure(
      `${app.name}: after the window GET ${path} answered ${answer.status}, X-Cache ${seen}; expected 200, ${expected}`,
    );
  }
}

/** The app's cache hits so far from one tier (`tiffin_cache_hits_total`, all namespaces), read from /metrics. */
export async function tierHits(app, tier, adminToken) {
  const answer = await get(app, '/metrics', { authorization: `Bearer ${adminToken}` });
  if (answer.status !== 200) throw new BenchFailure(`${app.name}: GET /metrics answered ${answer.status}`);
  let hits = 0;
  for (const line of answer.body.toString().split('\n')) {
    if (line.startsWith('tiffin_cache_hits_total{') && line.includes(`tier="${tier}"`))
      hits += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return hits;
}

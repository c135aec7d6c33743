/** The operations endpoints' limits and defaults, in one place (the secret and retention are configuration). */
export const CacheOpsSettings = {
  access: { halfLifeMs: 10 * 60_000, maxPaths: 2000, windowMinutes: 60 },
  /** Accesses expected within this horizon are what the pattern analytics predict. */
  predictionHorizonMs: 5 * 60_000,
  loadTest: { maxRequests: 2000, defaultRequests: 200, maxDurationMs: 5000, maxConcurrency: 10 },
  /** Timed runs per series in the cached/uncached comparisons. */
  timingRuns: 5,
  memory: { scanLimit: 50_000, samplesPerNamespace: 20 },
  /**
   * Tag-index members examined per /cache/clear/expired call (and cleanup run), in Redis calls of
   * 500; each call resumes where the previous one stopped.
   */
  tagPruneBudget: 100_000,
  /** Removal reports list the keys when there are at most this many. */
  keysShown: 50,
  /** Audit rows keep at most this many keys (key_count has them all). */
  auditKeysKept: 500,
  keysPage: { defaultCount: 100, maxCount: 1000 },
  // The popular set: the most ordered active restaurants, the same for POST /cache/warm/popular and the warm-popular job.
  warm: { popularRestaurants: 50, predictive: 10 },
} as const;

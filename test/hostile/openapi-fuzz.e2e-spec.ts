import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TEST_ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import { createFuzzFixture } from './support/fixture.js';
import { type FuzzRequest, fuzzRequests } from './support/fuzz-request.js';
import { type ExtraStatuses, judge, send } from './support/judge.js';
import { OpenApi, type Operation } from './support/openapi.js';
import { OpenApiContract } from '../support/openapi-contract.js';

/*
 * A property-based fuzz driven by the app's own OpenAPI document. For every operation it sends
 * valid requests, requests that break exactly one documented rule, and hostile ones (wrong types,
 * huge numbers, SQL-looking and unicode text, deep nesting, malformed JSON, foreign content
 * types, prototype keys), as admin and a share anonymously. Properties:
 * - no 5xx, and every request is answered;
 * - every status is one the document lists for the operation;
 * - every answer keeps the document as every e2e client checks it (test/support/openapi-contract.ts):
 *   a listed status, a documented content type, the body against its full schema, documented headers;
 * - every 4xx has the documented error shape, with `status` equal to the HTTP status;
 * - a request that breaks a documented rule gets a 400 naming the field (415 for a foreign content type).
 *
 * Reproduce: FUZZ_SEED=<seed> (printed at the start), FUZZ_ONLY=<operationId regex>, FUZZ_RUNS=<per operation>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
const MIN_REQUESTS = 5_000;

/** Operations whose every call does real work (load tests, benchmarks, data sets): fewer runs. */
const HEAVY: Record<string, number> = {
  CacheDemoController_loadTest: 8,
  CacheDemoController_cachePerformanceTest: 4,
  CacheAdminController_performanceComparison: 4,
  CacheAdminController_cacheTest: 12,
  DemoController_create: 3,
  DemoController_remove: 6,
  JobsController_runNow: 15,
};

/** Longest path parameter Fastify routes (its maxParamLength); a longer one is a 414 before any route runs. */
const MAX_PARAM_LENGTH = 100;

/**
 * Statuses an operation may give without listing them: the HTTP layer's answers to a request it
 * refuses before any route runs (README, error model: 413, 415; 414 for a path parameter over the
 * router's limit; 400 for a body sent to an operation that takes none), in the documented error
 * shape like every other.
 */
const extraStatuses: ExtraStatuses = (op, request, status) => {
  if (request.body !== undefined && [413, 415].includes(status)) return 'a body too large or of a type the API does not read';
  if (!op.body && request.body !== undefined && status === 400) return 'a body the operation does not take';
  if (status === 414 && request.path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH))
    return 'path parameter over maxParamLength';
  return undefined;
};

/** Deletions last, so the rest of the run still finds the fixture. */
const runOrder = (op: Operation) => (op.method === 'DELETE' ? 1 : 0);

/** A per-operation seed, so one operation can be replayed alone with the same values. */
function seedOf(id: string): number {
  let hash = SEED | 0;
  for (const char of id) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

describe('OpenAPI-driven fuzz', () => {
  let t: TestApp;
  let api: OpenApi;
  let contract: OpenApiContract;

  beforeAll(async () => {
    // Redis's time limit is raised so a loaded machine does not turn cache operations into 503s: this run is about input, not faults.
    t = await startTestApp({
      env: { LOG_LEVEL: 'fatal', CACHE_KEY_SECRET: 'fuzz-cache-key-secret-0123456789abcdef' },
    });
    await createFuzzFixture(t);
    const document = await t.http.get('/docs-json');
    expect(document.status).toBe(200);
    api = new OpenApi(document.body);
    contract = new OpenApiContract(document.body);
  });
  afterAll(() => t?.close());

  it('answers every generated request with a documented status and shape, never a 5xx', async () => {
    const operations = api
      .operations()
      .filter((op) => !ONLY || ONLY.test(op.id))
      .sort((a, b) => runOrder(a) - runOrder(b));
    console.log(`OpenAPI fuzz: FUZZ_SEED=${SEED}, ${operations.length} operations, ${RUNS} runs each (heavy ones fewer)`);
    let sent = 0;
    const failures: string[] = [];
    const statuses = new Map<string, Map<string, number>>();
    const durations: [string, number][] = [];
    for (const op of operations) {
      const started = performance.now();
      const tally = new Map<string, number>();
      statuses.set(`${op.method} ${op.path}`, tally);
      const details = await fc.check(
        fc.asyncProperty(fuzzRequests(api, op), async (request: FuzzRequest) => {
          sent++;
          const response = await send(t.http.baseUrl, request, TEST_ADMIN_TOKEN);
          const key = `${request.mode}:${response.status}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          const problems = judge(contract, op, request, response, extraStatuses);
          if (problems.length > 0) throw new Error(problems.join('\n'));
        }),
        { seed: seedOf(op.id), numRuns: HEAVY[op.id] ?? RUNS },
      );
      if (details.failed) {
        const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        failures.push(
          `${op.id} (${op.method} ${op.path}), seed ${details.seed}, path ${details.counterexamplePath}\n  ${error}\n  counterexample: ${fc.stringify(details.counterexample)}`,
        );
      }
      durations.push([`${op.method} ${op.path}`, performance.now() - started]);
    }
    const slowest = durations.sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(
      `OpenAPI fuzz: ${sent} requests, ${failures.length} failing operations; slowest: ${slowest.map(([route, ms]) => `${route} ${Math.round(ms)} ms`).join(', ')}\n` +
        [...statuses]
          .map(
            ([route, tally]) =>
              `${route}  ${[...tally]
                .sort()
                .map(([key, count]) => `${key}×${count}`)
                .join(' ')}`,
          )
          .join('\n'),
    );
    expect(failures).toEqual([]);
    if (!ONLY) expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppProcess } from '../support/faults/app-process.js';
import { sqlTo } from '../support/faults/catalogue.js';
import { insertRestaurant } from '../support/fixtures.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { deleteKeysUnderPrefix } from '../support/redis-keys.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { servicesForMultiInstanceSuite } from '../support/services.js';
import { eventually } from '../support/eventually.js';

/*
 * Traces from the production build, as a collector receives them: the app exports over OTLP/HTTP
 * (JSON) to a receiver in this process. The Postgres and Redis spans come from instrumentations
 * that patch pg and @redis/client as the ES-module app loads them, which only the real entry point
 * (dist/main.js) shows; hence this suite runs the build, like the rest of the fault suite.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/traces.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const SERVER = 2;
const isPostgres = (span: ReceivedSpan) => span.attributes['db.system.name'] === 'postgresql';
const isRedis = (span: ReceivedSpan) => span.attributes['db.system.name'] === 'redis';

/** A caller's W3C trace context: the trace the app must continue. */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, headers: { traceparent: `00-${traceId}-${parentId}-01` } };
}

function descendsFrom(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) {
    if (parent.spanId === ancestor.spanId) return true;
  }
  return false;
}

const lookups = (spans: ReceivedSpan[]) => spans.filter((span) => span.name === 'cache.lookup');

describeWithServices('traces exported over OTLP', () => {
  const prefix = `tiffin-faults-${randomBytes(4).toString('hex')}`;
  let database: ScratchDatabase;
  let receiver: OtlpReceiver;
  let app: AppProcess;
  let sql: DataSource;
  let restaurantId: number;

  beforeAll(async () => {
    database = await createScratchDatabase();
    receiver = await OtlpReceiver.start();
    app = await AppProcess.start({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      CACHE_PREFIX: prefix,
      // The request log lines are part of what is checked.
      LOG_LEVEL: 'log',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'tiffin-traces-test',
      // Export each batch soon after the response instead of every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      // The start-up warming is the job whose trace is checked.
      JOBS_ENABLED: 'true',
    });
    sql = await sqlTo(database.url);
    restaurantId = await insertRestaurant(sql);
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
    await sql?.destroy();
    await database?.drop();
    if (redisUrl) await deleteKeysUnderPrefix(redisUrl, prefix);
  });

  it("a miss: the caller's trace continued, a cache.lookup MISS and the Postgres statements of the load under it", async () => {
    const caller = callerContext();
    const response = await app.http.get(`/restaurants/${restaurantId}`, { headers: caller.headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS');

    const spans = await receiver.waitForTrace(
      caller.traceId,
      (received) => received.some((span) => span.kind === SERVER) && received.some(isPostgres),
    );
    const servers = spans.filter((span) => span.kind === SERVER);
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server).toMatchObject({
      name: 'GET /restaurants/:id',
      parentSpanId: caller.parentId,
      service: 'tiffin-traces-test',
      attributes: expect.objectContaining({ 'http.route': '/restaurants/:id', 'tiffin.request_id': response.headers.get('x-request-id') }),
    });
    const miss = lookups(spans).find((span) => span.attributes['cache.outcome'] === 'MISS');
    expect(miss?.attributes).toEqual({
      'cache.namespace': 'restaurants',
      'cache.path': 'full',
      'cache.outcome': 'MISS',
      'cache.tier': 'origin',
    });
    // The fast path looked first (L1, then Redis) and handed the request on.
    expect(lookups(spans).map((span) => [span.attributes['cache.path'], span.attributes['cache.outcome']])).toEqual(
      expect.arrayContaining([['fast', 'PASS']]),
    );
    const statements = spans.filter(isPostgres).filter((span) => span.name.startsWith('pg.query'));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(descendsFrom(spans, statement, miss!)).toBe(true);
    expect(statements.some((span) => String(span.attributes['db.query.text']).includes('"restaurants"'))).toBe(true);
    // The Redis reads of the lookup, the lease and the store are its children as well.
    expect(
      spans
        .filter(isRedis)
        .filter((span) => descendsFrom(spans, span, miss!))
        .map((span) => span.attributes['db.operation.name']),
    ).toEqual(expect.arrayContaining(['GET', 'SET', expect.stringMatching(/^EVAL(SHA)?$/)]));
    for (const span of spans) expect(span === server || descendsFrom(spans, span, server)).toBe(true);
  });

  it('a hit: a cache.lookup HIT-L1 from the fast path and no Postgres statement', async () => {
    const caller = callerContext();
    const response = await app.http.get(`/restaurants/${restaurantId}`, { headers: caller.headers });
    expect(response.headers.get('x-cache')).toBe('HIT-L1');

    const spans = await receiver.waitForTrace(caller.traceId, (received) => received.some((span) => span.kind === SERVER));
    expect(lookups(spans).map((span) => span.attributes)).toEqual([
      { 'cache.namespace': 'restaurants', 'cache.path': 'fast', 'cache.outcome': 'HIT-L1', 'cache.tier': 'l1' },
    ]);
    expect(spans.filter(isPostgres)).toEqual([]);
    expect(spans.filter(isRedis)).toEqual([]);
  });

  it('a write: its cache.invalidate span names the tags and counts the entries removed', async () => {
    const caller = callerContext();
    const response = await app.admin.put(`/restaurants/${restaurantId}`, { name: 'Traced Renamed' }, { headers: caller.headers });
    expect(response.status).toBe(200);

    const spans = await receiver.waitForTrace(
      caller.traceId,
      (received) => received.some((span) => span.kind === SERVER) && received.some((span) => span.name === 'cache.invalidate'),
    );
    const invalidation = spans.find((span) => span.name === 'cache.invalidate')!;
    expect(invalidation.attributes['cache.tags']).toEqual(expect.arrayContaining([`restaurant:${restaurantId}`]));
    expect(invalidation.attributes['cache.reason']).toBe('restaurant.changed');
    // The entry the two reads above stored, in L1 and in Redis.
    expect(invalidation.attributes).toMatchObject({
      'cache.removed_l1': 1,
      'cache.removed_l2': 1,
      'cache.entries_removed': 1,
      'cache.deferred': false,
    });
    // One call on a single Redis: the tag script also publishes the message to the other instances.
    const redisCalls = spans.filter(isRedis).filter((span) => descendsFrom(spans, span, invalidation));
    expect(redisCalls.map((span) => span.attributes['db.operation.name'])).toEqual([expect.stringMatching(/^EVAL(SHA)?$/)]);
    // Scripts are named, not quoted with their arguments (run by digest, or by text on a server that did not know them yet).
    expect(redisCalls.map((span) => span.attributes['db.query.text'])).toContainEqual(
      expect.stringMatching(/^EVAL(SHA)? INVALIDATE_TAGS \[\d+ other arguments\]$/),
    );
    expect(spans.filter(isPostgres).some((span) => span.name.startsWith('pg.query:UPDATE'))).toBe(true);
  });

  it("a scheduled job: the start-up warming is the root of its own trace, with the job's Postgres statements under it", async () => {
    const job = await eventually(
      'the span of the start-up warming',
      () => receiver.spans.find((span) => span.name === 'job warm-popular'),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    expect(job.parentSpanId).toBeUndefined();
    expect(job.attributes).toMatchObject({
      'tiffin.job.name': 'warm-popular',
      'tiffin.job.trigger': 'startup',
      'tiffin.job.outcome': 'succeeded',
    });
    const spans = await receiver.waitForTrace(job.traceId, (received) => received.some(isPostgres));
    const statements = spans.filter(isPostgres);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(descendsFrom(spans, statement, job)).toBe(true);
  });

  it('the trace id is in the request log line and, next to the request id, in error bodies', async () => {
    const caller = callerContext();
    const failed = await app.http.get('/restaurants/not-a-number', { headers: caller.headers });
    expect(failed.status).toBe(400);
    expect(failed.body).toMatchObject({ request_id: failed.headers.get('x-request-id'), trace_id: caller.traceId });

    // Without a traceparent the app starts the trace; the log line names it, and it was exported.
    const plain = await app.http.get(`/restaurants/${restaurantId}`);
    const requestId = plain.headers.get('x-request-id')!;
    const line = await eventually(`the log line of request ${requestId} naming its trace`, () =>
      new RegExp(`\\[${requestId} trace ([0-9a-f]{32})\\]`).exec(app.output),
    );
    await receiver.waitForTrace(line[1], (received) =>
      received.some((span) => span.kind === SERVER && span.attributes['tiffin.request_id'] === requestId),
    );
    expect(app.output).toContain(`[${failed.headers.get('x-request-id')} trace ${caller.traceId}]`);
    expect(receiver.refused).toEqual([]);
  });
});

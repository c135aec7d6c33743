import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { CacheMetrics, type NamespaceCounters } from '../cache/cache-metrics.js';
import type { CacheNamespace } from '../cache/cache-namespaces.js';
import { HIT_RATIO_DEFINITION, hitRatioOf } from '../cache/hit-ratio.js';
import { TieredCache } from '../cache/tiered-cache.js';
import { AlertsRepository } from './alerts.repository.js';
import { answeredWithin, DependencyProbe } from './dependency-probe.js';
import type { AlertSeverity } from './entities/alert.entity.js';
import { ALERT_RULES, DEPENDENCY_TIMEOUT_MS } from './monitoring.constants.js';
import { LoadRouting } from '../cache/load-routing.js';
import { registerReplicaMetrics } from './replica-metrics.js';
import { ScrapedGauge } from './scraped-gauge.js';
import { type OutboxBacklog, InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';

/** One registry per app instance (tests run several in one process), with Node's process metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

const PER_NAMESPACE_COUNTERS: { name: string; help: string; read: (counters: NamespaceCounters) => number }[] = [
  { name: 'tiffin_cache_misses_total', help: 'Cache reads that loaded from the source', read: (c) => c.misses },
  { name: 'tiffin_cache_stale_served_total', help: 'Expired entries served because the load failed', read: (c) => c.stale_serves },
  { name: 'tiffin_cache_bypasses_total', help: 'Reads that did not use the cache', read: (c) => c.bypasses },
  { name: 'tiffin_cache_sets_total', help: 'Entries stored', read: (c) => c.sets },
  { name: 'tiffin_cache_sets_refused_total', help: 'Loads not stored because an invalidation overtook them', read: (c) => c.sets_refused },
  { name: 'tiffin_cache_invalidations_total', help: 'Entries removed by invalidation', read: (c) => c.invalidations },
  { name: 'tiffin_cache_l1_evictions_total', help: 'L1 entries evicted by its entry or byte limit', read: (c) => c.evictions },
  { name: 'tiffin_cache_errors_total', help: 'Redis errors and failed background refreshes', read: (c) => c.errors },
  { name: 'tiffin_cache_refreshes_total', help: 'Refresh-ahead reloads started', read: (c) => c.refreshes },
  { name: 'tiffin_cache_loads_total', help: 'Loads from the source', read: (c) => c.loads },
  { name: 'tiffin_cache_load_seconds_total', help: 'Time spent loading from the source', read: (c) => c.load_time_ms / 1000 },
];

const ALERT_SEVERITIES: readonly AlertSeverity[] = ['warning', 'critical'];

/**
 * /metrics: the HTTP histogram (see HttpMetrics), the cache's counters by namespace and tier, L1
 * size, Postgres/Redis round trips, Redis memory, unresolved alerts, the cache invalidation outbox's
 * backlog and (registered by JobMetrics) job runs. Everything except the histogram and the job runs
 * is read when scraped: the cache counters from CacheMetrics' snapshot, the round trips by pinging
 * each dependency, Redis memory from INFO memory, the alerts and the outbox from their tables (each
 * bounded by a short timeout; a dependency that fails has no sample and `up` 0).
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  constructor(
    private readonly registry: Registry,
    cacheMetrics: CacheMetrics,
    tiers: TieredCache,
    probe: DependencyProbe,
    alerts: AlertsRepository,
    replicas: LoadRouting,
    outbox: InvalidationOutboxRepository,
  ) {
    registerReplicaMetrics(registry, replicas);
    const namespaces = () => Object.entries(cacheMetrics.snapshot().namespaces) as [CacheNamespace, NamespaceCounters][];
    const registers = [registry];

    const hits: Counter<'namespace' | 'tier'> = new Counter({
      name: 'tiffin_cache_hits_total',
      help: 'Cache reads served from a tier (l1: in process, l2: Redis), by namespace',
      labelNames: ['namespace', 'tier'],
      registers,
      collect: () => {
        hits.reset();
        for (const [namespace, counters] of namespaces()) {
          hits.inc({ namespace, tier: 'l1' }, counters.hits_l1);
          hits.inc({ namespace, tier: 'l2' }, counters.hits_l2);
        }
      },
    });
    for (const { name, help, read } of PER_NAMESPACE_COUNTERS) {
      const counter: Counter<'namespace'> = new Counter({
        name,
        help: `${help}, by namespace`,
        labelNames: ['namespace'],
        registers,
        collect: () => {
          counter.reset();
          for (const [namespace, counters] of namespaces()) counter.inc({ namespace }, read(counters));
        },
      });
    }

    const hitRatio: Gauge<'namespace'> = new Gauge({
      name: 'tiffin_cache_hit_ratio',
      help: `Hit ratio since the counters started: ${HIT_RATIO_DEFINITION}; absent without lookups. Over a window: the same from rate() of the hits, misses and stale-served counters`,
      labelNames: ['namespace'],
      registers,
      collect: () => {
        hitRatio.reset();
        for (const [namespace, counters] of namespaces()) {
          const ratio = hitRatioOf(counters);
          if (ratio !== null) hitRatio.set({ namespace }, ratio);
        }
      },
    });

    const l1Entries: Gauge = new Gauge({
      name: 'tiffin_cache_l1_entries',
      help: 'Entries in this instance’s L1',
      registers,
      collect: () => l1Entries.set(tiers.l1.size),
    });
    const l1Bytes: Gauge = new Gauge({
      name: 'tiffin_cache_l1_bytes',
      help: 'Estimated bytes held by this instance’s L1',
      registers,
      collect: () => l1Bytes.set(tiers.l1.bytes),
    });

    const roundTrip: Gauge<'dependency'> = new Gauge({
      name: 'tiffin_dependency_round_trip_seconds',
      help: 'Round trip of SELECT 1 (postgres) or PING (redis), measured at scrape time; absent when it failed',
      labelNames: ['dependency'],
      registers,
      collect: async () => {
        roundTrip.reset();
        for (const trip of await probe.roundTrips()) {
          if (trip.ms !== undefined) roundTrip.set({ dependency: trip.dependency }, trip.ms / 1000);
        }
      },
    });
    const up: Gauge<'dependency'> = new Gauge({
      name: 'tiffin_dependency_up',
      help: 'Whether the dependency answered the scrape-time probe in time (1) or not (0)',
      labelNames: ['dependency'],
      registers,
      collect: async () => {
        up.reset();
        for (const trip of await probe.roundTrips()) up.set({ dependency: trip.dependency }, trip.ms === undefined ? 0 : 1);
      },
    });

    // The same INFO memory the redis_memory alert rule judges; Redis is shared, so every instance reports the same value.
    new ScrapedGauge(
      {
        name: 'tiffin_redis_memory_used_bytes',
        help: 'Redis used_memory (INFO memory) at scrape time; absent without Redis or when it did not answer',
        registers,
      },
      async () => (await probe.redisMemory())?.usedBytes,
    );
    new ScrapedGauge(
      {
        name: 'tiffin_redis_maxmemory_bytes',
        help: 'Redis maxmemory (INFO memory; 0: no limit) at scrape time; absent without Redis or when it did not answer',
        registers,
      },
      async () => (await probe.redisMemory())?.maxBytes,
    );

    // The alerts table is shared by every instance, so each reports the same counts.
    const unresolved: Gauge<'rule' | 'severity'> = new Gauge({
      name: 'tiffin_alerts_unresolved',
      help: 'Open or acknowledged alerts of the app’s own rules, by rule and severity (0 or 1 each); absent when Postgres did not answer',
      labelNames: ['rule', 'severity'],
      registers,
      collect: async () => {
        unresolved.reset();
        let counts;
        try {
          counts = await answeredWithin(alerts.countUnresolved(), DEPENDENCY_TIMEOUT_MS, 'Postgres');
        } catch {
          return;
        }
        for (const rule of Object.values(ALERT_RULES)) for (const severity of ALERT_SEVERITIES) unresolved.set({ rule, severity }, 0);
        for (const { rule, severity, count } of counts) unresolved.set({ rule, severity }, count);
      },
    });

    // Read at scrape time rather than by the outbox-replay job: the job may run nowhere
    // (JOBS_ENABLED=false on every instance), which is when a backlog most needs seeing. The two
    // gauges of one scrape share one query; the table is shared, so every instance reports the same.
    let backlogInflight: Promise<OutboxBacklog | undefined> | undefined;
    const backlog = () =>
      (backlogInflight ??= answeredWithin(outbox.backlog(), DEPENDENCY_TIMEOUT_MS, 'Postgres')
        .catch(() => undefined)
        .finally(() => (backlogInflight = undefined)));
    new ScrapedGauge(
      {
        name: 'tiffin_cache_outbox_rows',
        help: 'Cache invalidation outbox rows not yet completed (in flight, or left for the outbox-replay job); absent when Postgres did not answer',
        registers,
      },
      async () => (await backlog())?.rows,
    );
    new ScrapedGauge(
      {
        name: 'tiffin_cache_outbox_oldest_age_seconds',
        help: 'Age of the oldest cache invalidation outbox row (0 when there is none); absent when Postgres did not answer',
        registers,
      },
      async () => {
        const read = await backlog();
        return read && (read.oldest_age_seconds ?? 0);
      },
    );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}

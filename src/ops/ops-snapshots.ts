import { Injectable, Logger, type MessageEvent, type OnModuleDestroy } from '@nestjs/common';
import { Observable } from 'rxjs';
import { CACHE_NAMESPACES } from '../cache/cache-namespaces.js';
import { CacheReports, type CacheStorageReport } from '../cache/cache-reports.js';
import { ShutdownSignal } from '../common/lifecycle/shutdown-signal.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import { AlertListQuery } from '../monitoring/dto/alert.dto.js';
import { RealtimeService } from '../realtime/realtime.service.js';
import { SharedRedis } from '../redis/redis-connection.js';
import type { OpsCacheFigures, OpsHistoryEventData, OpsSnapshotEventData, Section } from './dto/ops-stream.dto.js';
import { TrafficTimeline } from './traffic-timeline.js';

/** How often the snapshot is rebuilt and pushed to every open stream of this instance. */
export const SNAPSHOT_MS = 1000;
/** Redis key counts come from a SCAN of our prefix: taken at most this often. */
export const MEMORY_REFRESH_MS = 5000;
/** Alerts in a snapshot (open ones first), and audit records (newest first). */
export const SNAPSHOT_ALERTS = 100;
export const SNAPSHOT_AUDIT = 15;
/** Seconds of overview points each snapshot repeats: a sample heard late from another instance still lands. */
const OVERLAP_S = 5;
/** The client reconnects after this long when the instance ends the stream to shut down. */
export const OPS_RECONNECT_MS = 1000;

const ALERT_ORDER: Record<string, number> = { open: 0, acknowledged: 1, resolved: 2 };

const settle = async <T>(work: () => Promise<T> | T): Promise<Section<T>> => {
  try {
    return await work();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
};

/**
 * What the operations page shows, rebuilt once a second while at least one stream is open on this
 * instance and shared by all of them: the overview points, the cache figures per namespace, the
 * jobs, the alerts, the live orders and the latest audit records. A section that fails (the
 * database away) carries its error; the others still arrive.
 */
@Injectable()
export class OpsSnapshots implements OnModuleDestroy {
  private readonly logger = new Logger(OpsSnapshots.name);
  private readonly listeners = new Set<(snapshot: OpsSnapshotEventData) => void>();
  private timer?: NodeJS.Timeout;
  private building = false;
  private memory?: { at: number; figures: Section<CacheStorageReport> };

  constructor(
    private readonly timeline: TrafficTimeline,
    private readonly cache: CacheReports,
    private readonly jobs: JobsService,
    private readonly alerts: AlertsService,
    private readonly realtime: RealtimeService,
    private readonly redis: SharedRedis,
    private readonly shutdown: ShutdownSignal,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Streams open on this instance. */
  get viewers(): number {
    return this.listeners.size;
  }

  /**
   * One stream: a "history" event with the last 15 minutes of the overview, then a "snapshot"
   * event every second; it ends with a "reconnect" event when the instance shuts down. A stream
   * is admitted here (listen) and released in its teardown (unlisten): the place for a limit on
   * open event streams.
   */
  stream(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const history: OpsHistoryEventData = { instance: this.timeline.instanceId, ...this.timeline.series() };
      subscriber.next({ type: 'history', data: history });
      const listener = (snapshot: OpsSnapshotEventData) => subscriber.next({ type: 'snapshot', data: snapshot });
      const endForShutdown = () => {
        subscriber.next({ type: 'reconnect', retry: OPS_RECONNECT_MS, data: { reason: 'This instance is shutting down' } });
        subscriber.complete();
      };
      if (this.shutdown.signal.aborted) {
        endForShutdown();
        return;
      }
      this.shutdown.signal.addEventListener('abort', endForShutdown, { once: true });
      this.listen(listener);
      return () => {
        this.shutdown.signal.removeEventListener('abort', endForShutdown);
        this.unlisten(listener);
      };
    });
  }

  /** The snapshot as the stream sends it (built now). */
  async build(): Promise<OpsSnapshotEventData> {
    const now = Date.now();
    const [jobs, alerts, liveOrders, audit, memory] = await Promise.all([
      settle(() => this.jobs.list()),
      settle(() => this.alertsOpenFirst()),
      settle(() => this.realtime.liveOrders()),
      settle(() => this.cache.latestChanges(SNAPSHOT_AUDIT)),
      this.memoryFigures(now),
    ]);
    return {
      at: new Date(now).toISOString(),
      instance: this.timeline.instanceId,
      viewers: this.viewers,
      overview: this.timeline.series(Math.floor(now / 1000) - OVERLAP_S),
      cache: await settle(() => this.cacheFigures(memory)),
      jobs,
      alerts,
      live_orders: liveOrders,
      audit,
    };
  }

  private listen(listener: (snapshot: OpsSnapshotEventData) => void): void {
    this.listeners.add(listener);
    if (this.timer) return;
    this.timer = setInterval(() => void this.push(), SNAPSHOT_MS);
    this.timer.unref();
    void this.push();
  }

  private unlisten(listener: (snapshot: OpsSnapshotEventData) => void): void {
    this.listeners.delete(listener);
    if (this.listeners.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Builds and sends one snapshot; a tick that finds the previous one still building is skipped. */
  private async push(): Promise<void> {
    if (this.building) return;
    this.building = true;
    try {
      const snapshot = await this.build();
      for (const listener of this.listeners) listener(snapshot);
    } catch (error) {
      this.logger.warn(`Operations snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.building = false;
    }
  }

  private async alertsOpenFirst() {
    const page = await this.alerts.list(Object.assign(new AlertListQuery(), { skip: 0, limit: SNAPSHOT_ALERTS }));
    return {
      total: page.total,
      items: [...page.items].sort(
        (a, b) => (ALERT_ORDER[a.status] ?? 3) - (ALERT_ORDER[b.status] ?? 3) || b.opened_at.localeCompare(a.opened_at),
      ),
    };
  }

  private async memoryFigures(now: number): Promise<Section<CacheStorageReport> | undefined> {
    if (!this.redis.connection) return undefined;
    if (!this.memory || now - this.memory.at >= MEMORY_REFRESH_MS) {
      this.memory = { at: now, figures: await settle(() => this.cache.storage()) };
    }
    return this.memory.figures;
  }

  /** This instance's counters per namespace with its L1 entries, and the Redis keys and bytes when Redis is there. */
  private cacheFigures(memory: Section<CacheStorageReport> | undefined): OpsCacheFigures {
    const stats = this.cache.counters();
    const redis = memory && !('error' in memory) ? memory : undefined;
    const namespaces = CACHE_NAMESPACES.map((namespace) => {
      const counted = stats.namespaces.find((row) => row.namespace === namespace)!;
      const stored = redis?.namespaces.find((row) => row.namespace === namespace);
      return {
        namespace,
        l1_entries: counted.l1_entries,
        l1_bytes: counted.l1_bytes,
        redis_keys: stored ? stored.redis_keys : null,
        redis_bytes: stored ? stored.estimated_redis_bytes : null,
        reads: counted.reads,
        hits_l1: counted.hits_l1,
        hits_l2: counted.hits_l2,
        misses: counted.misses,
        stale_serves: counted.stale_serves,
        invalidations: counted.invalidations,
        evictions: counted.evictions,
        hit_ratio: counted.hit_ratio,
      };
    });
    return {
      since: stats.since,
      redis: this.redis.connection
        ? {
            memory_at: this.memory ? new Date(this.memory.at).toISOString() : null,
            error: memory && 'error' in memory ? memory.error : (redis?.redis_error ?? null),
            used_bytes: redis?.redis?.used_memory_bytes ?? null,
          }
        : null,
      l1: stats.l1,
      totals: { reads: stats.totals.reads, hits: stats.totals.hits, hit_ratio: stats.totals.hit_ratio },
      namespaces,
    };
  }
}

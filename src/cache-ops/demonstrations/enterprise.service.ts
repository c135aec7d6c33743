import { ConflictException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { CacheStoreAdmin } from '../maintenance/cache-store-admin.js';
import { SANDBOX_NAMESPACE } from '../../cache/cache-namespaces.js';
import { CachePolicies } from '../../cache/cache-policies.js';
import { CacheService } from '../../cache/cache.service.js';
import { planFor } from '../../events/invalidation-rules.js';
import type { LoadedValue } from '../../cache/tiered-cache.js';
import { ResourceNotFoundException } from '../../common/errors/domain-errors.js';
import { AppConfig } from '../../config/app-config.js';
import { CustomerChanged, type DomainEvent, MenuItemChanged, OrderStatusChanged, RestaurantChanged } from '../../events/domain-events.js';
import type { OrderStatus } from '../../domain/order-status.js';
import { RestaurantsService } from '../../restaurants/restaurants.service.js';
import { decideAccess } from './namespace-readers.js';
import { CacheAccessLog } from '../inspection/cache-access-log.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CacheOpsRepository } from '../cache-ops.repository.js';
import { CacheInspectionService } from '../inspection/cache-inspection.service.js';
import { CachedRoutes } from '../../cache/cached-routes.js';
import type {
  AccessDecisionResponse,
  AccessPatternsResponse,
  CascadeDto,
  CascadeResponse,
  NamespacePattern,
  PatternResponse,
  PatternStep,
  PerformanceReportResponse,
  SecureKeyDto,
  SecureKeyResponse,
} from '../dto/enterprise.dto.js';
import { roundMs } from '../inspection/latency-stats.js';
import { namespaceRecommendations, THRESHOLDS } from '../inspection/recommendations.js';
import { PatternSandbox } from './pattern-sandbox.js';
import { secureCacheKey } from './secure-key.js';

/** Expected accesses at which at least one within the horizon is more likely than not (1 - e^-λ = 1/2). */
const LIKELY_ACCESSES = Math.LN2;
const HOTTEST_PER_NAMESPACE = 5;
const HORIZON_MINUTES = CacheOpsSettings.predictionHorizonMs / 60_000;

/** One pattern demonstration under way: its restaurant, its own sandbox entry and the steps so far. */
interface PatternRun {
  pattern: string;
  id: number;
  cacheKey: string;
  steps: PatternStep[];
}

const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const started = performance.now();
  const result = await work();
  return { result, ms: roundMs(performance.now() - started) };
};

/** The /enterprise endpoints: each run on real data and measured; the pattern demonstrations on sandbox entries. */
@Injectable()
export class EnterpriseService {
  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly store: CacheStoreAdmin,
    private readonly repository: CacheOpsRepository,
    private readonly restaurants: RestaurantsService,
    private readonly accessLog: CacheAccessLog,
    private readonly inspection: CacheInspectionService,
    private readonly catalog: CachedRoutes,
    private readonly sandbox: PatternSandbox,
  ) {}

  /**
   * Cache-aside on the first restaurant, in the sandbox: its own entry is removed (start cold),
   * read (miss: loaded from the database and stored in both tiers), read again (hit). Live
   * entries are not touched.
   */
  async cacheAside(): Promise<PatternResponse> {
    const run = await this.startCold('cache-aside');
    const { id, cacheKey, steps } = run;

    // Set by the loader when it runs; the cast keeps TypeScript from narrowing it to null here.
    let loadMs = null as number | null;
    const loader = async () => {
      const started = performance.now();
      const loaded = await this.restaurantValue(id);
      loadMs = roundMs(performance.now() - started);
      return loaded;
    };
    const first = await timed(() => this.sandbox.read(cacheKey, loader));
    steps.push({
      step: 'read',
      outcome: first.result.outcome,
      ms: first.ms,
      detail:
        loadMs === null
          ? `Found in the cache (${first.result.outcome}): another demonstration stored it meanwhile`
          : `Not in L1${this.store.redisConfigured ? ' or Redis' : ''}: loaded from the database in ${loadMs} ms and stored`,
    });
    loadMs = null;
    const second = await timed(() => this.sandbox.read(cacheKey, loader));
    steps.push({
      step: 'read again',
      outcome: second.result.outcome,
      ms: second.ms,
      detail:
        loadMs === null
          ? `Served from the cache (${second.result.outcome}) without touching the database`
          : 'Loaded again: the entry was not stored',
    });
    return this.patternReport(
      run,
      'The reader looks in the cache first (L1, then Redis) and only on a miss loads from the database and stores the ' +
        'result with the route TTL; the next read is a hit. This is how every @Cached GET route works. The demonstration ' +
        `runs on its own entry under ${this.config.cache.prefix}:${SANDBOX_NAMESPACE}: (GET /restaurants/{id}'s representation ` +
        'and TTL, through the same tiers); live entries and business data are not touched.',
    );
  }

  /**
   * Write-through on the first restaurant, in the sandbox: its representation is read from the
   * database and written through to the demonstration's own entry in both tiers, then read (a hit).
   * A GET changes no business data, so there is no business write here; in the application the
   * same write-back follows every committed write (see the restaurant.changed rules).
   */
  async writeThrough(): Promise<PatternResponse> {
    const run = await this.startCold('write-through');
    const { id, cacheKey, steps } = run;

    const current = await timed(() => this.restaurantValue(id));
    steps.push({
      step: 'read from the database',
      outcome: null,
      ms: current.ms,
      detail: `The representation of restaurant ${id}, as GET /restaurants/${id} answers it`,
    });

    const writeStarted = Date.now();
    const write = await timed(() => this.sandbox.write(cacheKey, current.result));
    const storedAt = this.sandbox.storedAt(cacheKey);
    steps.push({
      step: 'write through to the cache',
      outcome: null,
      ms: write.ms,
      detail:
        write.result && storedAt !== null && storedAt >= writeStarted
          ? `Stored ${cacheKey} in this instance's L1${this.store.redisConfigured ? ' and in Redis' : ''} at once (${storedAt - writeStarted} ms after the write began)`
          : `Not stored (${this.cache.enabled ? 'an invalidation overtook the write' : 'the cache is disabled'})`,
    });

    let loaded = false;
    const read = await timed(() =>
      this.sandbox.read(cacheKey, async () => {
        loaded = true;
        return this.restaurantValue(id);
      }),
    );
    steps.push({
      step: 'read',
      outcome: read.result.outcome,
      ms: read.ms,
      detail: loaded
        ? 'Not in the cache: loaded from the database'
        : `Served from the cache (${read.result.outcome}): the write put it there`,
    });
    return this.patternReport(
      run,
      'After a write commits, its event invalidates every entry built from the changed data and stores the new ' +
        'representation at once, so the next read is a hit with fresh data. A GET changes no business data, so the ' +
        `demonstration does not write the restaurant: it writes its representation through to its own entry under ${this.config.cache.prefix}:${SANDBOX_NAMESPACE}: ` +
        '(both tiers, the same entry format) and reads it back; live entries are not touched.',
    );
  }

  /** Runs the invalidation rules of a change to the entity, as its domain event would, and reports what they removed. */
  async cascade(dto: CascadeDto): Promise<CascadeResponse> {
    const event = await this.eventFor(dto);
    const plan = planFor(event);
    const { result: report, ms } = await timed(() =>
      this.cache.invalidate(plan.tags, `admin: cascade of ${event.type} for ${dto.entity} ${dto.id}`),
    );
    return {
      entity: dto.entity,
      id: dto.id,
      event: event.type,
      tags: report.tags,
      removed_keys: [...new Set([...report.removed_l1, ...report.removed_l2])].sort(),
      removed_l1: report.removed_l1.length,
      removed_l2: report.removed_l2.length,
      instances_confirmed: report.instances_confirmed,
      instances_expected: report.instances_expected,
      deferred: report.deferred,
      duration_ms: ms,
    };
  }

  async accessPatterns(): Promise<AccessPatternsResponse> {
    const now = Date.now();
    const recorder = this.accessLog.recorder;
    const namespaces: NamespacePattern[] = [];
    for (const namespace of recorder.namespaces()) {
      const ranked = recorder.hottest(recorder.size, now, namespace).map((path) => ({
        ...path,
        expected_next_5_min: Math.round(recorder.frequency.expectedAccesses(path.score, CacheOpsSettings.predictionHorizonMs) * 100) / 100,
      }));
      const predicted: NamespacePattern['predicted_needs'] = [];
      for (const path of ranked.filter((candidate) => candidate.expected_next_5_min >= LIKELY_ACCESSES)) {
        if (await this.store.freshness(path.cache_key, now)) continue;
        predicted.push({
          ...path,
          reason: `not fresh now; ${path.expected_next_5_min} requests expected in the next ${HORIZON_MINUTES} minutes`,
        });
      }
      namespaces.push({
        namespace,
        hottest: ranked.slice(0, HOTTEST_PER_NAMESPACE),
        timeline: recorder.timeline(namespace, now),
        predicted_needs: predicted,
      });
    }
    return {
      generated_at: new Date(now).toISOString(),
      paths_recorded: recorder.size,
      namespaces,
      method:
        `Client GETs of cached routes on this instance. A path's score adds 1 per access and halves every ${CacheOpsSettings.access.halfLifeMs / 60_000} minutes; ` +
        `score / tau is its current rate, so expected requests in the next ${HORIZON_MINUTES} minutes = score x ${HORIZON_MINUTES} min / tau. ` +
        'A path is predicted to be needed when at least one request in that time is more likely than not and its entry is not fresh.',
    };
  }

  async performanceReport(): Promise<PerformanceReportResponse> {
    const memory = await this.inspection.memoryUsage();
    const figures = this.inspection.namespaceFigures(memory);
    return {
      generated_at: new Date().toISOString(),
      since: this.cache.metrics.snapshot().since,
      figures,
      recommendations: [...figures.flatMap(namespaceRecommendations), ...memory.recommendations],
      thresholds: { ...THRESHOLDS },
    };
  }

  async validateAccess(namespace: string, userId: number): Promise<AccessDecisionResponse> {
    const known = this.inspection.requireNamespace(namespace, 'namespace');
    const customer = await this.repository.customer(userId);
    if (!customer) throw new ResourceNotFoundException('Customer', userId);
    const policies = [...new Map(this.catalog.inNamespace(known).map((route) => [route.policy.name, route.policy])).values()];
    const sessionPolicy = policies.find((policy) => policy.owner !== undefined) ?? CachePolicies.customer;
    const owner = sessionPolicy.owner!({ id: String(userId) });
    const decision = decideAccess({ namespace: known, owner, customerActive: customer.is_active, policies });
    return {
      namespace: known,
      user_id: userId,
      allowed: decision.allowed,
      scope: decision.scope,
      owner: decision.scope === 'own' || decision.scope === 'shared-and-own' ? owner : null,
      rule: decision.rule,
      session_policies: policies.filter((policy) => policy.owner !== undefined).map((policy) => policy.name),
      shared_policies: policies.filter((policy) => policy.owner === undefined).map((policy) => policy.name),
    };
  }

  secureKey(dto: SecureKeyDto): SecureKeyResponse {
    const secret = this.config.cache.keySecret;
    if (!secret) throw new ServiceUnavailableException('CACHE_KEY_SECRET is not configured: secure keys cannot be derived');
    return {
      secure_key: secureCacheKey(secret, this.config.cache.prefix, dto.namespace, dto.key),
      namespace: dto.namespace,
      algorithm: 'HMAC-SHA256 over "{namespace}:{key}", hex',
    };
  }

  private async eventFor({ entity, id }: CascadeDto): Promise<DomainEvent> {
    switch (entity) {
      case 'restaurant':
        await this.restaurants.requireExists(id);
        return new RestaurantChanged(id, 'updated');
      case 'menu_item': {
        const item = await this.repository.menuItem(id);
        if (!item) throw new ResourceNotFoundException('Menu item', id);
        return new MenuItemChanged(id, item.restaurant_id, 'updated');
      }
      case 'customer':
        if (!(await this.repository.customer(id))) throw new ResourceNotFoundException('Customer', id);
        return new CustomerChanged(id, 'updated');
      case 'order': {
        const order = await this.repository.order(id);
        if (!order) throw new ResourceNotFoundException('Order', id);
        const status = order.order_status as OrderStatus;
        return new OrderStatusChanged(id, order.customer_id, order.restaurant_id, status, status);
      }
    }
  }

  /**
   * A pattern demonstration's run: the restaurant it works on and its own sandbox entry, removed
   * first so that the run starts cold (its first step).
   */
  private async startCold(pattern: string): Promise<PatternRun> {
    const id = await this.subjectRestaurant(pattern);
    const cacheKey = this.sandbox.keyOf(pattern, `restaurant:${id}`);
    const evicted = await timed(() => this.sandbox.remove(cacheKey));
    const steps: PatternStep[] = [
      {
        step: 'start cold',
        outcome: null,
        ms: evicted.ms,
        detail: `${evicted.result ? 'Removed' : 'Nothing to remove:'} the demonstration's own entry ${cacheKey} in this instance's L1 and in Redis`,
      },
    ];
    return { pattern, id, cacheKey, steps };
  }

  private patternReport({ pattern, id, cacheKey, steps }: PatternRun, explanation: string): PatternResponse {
    return { pattern, subject: `restaurant ${id}`, cache_key: cacheKey, sandbox: true, steps, explanation };
  }

  private async subjectRestaurant(pattern: string): Promise<number> {
    const id = await this.repository.firstRestaurantId();
    if (id === null)
      throw new ConflictException(`The ${pattern} demonstration runs on a restaurant and there is none (POST /demo/sample-data)`);
    return id;
  }

  /** GET /restaurants/{id}'s representation and TTL, without its tags: a sandbox entry is reached by no invalidation. */
  private async restaurantValue(id: number): Promise<LoadedValue> {
    const value = this.cache.serialise(CachePolicies.restaurant, { id: String(id) }, await this.restaurants.get(id));
    return { ...value, tags: [] };
  }
}

import { ConflictException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { CacheStoreAdmin } from '../cache/admin/cache-store-admin.js';
import { canonicalParams, cacheKeyFor } from '../cache/cache-keys.js';
import { cacheKeyOf } from '../cache/cache-namespaces.js';
import { CachePolicies } from '../cache/cache-policies.js';
import { CacheService } from '../cache/cache.service.js';
import { planFor } from '../cache/invalidation-rules.js';
import type { LoadedValue } from '../cache/tiered-cache.js';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { AppConfig } from '../config/app-config.js';
import { CustomerChanged, type DomainEvent, MenuItemChanged, OrderStatusChanged, RestaurantChanged } from '../events/domain-events.js';
import type { OrderStatus } from '../orders/entities/order-status.js';
import type { UpdateRestaurantDto } from '../restaurants/dto/restaurant.dto.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import { decideAccess } from './access-rules.js';
import { CacheAccessLog } from './cache-access-log.js';
import { CacheAdminSettings } from './cache-admin.settings.js';
import { CacheAdminRepository } from './cache-admin.repository.js';
import { CacheInspectionService } from './cache-inspection.service.js';
import { CachedRoutes } from '../cache/cached-routes.js';
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
} from './dto/enterprise.dto.js';
import { roundMs } from './latency-stats.js';
import { namespaceRecommendations, THRESHOLDS } from './recommendations.js';
import { secureCacheKey } from './secure-key.js';

/** Expected accesses at which at least one within the horizon is more likely than not (1 - e^-λ = 1/2). */
const LIKELY_ACCESSES = Math.LN2;
const HOTTEST_PER_NAMESPACE = 5;
const HORIZON_MINUTES = CacheAdminSettings.predictionHorizonMs / 60_000;

const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const started = performance.now();
  const result = await work();
  return { result, ms: roundMs(performance.now() - started) };
};

/** Seed 001's enterprise endpoints, each run on real data and measured. */
@Injectable()
export class EnterpriseService {
  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly store: CacheStoreAdmin,
    private readonly repository: CacheAdminRepository,
    private readonly restaurants: RestaurantsService,
    private readonly accessLog: CacheAccessLog,
    private readonly inspection: CacheInspectionService,
    private readonly catalog: CachedRoutes,
  ) {}

  /** Cache-aside on GET /restaurants/{first}: start cold, read (miss, load, store), read again (hit). */
  async cacheAside(): Promise<PatternResponse> {
    const id = await this.subjectRestaurant('cache-aside');
    const params = { id: String(id) };
    const cacheKey = this.restaurantKey(id);
    const steps: PatternStep[] = [];

    const evicted = await timed(() => this.store.deleteKey(cacheKey));
    this.cache.recordChange({
      action: 'delete-key',
      namespace: CachePolicies.restaurant.namespace,
      tags: [],
      keys: evicted.result.l1 || evicted.result.l2 ? [cacheKey] : [],
      reason: 'admin: cache-aside demonstration starts cold',
    });
    steps.push({ step: 'start cold', outcome: null, ms: evicted.ms, detail: `Removed ${cacheKey} from this instance's L1 and from Redis` });

    let loadMs: number | null = null;
    const loader = async () => {
      const started = performance.now();
      const loaded = this.cache.serialise(CachePolicies.restaurant, params, await this.restaurants.get(id));
      loadMs = roundMs(performance.now() - started);
      return loaded;
    };
    const first = await timed(() => this.readRestaurant(params, loader));
    steps.push({
      step: 'read',
      outcome: first.result.outcome,
      ms: first.ms,
      detail:
        loadMs === null
          ? `Found in the cache (${first.result.outcome}): another request stored it meanwhile`
          : `Not in L1${this.store.redisConfigured ? ' or Redis' : ''}: loaded from the database in ${loadMs} ms and stored`,
    });
    loadMs = null;
    const second = await timed(() => this.readRestaurant(params, loader));
    steps.push({
      step: 'read again',
      outcome: second.result.outcome,
      ms: second.ms,
      detail: loadMs === null ? `Served from the cache (${second.result.outcome}) without touching the database` : 'Loaded again: the entry was not stored',
    });
    return {
      pattern: 'cache-aside',
      subject: `restaurant ${id}`,
      cache_key: cacheKey,
      steps,
      explanation:
        'The reader looks in the cache first (L1, then Redis) and only on a miss loads from the database and stores the ' +
        'result with the route TTL; the next read is a hit. This is how every @Cached GET route works.',
    };
  }

  /**
   * Write-through on the first restaurant: its current name is saved again through
   * RestaurantsService.update, a real write whose event runs the invalidation cascade and writes
   * the new representation back, so the read right after is a hit.
   */
  async writeThrough(): Promise<PatternResponse> {
    const id = await this.subjectRestaurant('write-through');
    const params = { id: String(id) };
    const cacheKey = this.restaurantKey(id);
    const steps: PatternStep[] = [];

    const current = await timed(() => this.restaurants.get(id));
    steps.push({ step: 'read from the database', outcome: null, ms: current.ms, detail: `Restaurant ${id} is "${current.result.name}"` });

    const writeStarted = Date.now();
    const write = await timed(() => this.restaurants.update(id, { name: current.result.name } as UpdateRestaurantDto));
    const storedAt = this.store.l1StoredAt(cacheKey);
    steps.push({
      step: 'write through the service',
      outcome: null,
      ms: write.ms,
      detail:
        storedAt !== null && storedAt >= writeStarted
          ? `Saved the same name; the restaurant.changed event dropped the stale entries and wrote ${cacheKey} back (stored ${storedAt - writeStarted} ms after the write began)`
          : `Saved the same name; the write-through was not stored on this instance (${this.cache.enabled ? 'a concurrent write overtook it' : 'the cache is disabled'})`,
    });

    let loaded = false;
    const read = await timed(() =>
      this.readRestaurant(params, async () => {
        loaded = true;
        return this.cache.serialise(CachePolicies.restaurant, params, await this.restaurants.get(id));
      }),
    );
    steps.push({
      step: 'read',
      outcome: read.result.outcome,
      ms: read.ms,
      detail: loaded ? 'Not in the cache: loaded from the database' : `Served from the cache (${read.result.outcome}): the write put it there`,
    });
    return {
      pattern: 'write-through',
      subject: `restaurant ${id}`,
      cache_key: cacheKey,
      steps,
      explanation:
        'After a write commits, its event invalidates every entry built from the changed data and stores the new ' +
        "representation at once, so the next read is a hit with fresh data. The demonstration saves the restaurant's " +
        'own name again: a real write (updated_at moves, the cascade runs) that changes no visible field.',
    };
  }

  /** Runs the invalidation rules of a change to the entity, as its domain event would, and reports what they removed. */
  async cascade(dto: CascadeDto): Promise<CascadeResponse> {
    const event = await this.eventFor(dto);
    const plan = planFor(event);
    const { result: report, ms } = await timed(() => this.cache.invalidate(plan.tags, `admin: cascade of ${event.type} for ${dto.entity} ${dto.id}`));
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
        expected_next_5_min: Math.round(recorder.frequency.expectedAccesses(path.score, CacheAdminSettings.predictionHorizonMs) * 100) / 100,
      }));
      const predicted: NamespacePattern['predicted_needs'] = [];
      for (const path of ranked.filter((candidate) => candidate.expected_next_5_min >= LIKELY_ACCESSES)) {
        if (await this.store.freshness(path.cache_key, now)) continue;
        predicted.push({ ...path, reason: `not fresh now; ${path.expected_next_5_min} requests expected in the next ${HORIZON_MINUTES} minutes` });
      }
      namespaces.push({ namespace, hottest: ranked.slice(0, HOTTEST_PER_NAMESPACE), timeline: recorder.timeline(namespace, now), predicted_needs: predicted });
    }
    return {
      generated_at: new Date(now).toISOString(),
      paths_recorded: recorder.size,
      namespaces,
      method:
        `Client GETs of cached routes on this instance. A path's score adds 1 per access and halves every ${CacheAdminSettings.access.halfLifeMs / 60_000} minutes; ` +
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
        if (!(await this.repository.restaurantExists(id))) throw new ResourceNotFoundException('Restaurant', id);
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

  private async subjectRestaurant(pattern: string): Promise<number> {
    const id = await this.repository.firstRestaurantId();
    if (id === null) throw new ConflictException(`The ${pattern} demonstration runs on a restaurant and there is none (POST /demo/sample-data)`);
    return id;
  }

  /** GET /restaurants/{id}'s read path: through the cache, or around it when the cache is switched off. */
  private readRestaurant(params: { id: string }, loader: () => Promise<LoadedValue>) {
    return this.cache.enabled
      ? this.cache.read(CachePolicies.restaurant, params, {}, loader)
      : this.cache.bypass(CachePolicies.restaurant, loader);
  }

  private restaurantKey(id: number): string {
    return cacheKeyOf(CachePolicies.restaurant.namespace, cacheKeyFor(CachePolicies.restaurant, canonicalParams({ id: String(id) }), {}));
  }
}

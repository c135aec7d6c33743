import { ApiProperty } from '@nestjs/swagger';
import { L1Figures, NamespaceStats, HitRatioFigures, RecommendationResponse } from './cache-stats.dto.js';

export class LastError {
  @ApiProperty({ example: 'Socket closed unexpectedly' })
  message: string;

  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  at: string;
}

export class RedisHealth {
  @ApiProperty({ example: true, description: 'REDIS_URL is set' })
  configured: boolean;

  @ApiProperty({ example: true, description: 'Connected and answered a PING just now' })
  connected: boolean;

  @ApiProperty({ example: 0.41, nullable: true, type: Number, description: 'PING round trip measured now, ms' })
  ping_ms: number | null;
}

export class CacheHealthResponse {
  @ApiProperty({
    enum: ['healthy', 'degraded', 'disabled'],
    example: 'healthy',
    description: 'degraded: Redis configured but not answering, or invalidations waiting to reach it',
  })
  status: string;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ type: [String], example: ['l1', 'redis'], description: 'Tiers in use' })
  tiers: string[];

  @ApiProperty({ type: RedisHealth })
  redis: RedisHealth;

  @ApiProperty({ type: L1Figures })
  l1: L1Figures;

  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  checked_at: string;
}

export class RedisHealthDetailed extends RedisHealth {
  @ApiProperty({ example: true, description: "Subscribed to other instances' invalidations" })
  bus_ready: boolean;

  @ApiProperty({ example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', nullable: true, type: String })
  instance_id: string | null;

  @ApiProperty({ type: LastError, nullable: true, description: 'The last Redis error this instance saw' })
  last_error: LastError | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the PING just now failed' })
  ping_error: string | null;
}

export class L1HealthDetailed extends L1Figures {
  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: 10000 })
  max_entries: number;

  @ApiProperty({ example: 67108864 })
  max_bytes: number;

  @ApiProperty({ example: 0.0042 })
  entries_fill_ratio: number;

  @ApiProperty({ example: 0.0018 })
  bytes_fill_ratio: number;
}

export class CacheHealthDetailedResponse extends CacheHealthResponse {
  @ApiProperty({ example: 'tiffin' })
  prefix: string;

  @ApiProperty({ example: 'production' })
  profile: string;

  @ApiProperty({ type: RedisHealthDetailed })
  declare redis: RedisHealthDetailed;

  @ApiProperty({ type: L1HealthDetailed })
  declare l1: L1HealthDetailed;

  @ApiProperty({ example: 0, description: 'Invalidated tags not yet replayed to Redis' })
  deferred_invalidations: number;

  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  counters_since: string;
}

export class TtlEntryResponse {
  @ApiProperty({ example: 'restaurants' })
  name: string;

  @ApiProperty({ example: 3600 })
  seconds: number;

  @ApiProperty({ enum: ['table', 'profile', 'override'], example: 'table' })
  source: string;
}

export class CachedRouteResponse {
  @ApiProperty({ example: '/restaurants/:id/with-menu' })
  route: string;

  @ApiProperty({ example: 'restaurant-with-menu' })
  policy: string;

  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 'restaurants' })
  ttl: string;

  @ApiProperty({ example: 3600 })
  ttl_seconds: number;

  @ApiProperty({ example: false, description: 'Entries belong to one customer' })
  session: boolean;

  @ApiProperty({ example: false, description: 'The TTL depends on the result' })
  conditional: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'Conditional routes: the TTL class of the results that do not get `ttl` (null: those are not cached, or the route is not conditional)',
  })
  otherwise_ttl: string | null;
}

export class L1TierSettings {
  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ type: 'integer', example: 10000 })
  max_entries: number;

  @ApiProperty({ type: 'integer', example: 67108864 })
  max_bytes: number;
}

export class RedisTierSettings {
  @ApiProperty({ example: true })
  configured: boolean;

  @ApiProperty({ type: 'integer', example: 100 })
  timeout_ms: number;
}

export class CacheTierSettings {
  @ApiProperty({ type: L1TierSettings })
  l1: L1TierSettings;

  @ApiProperty({ type: RedisTierSettings })
  redis: RedisTierSettings;
}

export class CacheLimits {
  @ApiProperty({ example: 5, description: 'An entry is served stale for up to this many times its TTL' })
  stale_factor: number;

  @ApiProperty({ example: 0.25, description: 'Share of the TTL left at which a read refreshes the entry ahead' })
  refresh_ahead_ratio: number;

  @ApiProperty({ type: 'integer', example: 5000 })
  lease_ms: number;

  @ApiProperty({ type: 'integer', example: 1000 })
  lease_wait_ms: number;

  @ApiProperty({ type: 'integer', example: 250 })
  ack_timeout_ms: number;
}

export class CacheInfoResponse {
  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: 'tiffin', description: 'Every Redis key is {prefix}:{namespace}:{key}' })
  prefix: string;

  @ApiProperty({ example: 'production' })
  profile: string;

  @ApiProperty({ type: CacheTierSettings })
  tiers: CacheTierSettings;

  @ApiProperty({ type: CacheLimits })
  limits: CacheLimits;

  @ApiProperty({ type: [String], example: ['restaurants', 'menu-items'] })
  namespaces: string[];

  @ApiProperty({ type: [TtlEntryResponse], description: 'The effective TTL table (profile and CACHE_TTL_* overrides applied)' })
  ttl: TtlEntryResponse[];

  @ApiProperty({ type: [CachedRouteResponse] })
  routes: CachedRouteResponse[];
}

export class RedisNodeMemoryResponse {
  @ApiProperty({ example: '10.0.0.7:6379', description: 'host:port of a cluster master; "redis" for a single Redis' })
  node: string;

  @ApiProperty({ example: 1048576 })
  used_memory_bytes: number;

  @ApiProperty({ example: 0, description: '0: no limit' })
  maxmemory_bytes: number;

  @ApiProperty({ example: null, nullable: true, type: Number })
  used_of_max_ratio: number | null;
}

export class RedisMemoryResponse {
  @ApiProperty({ example: 1048576 })
  used_memory_bytes: number;

  @ApiProperty({ example: 2097152 })
  used_memory_peak_bytes: number;

  @ApiProperty({ example: 0, description: '0: no limit' })
  maxmemory_bytes: number;

  @ApiProperty({ example: null, nullable: true, type: Number })
  used_of_max_ratio: number | null;

  @ApiProperty({ example: 1.2, nullable: true, type: Number })
  fragmentation_ratio: number | null;

  @ApiProperty({
    example: 'volatile-lru',
    nullable: true,
    type: String,
    description: 'On a cluster, the first master not on noeviction if any',
  })
  maxmemory_policy: string | null;

  @ApiProperty({
    type: [RedisNodeMemoryResponse],
    description: 'Each master: on a Redis Cluster the figures above are these summed (the worst fragmentation)',
  })
  nodes: RedisNodeMemoryResponse[];
}

export class NamespaceMemory {
  @ApiProperty({ example: 'restaurants', description: 'A namespace, or _meta (tag index, sequences, leases)' })
  namespace: string;

  @ApiProperty({ example: 120 })
  redis_keys: number;

  @ApiProperty({ example: 20, description: 'Keys measured with MEMORY USAGE' })
  sampled: number;

  @ApiProperty({ example: 40960 })
  sampled_bytes: number;

  @ApiProperty({ example: 245760, description: 'redis_keys x mean sampled bytes' })
  estimated_redis_bytes: number;

  @ApiProperty({ example: 12 })
  l1_entries: number;

  @ApiProperty({ example: 40960 })
  l1_bytes: number;
}

export class MemoryScan {
  @ApiProperty({ example: 350 })
  keys_scanned: number;

  @ApiProperty({ example: true, description: 'false when the scan stopped at its limit (50 000 keys)' })
  complete: boolean;
}

export class MemoryUsageResponse {
  @ApiProperty({ type: RedisMemoryResponse, nullable: true, description: 'null without Redis or when it did not answer' })
  redis: RedisMemoryResponse | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  redis_error: string | null;

  @ApiProperty({ type: MemoryScan, nullable: true })
  scan: MemoryScan | null;

  @ApiProperty({ type: [NamespaceMemory] })
  namespaces: NamespaceMemory[];

  @ApiProperty({ type: L1HealthDetailed })
  l1: L1HealthDetailed;

  @ApiProperty({ type: [RecommendationResponse] })
  recommendations: RecommendationResponse[];
}

export class ComprehensiveReportResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  generated_at: string;

  @ApiProperty({ type: CacheHealthDetailedResponse })
  health: CacheHealthDetailedResponse;

  @ApiProperty({ type: HitRatioFigures })
  overall: HitRatioFigures;

  @ApiProperty({ type: [NamespaceStats] })
  namespaces: NamespaceStats[];

  @ApiProperty({ type: MemoryUsageResponse })
  memory: MemoryUsageResponse;

  @ApiProperty({ type: [RecommendationResponse], description: 'Namespace and memory recommendations together' })
  recommendations: RecommendationResponse[];
}

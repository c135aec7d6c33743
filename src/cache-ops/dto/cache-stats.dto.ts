import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { CACHE_NAMESPACES } from '../../cache/cache-namespaces.js';
import { HIT_RATIO_DEFINITION } from '../../cache/hit-ratio.js';

const RATINGS = ['excellent', 'good', 'poor', 'no traffic'];

export class HitRatioFigures {
  @ApiProperty({ example: 120, description: 'Hits, misses and stale serves (bypasses excluded)' })
  reads: number;

  @ApiProperty({ example: 100 })
  hits: number;

  @ApiProperty({ example: 90 })
  hits_l1: number;

  @ApiProperty({ example: 10 })
  hits_l2: number;

  @ApiProperty({ example: 20 })
  misses: number;

  @ApiProperty({ example: 0 })
  stale_serves: number;

  @ApiProperty({
    example: 0.8333,
    nullable: true,
    type: Number,
    description: `hits / reads, 4 decimals; null without reads. The one definition: ${HIT_RATIO_DEFINITION}`,
  })
  hit_ratio: number | null;

  @ApiProperty({ example: 0.75, nullable: true, type: Number, description: 'hits_l1 / reads' })
  l1_hit_ratio: number | null;

  @ApiProperty({ example: 0.3333, nullable: true, type: Number, description: 'hits_l2 / (reads - hits_l1): L1 misses Redis answered' })
  l2_hit_ratio: number | null;

  @ApiProperty({ enum: RATINGS, example: 'excellent', description: 'excellent > 80%, good > 60%, else poor' })
  rating: string;
}

export class NamespaceHitRatio extends HitRatioFigures {
  @ApiProperty({ enum: CACHE_NAMESPACES, example: 'restaurants' })
  namespace: string;
}

export class RatingThresholds {
  @ApiProperty({ example: 0.8, description: 'A hit ratio above this is "excellent"' })
  excellent_above: number;

  @ApiProperty({ example: 0.6, description: 'A hit ratio above this is "good"; at or below, "poor"' })
  good_above: number;
}

export class HitRatioResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z', description: 'Counters run since (start or last reset), per instance' })
  since: string;

  @ApiProperty({ type: HitRatioFigures })
  overall: HitRatioFigures;

  @ApiProperty({ type: [NamespaceHitRatio] })
  namespaces: NamespaceHitRatio[];

  @ApiProperty({ type: RatingThresholds })
  thresholds: RatingThresholds;
}

/** The counters of one namespace, or of all of them summed. */
export class CacheCounterFigures extends HitRatioFigures {
  @ApiProperty({ example: 20 })
  sets: number;

  @ApiProperty({ example: 0, description: 'Stores refused because a write overtook the load' })
  sets_refused: number;

  @ApiProperty({ example: 3, description: 'Entries removed by invalidations' })
  invalidations: number;

  @ApiProperty({ example: 0 })
  evictions: number;

  @ApiProperty({ example: 0 })
  errors: number;

  @ApiProperty({ example: 0 })
  refreshes: number;

  @ApiProperty({ example: 0 })
  bypasses: number;

  @ApiProperty({ example: 20 })
  loads: number;

  @ApiProperty({ example: 3.2, nullable: true, type: Number, description: 'Mean database load time, ms' })
  mean_load_ms: number | null;
}

export class NamespaceStats extends CacheCounterFigures {
  @ApiProperty({ enum: CACHE_NAMESPACES, example: 'restaurants' })
  namespace: string;
}

export class CacheStatsTotals extends CacheCounterFigures {
  @ApiProperty({ enum: ['all'], example: 'all', description: 'Every namespace summed' })
  namespace: string;
}

export class L1Figures {
  @ApiProperty({ example: 42 })
  entries: number;

  @ApiProperty({ example: 123456, description: 'Estimated heap bytes' })
  bytes: number;
}

/** Keys shown per namespace by GET /cache/stats. */
export const KEY_SAMPLE_SIZE = 10;

export class NamespaceKeySample {
  @ApiProperty({ enum: CACHE_NAMESPACES, example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 'redis', enum: ['redis', 'l1'], description: 'Where the keys were listed: Redis (SCAN), or L1 without Redis' })
  source: string;

  @ApiProperty({
    type: [String],
    example: ['restaurant:1', 'restaurant-list?limit=50&skip=0'],
    description: 'Keys of the namespace, without the prefix',
  })
  keys: string[];

  @ApiProperty({ example: false, description: 'True when these are all of the namespace’s keys' })
  complete: boolean;

  @ApiProperty({ example: '/cache/keys/restaurants?cursor=112', description: 'Where the listing goes on (GET /cache/keys/{namespace})' })
  more: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Why the keys could not be listed (Redis unavailable), else null',
  })
  error: string | null;
}

export class CacheStatsResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  since: string;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ type: CacheStatsTotals, description: 'Every namespace summed (namespace "all")' })
  totals: CacheStatsTotals;

  @ApiProperty({ type: L1Figures })
  l1: L1Figures;
}

/** GET /cache/stats: the counters, and a bounded sample of each namespace's keys. */
export class CacheStatsWithKeysResponse extends CacheStatsResponse {
  @ApiProperty({
    type: [NamespaceKeySample],
    description: `A sample of each namespace's keys: one bounded SCAN page of about ${KEY_SAMPLE_SIZE} (never KEYS), and the link to the rest`,
  })
  key_samples: NamespaceKeySample[];
}

export class NamespaceStatsResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  since: string;

  @ApiProperty({ type: [NamespaceStats] })
  namespaces: NamespaceStats[];
}

export class TtlClass {
  @ApiProperty({ example: 'restaurants' })
  name: string;

  @ApiProperty({ example: 3600 })
  seconds: number;
}

export class DetailedNamespaceStats extends NamespaceStats {
  @ApiProperty({ example: 12 })
  l1_entries: number;

  @ApiProperty({ example: 40960 })
  l1_bytes: number;

  @ApiProperty({ type: [TtlClass], description: "TTL classes of the namespace's routes" })
  ttl: TtlClass[];

  @ApiProperty({ type: [String], example: ['/restaurants', '/restaurants/:id'] })
  routes: string[];
}

export class DetailedStatsResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  since: string;

  @ApiProperty({ type: CacheStatsTotals, description: 'Every namespace summed (namespace "all")' })
  totals: CacheStatsTotals;

  @ApiProperty({ type: L1Figures })
  l1: L1Figures;

  @ApiProperty({ type: [DetailedNamespaceStats] })
  namespaces: DetailedNamespaceStats[];
}

export class CachePerformanceNamespace extends PickType(HitRatioFigures, ['reads', 'hits', 'misses', 'hit_ratio', 'rating'] as const) {
  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 0.1667, nullable: true, type: Number, description: '1 - hit_ratio: the reads not answered by a fresh hit' })
  miss_ratio: number | null;
}

export class CachePerformanceResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  since: string;

  @ApiProperty({ type: CachePerformanceNamespace, description: 'namespace "all"' })
  overall: CachePerformanceNamespace;

  @ApiProperty({ type: [CachePerformanceNamespace] })
  namespaces: CachePerformanceNamespace[];
}

export class RecommendationResponse {
  @ApiProperty({ example: 'search', description: 'A namespace, or "redis" / "l1"' })
  scope: string;

  @ApiProperty({ enum: ['info', 'warning', 'critical'], example: 'warning' })
  severity: string;

  @ApiProperty({ example: 'increase-ttl' })
  action: string;

  @ApiProperty({
    example: 'Entries expire before they are read again and writes rarely drop them: a longer TTL than 300 s would raise the hit ratio',
  })
  message: string;

  @ApiProperty({
    type: 'object',
    minProperties: 1,
    additionalProperties: { type: ['number', 'string', 'null'] },
    example: { reads: 200, hit_ratio: 0.35, invalidations_per_stored_entry: 0.02 },
    description: 'The measured figures that triggered it, by name (which figures depends on the action)',
  })
  evidence: Record<string, number | string | null>;
}

export class MinuteBucketResponse {
  @ApiProperty({ example: '2025-01-15T12:03:00.000Z' })
  minute: string;

  @ApiProperty({ example: 40 })
  reads: number;

  @ApiProperty({ example: 36 })
  hits: number;

  @ApiProperty({ example: 0.9, nullable: true, type: Number })
  hit_ratio: number | null;
}

export class PathActivityResponse {
  @ApiProperty({ example: '/restaurants/3/with-menu' })
  path: string;

  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 'restaurants:restaurant-with-menu:3' })
  cache_key: string;

  @ApiProperty({ example: 12 })
  accesses: number;

  @ApiProperty({ example: 11 })
  hits: number;

  @ApiProperty({ example: 1 })
  misses: number;

  @ApiProperty({ example: 8.41, description: 'Decayed access frequency (halves every 10 minutes)' })
  score: number;

  @ApiProperty({ example: '2025-01-15T12:03:10.000Z' })
  last_access: string;

  @ApiPropertyOptional({ example: 4.05, description: 'Accesses expected in the next 5 minutes at the current rate' })
  expected_next_5_min?: number;
}

export class NamespacePerformanceResponse extends DetailedNamespaceStats {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  since: string;

  @ApiProperty({ type: [MinuteBucketResponse], description: 'Client reads per minute, last 60 minutes (this instance)' })
  timeline: MinuteBucketResponse[];

  @ApiProperty({ type: [PathActivityResponse], description: 'Most requested paths now' })
  hottest: PathActivityResponse[];

  @ApiProperty({ type: [RecommendationResponse] })
  recommendations: RecommendationResponse[];
}

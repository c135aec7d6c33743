import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { CACHE_NAMESPACES } from '../../cache/cache-namespaces.js';
import { Presence } from '../../common/validation/presence.js';
import { ToInteger } from '../../common/validation/transforms.js';
import { TextLength } from '../../common/validation/validators.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CacheCounterFigures, MinuteBucketResponse, PathActivityResponse, RecommendationResponse } from './cache-stats.dto.js';
import { WarmedPath } from './cache-operations.dto.js';
import { THRESHOLDS } from '../inspection/recommendations.js';
import { ClosedSchema } from '../../common/http/closed-schema.js';

export const CASCADE_ENTITIES = ['restaurant', 'menu_item', 'customer', 'order'] as const;
export type CascadeEntity = (typeof CASCADE_ENTITIES)[number];

export class PatternStep {
  @ApiProperty({ example: 'read' })
  step: string;

  @ApiProperty({ example: 'MISS', nullable: true, type: String, description: 'X-Cache outcome, when the step is a read' })
  outcome: string | null;

  @ApiProperty({ example: 3.41 })
  ms: number;

  @ApiProperty({ example: 'Not in L1 or Redis: loaded from the database (2.9 ms) and stored in both tiers' })
  detail: string;
}

export class PatternResponse {
  @ApiProperty({ example: 'cache-aside' })
  pattern: string;

  @ApiProperty({ example: 'restaurant 1', description: 'The real entity whose representation the demonstration reads (it is not written)' })
  subject: string;

  @ApiProperty({ example: '_sandbox:cache-aside:restaurant:1', description: 'The entry the demonstration used, without the prefix' })
  cache_key: string;

  @ApiProperty({
    example: true,
    description:
      'The demonstration ran on its own entry under {prefix}:_sandbox: (same tiers): no live entry and no business data was changed',
  })
  sandbox: boolean;

  @ApiProperty({ type: [PatternStep] })
  steps: PatternStep[];

  @ApiProperty({ example: 'The application reads the cache first and loads from the database only on a miss...' })
  explanation: string;
}

export class CascadeDto {
  @ApiProperty({ enum: CASCADE_ENTITIES, example: 'restaurant' })
  @IsIn(CASCADE_ENTITIES)
  entity: CascadeEntity;

  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: 2_147_483_647 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  id: number;
}

export class CascadeResponse {
  @ApiProperty({ enum: CASCADE_ENTITIES, example: 'restaurant' })
  entity: string;

  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'restaurant.changed', description: 'The domain event whose rules ran' })
  event: string;

  @ApiProperty({ type: [String], example: ['restaurant:1', 'restaurants:lists'] })
  tags: string[];

  @ApiProperty({
    type: [String],
    example: ['restaurants:restaurant:1', 'restaurants:restaurants'],
    description: 'Distinct keys removed from L1 and Redis',
  })
  removed_keys: string[];

  @ApiProperty({ example: 2 })
  removed_l1: number;

  @ApiProperty({ example: 2 })
  removed_l2: number;

  @ApiProperty({ example: 1, description: 'Other instances that confirmed dropping the tags' })
  instances_confirmed: number;

  @ApiProperty({ example: 1 })
  instances_expected: number;

  @ApiProperty({ example: false, description: 'Redis was unreachable: replayed when it is back' })
  deferred: boolean;

  @ApiProperty({ example: 1.9 })
  duration_ms: number;
}

export class PredictiveWarmDto {
  @ApiPropertyOptional({ type: 'integer', example: 10, default: CacheOpsSettings.warm.predictive, minimum: 1, maximum: 50 })
  @Presence('omittable')
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class PredictedPath extends PathActivityResponse {
  @ApiProperty({ example: 'not fresh in L1 or Redis; 4.05 requests expected in the next 5 minutes' })
  reason: string;
}

@ClosedSchema()
export class PredictiveWarmedPath extends WarmedPath {
  @ApiProperty({ example: 8.41 })
  score: number;

  @ApiProperty({ example: 4.05 })
  expected_next_5_min: number;

  @ApiProperty({ example: '2025-01-15T12:03:10.000Z' })
  last_access: string;
}

@ClosedSchema()
export class FreshPath {
  @ApiProperty({ example: '/restaurants' })
  path: string;

  @ApiProperty({ example: 'L1' })
  tier: string;

  @ApiProperty({ example: 1200000 })
  fresh_for_ms: number;
}

export class PredictiveWarmResponse {
  @ApiProperty({ example: 14, description: 'Paths in the access record' })
  considered: number;

  @ApiProperty({ type: [PredictiveWarmedPath], description: 'Warmed, most likely needed first' })
  chosen: PredictiveWarmedPath[];

  @ApiProperty({ type: [FreshPath], description: 'Ranked higher than some chosen path but still fresh: left alone' })
  skipped_fresh: FreshPath[];

  @ApiProperty({ example: 'Score: accesses decayed with a 10-minute half-life ...' })
  method: string;

  @ApiProperty({ example: 25.3 })
  duration_ms: number;
}

export class NamespacePattern {
  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ type: [PathActivityResponse] })
  hottest: PathActivityResponse[];

  @ApiProperty({ type: [MinuteBucketResponse], description: 'Client reads per minute, last 60 minutes' })
  timeline: MinuteBucketResponse[];

  @ApiProperty({ type: [PredictedPath], description: 'Paths expected to be requested in the next 5 minutes that are not fresh now' })
  predicted_needs: PredictedPath[];
}

export class AccessPatternsResponse {
  @ApiProperty({ example: '2025-01-15T12:05:00.000Z' })
  generated_at: string;

  @ApiProperty({ example: 14, description: 'Paths recorded (this instance, client GETs of cached routes)' })
  paths_recorded: number;

  @ApiProperty({ type: [NamespacePattern] })
  namespaces: NamespacePattern[];

  @ApiProperty({ example: 'Scores decay with a 10-minute half-life; ...' })
  method: string;
}

/** One namespace's counters as the performance report weighs them, with its TTL and the bytes of a key. */
export class NamespaceFiguresResponse extends PickType(CacheCounterFigures, [
  'reads',
  'hit_ratio',
  'sets',
  'sets_refused',
  'invalidations',
  'evictions',
  'errors',
  'stale_serves',
  'mean_load_ms',
] as const) {
  @ApiProperty({ example: 'search' })
  namespace: string;

  @ApiProperty({ example: 300, nullable: true, type: Number })
  ttl_seconds: number | null;

  @ApiProperty({ example: 1800, nullable: true, type: Number })
  bytes_per_key: number | null;
}

export class PerformanceReportResponse {
  @ApiProperty({ example: '2025-01-15T12:05:00.000Z' })
  generated_at: string;

  @ApiProperty({ example: '2025-01-15T12:00:00.000Z', description: 'Counters run since' })
  since: string;

  @ApiProperty({ type: [NamespaceFiguresResponse] })
  figures: NamespaceFiguresResponse[];

  @ApiProperty({ type: [RecommendationResponse] })
  recommendations: RecommendationResponse[];

  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(Object.keys(THRESHOLDS).map((name) => [name, { type: 'number' }])),
    required: Object.keys(THRESHOLDS),
    additionalProperties: false,
    example: THRESHOLDS,
    description: 'The thresholds the rules use',
  })
  thresholds: Record<keyof typeof THRESHOLDS, number>;
}

export class SecurityValidateQuery {
  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 2_147_483_647, description: 'The customer asking' })
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  user_id: number;
}

export class AccessDecisionResponse {
  @ApiProperty({ example: 'customers' })
  namespace: string;

  @ApiProperty({ example: 5 })
  user_id: number;

  @ApiProperty({ example: true })
  allowed: boolean;

  @ApiProperty({
    enum: ['shared', 'shared-and-own', 'own', 'none'],
    example: 'shared-and-own',
    description: 'Which entries of the namespace the user may read',
  })
  scope: string;

  @ApiProperty({ example: 'customer:5', nullable: true, type: String, description: 'The owner stamp of entries that are theirs' })
  owner: string | null;

  @ApiProperty({
    example: 'Session entries (customer, customer-analytics) are served only to their owner customer:5; shared entries to anyone',
  })
  rule: string;

  @ApiProperty({ type: [String], example: ['customer'], description: 'Session policies in the namespace' })
  session_policies: string[];

  @ApiProperty({ type: [String], example: ['customers'], description: 'Shared policies in the namespace' })
  shared_policies: string[];
}

export class SecureKeyDto {
  @ApiProperty({ enum: CACHE_NAMESPACES, example: 'sessions' })
  @IsIn(CACHE_NAMESPACES)
  namespace: string;

  @ApiProperty({ example: 'customer:5:cart', minLength: 1, maxLength: 500 })
  @IsString()
  @TextLength(1, 500)
  key: string;
}

export class SecureKeyResponse {
  @ApiProperty({ example: 'tiffin:sessions:3f1c...e9', description: '{prefix}:{namespace}:{hmac}' })
  secure_key: string;

  @ApiProperty({ example: 'sessions' })
  namespace: string;

  @ApiProperty({ example: 'HMAC-SHA256 over "{namespace}:{key}", hex' })
  algorithm: string;
}

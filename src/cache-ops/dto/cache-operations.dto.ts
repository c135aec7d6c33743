import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { ToInteger } from '../../common/validation/transforms.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { ClosedSchema } from '../../common/http/closed-schema.js';

const CURSOR_PATTERN = /^\d{1,20}$/;
/** SCAN cursors are unsigned 64-bit; Redis answers a larger one with an error (it was a 500). */
const MAX_CURSOR = 2n ** 64n - 1n;

const IsScanCursor = () =>
  ValidateBy({
    name: 'matches',
    validator: {
      validate: (value) => typeof value === 'string' && CURSOR_PATTERN.test(value) && BigInt(value) <= MAX_CURSOR,
      defaultMessage: () => 'cursor must be the decimal cursor of a previous page',
    },
  });

export class KeyPageQuery {
  @ApiPropertyOptional({
    example: '0',
    default: '0',
    pattern: CURSOR_PATTERN.source,
    description: 'SCAN cursor from the previous page ("0" starts over), at most 18446744073709551615',
  })
  @IsOptional()
  @IsString()
  @IsScanCursor()
  cursor: string = '0';

  @ApiPropertyOptional({
    type: 'integer',
    example: 100,
    default: CacheOpsSettings.keysPage.defaultCount,
    minimum: 1,
    maximum: CacheOpsSettings.keysPage.maxCount,
    description: 'About how many keys (SCAN may return a few more or fewer)',
  })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(CacheOpsSettings.keysPage.maxCount)
  count: number = CacheOpsSettings.keysPage.defaultCount;
}

export class KeyTtlResponse {
  @ApiProperty({ example: 'restaurants:restaurant:1', description: '{namespace}:{key}, without the prefix' })
  key: string;

  @ApiProperty({ example: 17999000, description: 'ms until the entry is dropped (fresh time + stale-if-error window); -1: no expiry' })
  ttl_ms: number;

  @ApiProperty({ example: null, nullable: true, type: Number, description: 'ms it is still served as fresh (L1 listings only)' })
  fresh_for_ms: number | null;

  @ApiProperty({
    example: 912,
    nullable: true,
    type: Number,
    description: 'Bytes the entry takes: Redis MEMORY USAGE, or the L1 estimate without Redis; null when Redis could not say',
  })
  bytes: number | null;
}

export class KeyPageResponse {
  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 'tiffin' })
  prefix: string;

  @ApiProperty({ enum: ['redis', 'l1'], example: 'redis', description: 'l1 when Redis is not configured' })
  source: string;

  @ApiProperty({ example: '0', description: 'Cursor of the next page; "0" when the listing is complete' })
  cursor: string;

  @ApiProperty({ type: [KeyTtlResponse] })
  keys: KeyTtlResponse[];
}

export class KeySelectionResponse {
  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 'restaurant-with-menu:', nullable: true, type: String, description: 'null: the whole namespace' })
  key_prefix: string | null;
}

export class RemovedCounts {
  @ApiProperty({ example: 14, description: 'Distinct keys removed here (Redis and this L1)' })
  total: number;

  @ApiProperty({ example: 12 })
  redis: number;

  @ApiProperty({ example: 9 })
  l1: number;

  @ApiProperty({ example: 9, description: 'Entries the other instances removed from their L1' })
  other_instances_l1: number;
}

export class InstanceCleared {
  @ApiProperty({ example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })
  instance: string;

  @ApiProperty({ example: 9 })
  removed_l1: number;
}

export class OtherInstancesResponse {
  @ApiProperty({ example: 1, description: 'Other instances listening when the clear was published' })
  expected: number;

  @ApiProperty({ type: [InstanceCleared], description: 'Those that confirmed in time' })
  confirmed: InstanceCleared[];
}

@ClosedSchema()
export class TagIndexPruneResponse {
  @ApiProperty({ example: 12 })
  tag_sets_examined: number;

  @ApiProperty({ example: 40 })
  members_examined: number;

  @ApiProperty({ example: 38, description: 'Members pointing to keys that no longer exist, removed' })
  members_pruned: number;

  @ApiProperty({
    example: 0,
    description: 'Tag sets an invalidation detached but did not finish emptying (its instance stopped), emptied now',
  })
  drains_finished: number;

  @ApiProperty({ example: 0, description: 'Entries those detached tag sets still indexed, removed now' })
  drained_entries: number;

  @ApiProperty({ example: true, description: 'false when the per-call budget ran out first; the next call resumes where this one stopped' })
  complete: boolean;
}

export class ClearResponse {
  @ApiProperty({ example: 'restaurant-menus', description: '"all" for DELETE /cache/clear' })
  target: string;

  @ApiProperty({ type: [KeySelectionResponse] })
  selections: KeySelectionResponse[];

  @ApiProperty({ type: RemovedCounts })
  removed: RemovedCounts;

  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['restaurants:restaurant-with-menu:1'],
    description: 'The keys removed; null when more than 50',
  })
  keys: string[] | null;

  @ApiProperty({
    type: TagIndexPruneResponse,
    nullable: true,
    description: 'DELETE /cache/clear only: the tag index emptied of removed keys',
  })
  tag_index: TagIndexPruneResponse | null;

  @ApiProperty({ type: OtherInstancesResponse })
  other_instances: OtherInstancesResponse;

  @ApiProperty({ example: 3.2 })
  duration_ms: number;
}

@ClosedSchema()
export class ClearExpiredResponse {
  @ApiProperty({ example: 3, description: 'L1 entries past their stale-if-error window, dropped from this instance' })
  removed_l1: number;

  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['search:restaurant-search?cuisine=Thai'],
    description: 'null when more than 50',
  })
  keys: string[] | null;

  @ApiProperty({ example: 2, description: 'L1 entries past their fresh time, kept to serve if the database fails' })
  stale_kept_l1: number;

  @ApiProperty({ type: TagIndexPruneResponse, nullable: true, description: 'null without Redis' })
  tag_index: TagIndexPruneResponse | null;

  @ApiProperty({ example: 'Redis drops expired keys itself; ...' })
  note: string;

  @ApiProperty({ example: 1.2 })
  duration_ms: number;
}

export class WarmedPath {
  @ApiProperty({ example: '/restaurants/3/with-menu' })
  path: string;

  @ApiProperty({ example: 'restaurants' })
  namespace: string;

  @ApiProperty({ example: 'one of the 5 most ordered restaurants (42 orders)' })
  reason: string;

  @ApiProperty({ example: 200 })
  status: number;

  @ApiProperty({ example: 'MISS', description: 'X-Cache of the warming request: MISS = loaded now, HIT-* = was cached already' })
  outcome: string;

  @ApiProperty({ example: 4.21 })
  ms: number;
}

export class WarmResponse {
  @ApiProperty({ example: 'restaurants' })
  scope: string;

  @ApiProperty({ example: 5 })
  requested: number;

  @ApiProperty({ example: 4, description: 'Loaded and stored now (MISS)' })
  loaded: number;

  @ApiProperty({ example: 1, description: 'Were cached already (HIT-L1 / HIT-L2)' })
  already_cached: number;

  @ApiProperty({ example: 0, description: 'Answered with an error status' })
  failed: number;

  @ApiProperty({ example: 12.5 })
  duration_ms: number;

  @ApiProperty({ type: [WarmedPath] })
  paths: WarmedPath[];

  @ApiPropertyOptional({ example: 'Nothing to warm: no route of this namespace needs no id and no path of it was requested yet' })
  note?: string;
}

export class PopularRestaurantResponse {
  @ApiProperty({ example: 3 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  name: string;

  @ApiProperty({ example: 42 })
  orders: number;
}

export class WarmPopularResponse extends WarmResponse {
  @ApiProperty({ type: [PopularRestaurantResponse], description: 'Most ordered first' })
  restaurants: PopularRestaurantResponse[];
}

export class WarmPopularQuery {
  @ApiPropertyOptional({
    type: 'integer',
    example: 10,
    default: CacheOpsSettings.warm.popularRestaurants,
    minimum: 1,
    maximum: 50,
    description: 'How many of the most ordered active restaurants',
  })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = CacheOpsSettings.warm.popularRestaurants;
}

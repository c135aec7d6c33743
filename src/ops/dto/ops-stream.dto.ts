import { ApiProperty, getSchemaPath, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { CACHE_NAMESPACES } from '../../cache/cache-namespaces.js';
import { ClosedSchema } from '../../common/http/closed-schema.js';
import { JobStatusResponse } from '../../jobs/dto/job.dto.js';
import { AlertResponse } from '../../monitoring/dto/alert.dto.js';
import { LiveRestaurantOrdersResponse, RECONNECT_EVENT, StreamReconnectEventData } from '../../realtime/dto/realtime.dto.js';
import type { TrafficPoint } from '../traffic.js';
import type { TrafficSeries } from '../traffic-timeline.js';

/*
 * The data of each event of GET /ops/stream. The audit records of a snapshot are documented by
 * the schema of GET /cache/audit's items (CacheAuditEntryResponse), named here rather than
 * imported: the operations endpoints (cache-ops) are imported by the app module and jobs only.
 */

/** The schema of GET /cache/audit's items, which a snapshot's `audit` repeats. */
const CACHE_AUDIT_ENTRY = 'CacheAuditEntryResponse';

/** A snapshot section that could not be built (e.g. the database is away); the other sections still arrive. */
@ClosedSchema()
export class OpsSectionError {
  @ApiProperty({ example: 'Connection terminated unexpectedly' })
  error: string;
}

export type Section<T> = T | OpsSectionError;

/** A section: its figures, or the error that kept them from being built. */
const sectionOf = (figures: SchemaObject | ReferenceObject, description: string) => ({
  oneOf: [figures, { $ref: getSchemaPath(OpsSectionError) }],
  description: `${description}; {error} when it could not be built`,
});

@ClosedSchema()
export class TrafficPointResponse implements TrafficPoint {
  @ApiProperty({ type: 'integer', example: 1736942400, description: 'The second (epoch seconds) the samples ended in' })
  t: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  requests: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Requests answered 5xx' })
  errors: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 30, description: 'Cache reads answered from L1 or Redis' })
  cache_hits: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 36, description: 'Cache reads: hits, misses and stale serves' })
  cache_reads: number;

  @ApiProperty({ minimum: 0, example: 42, description: 'Requests per second' })
  rps: number;

  @ApiProperty({ type: Number, nullable: true, example: 3.1, description: 'Median latency (ms); null without requests' })
  p50_ms: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 12.5 })
  p95_ms: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 48 })
  p99_ms: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0,
    description: 'Share answered 5xx; null without requests',
  })
  error_rate: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0.83,
    description: 'Share of cache reads that hit; null without reads',
  })
  hit_ratio: number | null;
}

@ClosedSchema()
export class InstanceTrafficResponse {
  @ApiProperty({ example: '5b0c7a4e-2f7e-4a43-9d0b-1f3c2f0d7d11', description: 'The instance (its Redis instance id)' })
  id: string;

  @ApiProperty({ example: true, description: 'The instance that sends this stream' })
  self: boolean;

  @ApiProperty({ type: [TrafficPointResponse], description: 'One point per second it sampled, oldest first' })
  points: TrafficPointResponse[];
}

/** Every instance's seconds and their sum, as both events carry them. */
@ClosedSchema()
export class TrafficSeriesResponse implements TrafficSeries {
  @ApiProperty({ type: [InstanceTrafficResponse], description: 'This instance first, then the others by id' })
  instances: InstanceTrafficResponse[];

  @ApiProperty({ type: [TrafficPointResponse], description: 'All instances summed per second, oldest first' })
  total: TrafficPointResponse[];
}

/** The "history" event that opens the stream: the last 15 minutes. */
@ClosedSchema()
export class OpsHistoryEventData extends TrafficSeriesResponse {
  @ApiProperty({ example: '5b0c7a4e-2f7e-4a43-9d0b-1f3c2f0d7d11', description: 'The instance that sends this stream' })
  instance: string;
}

@ClosedSchema()
export class OpsNamespaceFigures {
  @ApiProperty({ enum: CACHE_NAMESPACES, example: 'restaurants' })
  namespace: string;

  @ApiProperty({ type: 'integer', example: 12 })
  l1_entries: number;

  @ApiProperty({ type: 'integer', example: 40960 })
  l1_bytes: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 14, description: 'null until the Redis figures were counted, or without them' })
  redis_keys: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 51200 })
  redis_bytes: number | null;

  @ApiProperty({ type: 'integer', example: 120 })
  reads: number;

  @ApiProperty({ type: 'integer', example: 90 })
  hits_l1: number;

  @ApiProperty({ type: 'integer', example: 10 })
  hits_l2: number;

  @ApiProperty({ type: 'integer', example: 20 })
  misses: number;

  @ApiProperty({ type: 'integer', example: 0 })
  stale_serves: number;

  @ApiProperty({ type: 'integer', example: 3 })
  invalidations: number;

  @ApiProperty({ type: 'integer', example: 0 })
  evictions: number;

  @ApiProperty({ type: Number, nullable: true, example: 0.8333 })
  hit_ratio: number | null;
}

@ClosedSchema()
export class OpsRedisFigures {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2025-01-15T12:00:00.000Z',
    description: 'When the Redis keys were counted',
  })
  memory_at: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why the Redis figures are missing' })
  error: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 1048576, description: 'Redis used_memory' })
  used_bytes: number | null;
}

@ClosedSchema()
export class OpsL1Figures {
  @ApiProperty({ type: 'integer', example: 42 })
  entries: number;

  @ApiProperty({ type: 'integer', example: 123456, description: 'Estimated heap bytes' })
  bytes: number;
}

@ClosedSchema()
export class OpsCacheTotals {
  @ApiProperty({ type: 'integer', example: 120 })
  reads: number;

  @ApiProperty({ type: 'integer', example: 100 })
  hits: number;

  @ApiProperty({ type: Number, nullable: true, example: 0.8333 })
  hit_ratio: number | null;
}

/** This instance's cache figures (GET /cache/stats/detailed, with the Redis keys of GET /cache/memory). */
@ClosedSchema()
export class OpsCacheFigures {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z', description: 'Since when this instance counts' })
  since: string;

  @ApiProperty({ type: OpsRedisFigures, nullable: true, description: 'null without Redis' })
  redis: OpsRedisFigures | null;

  @ApiProperty({ type: OpsL1Figures })
  l1: OpsL1Figures;

  @ApiProperty({ type: OpsCacheTotals })
  totals: OpsCacheTotals;

  @ApiProperty({ type: [OpsNamespaceFigures], description: 'Every namespace, in the order of GET /cache/stats/namespaces' })
  namespaces: OpsNamespaceFigures[];
}

@ClosedSchema()
export class OpsAlertsSection {
  @ApiProperty({ type: 'integer', example: 3, description: 'Alerts in all' })
  total: number;

  @ApiProperty({ type: [AlertResponse], description: 'Up to 100: open first, then acknowledged, then resolved; newest first within each' })
  items: AlertResponse[];
}

/** A "snapshot" event: what the page shows, rebuilt every second. */
@ClosedSchema()
export class OpsSnapshotEventData {
  @ApiProperty({ example: '2025-01-15T12:00:01.000Z', format: 'date-time' })
  at: string;

  @ApiProperty({ example: '5b0c7a4e-2f7e-4a43-9d0b-1f3c2f0d7d11' })
  instance: string;

  @ApiProperty({ type: 'integer', example: 1, description: 'Streams open on this instance' })
  viewers: number;

  @ApiProperty({ type: TrafficSeriesResponse, description: 'The last seconds of the overview (a few repeated: a late sample still lands)' })
  overview: TrafficSeriesResponse;

  @ApiProperty(sectionOf({ $ref: getSchemaPath(OpsCacheFigures) }, "This instance's cache figures per namespace"))
  cache: Section<OpsCacheFigures>;

  @ApiProperty(sectionOf({ type: 'array', items: { $ref: getSchemaPath(JobStatusResponse) } }, 'The jobs, as GET /jobs'))
  jobs: Section<JobStatusResponse[]>;

  @ApiProperty(sectionOf({ $ref: getSchemaPath(OpsAlertsSection) }, 'The alerts'))
  alerts: Section<OpsAlertsSection>;

  @ApiProperty(
    sectionOf(
      { type: 'array', items: { $ref: getSchemaPath(LiveRestaurantOrdersResponse) } },
      'The live orders, as GET /realtime/live-orders',
    ),
  )
  live_orders: Section<LiveRestaurantOrdersResponse[]>;

  @ApiProperty(
    sectionOf({ type: 'array', items: { $ref: getSchemaPath(CACHE_AUDIT_ENTRY) } }, 'The latest 15 cache audit records, newest first'),
  )
  audit: Section<readonly object[]>;
}

/** One event of the stream, as its fields arrive (`event:`, `data:` as JSON, `retry:`). */
export const OPS_EVENT: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      properties: { event: { type: 'string', enum: ['history'] }, data: { $ref: getSchemaPath(OpsHistoryEventData) } },
      required: ['event', 'data'],
    },
    {
      type: 'object',
      properties: { event: { type: 'string', enum: ['snapshot'] }, data: { $ref: getSchemaPath(OpsSnapshotEventData) } },
      required: ['event', 'data'],
    },
    RECONNECT_EVENT,
  ],
};

/** The schemas the events refer to, for @ApiExtraModels. */
export const OPS_EVENT_MODELS = [
  OpsHistoryEventData,
  OpsSnapshotEventData,
  OpsSectionError,
  OpsCacheFigures,
  OpsAlertsSection,
  StreamReconnectEventData,
];

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { CACHE_NAMESPACES } from '../../cache/cache-namespaces.js';
import type { CacheChangeRecord } from '../../cache/cache.service.js';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { Trim, ZonelessAsUtc } from '../../common/validation/transforms.js';
import { IsDateTimeWithZone, TextLength } from '../../common/validation/validators.js';
import type { CacheAuditEntry } from '../maintenance/entities/cache-audit-entry.entity.js';

export const AUDIT_ACTIONS = [
  'invalidate',
  'clear',
  'clear-namespace',
  'clear-expired',
  'delete-key',
] as const satisfies readonly CacheChangeRecord['action'][];

export class CacheAuditQuery extends PaginationQuery {
  @ApiPropertyOptional({
    enum: CACHE_NAMESPACES,
    example: 'restaurants',
    description: 'Records of this namespace, and namespace-less ones (invalidations, full clears) that removed keys in it',
  })
  @IsOptional()
  @IsIn(CACHE_NAMESPACES)
  namespace?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, example: 'invalidate' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: string;

  @ApiPropertyOptional({ example: 'PUT /restaurants/:id', minLength: 1, maxLength: 200, description: 'The route or job, exactly' })
  @IsOptional()
  @Trim()
  @IsString()
  @TextLength(1, 200)
  cause?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-01-01T00:00:00Z',
    description: 'From this time on (ISO 8601 date-time; without a zone it is UTC), inclusive',
  })
  @IsOptional()
  @ZonelessAsUtc()
  @IsISO8601({ strict: true })
  @IsDateTimeWithZone()
  since?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-12-31T23:59:59Z',
    description: 'Up to this time (ISO 8601 date-time; without a zone it is UTC), inclusive',
  })
  @IsOptional()
  @ZonelessAsUtc()
  @IsISO8601({ strict: true })
  @IsDateTimeWithZone()
  until?: string;
}

export class CacheAuditEntryResponse {
  @ApiProperty({ example: 42 })
  id: number;

  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  occurred_at: Date;

  @ApiProperty({ example: 'PUT /restaurants/:id', description: 'The route or job that caused it' })
  cause: string;

  @ApiProperty({ enum: AUDIT_ACTIONS, example: 'invalidate' })
  action: string;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'Set for namespace clears and key deletions' })
  namespace: string | null;

  @ApiProperty({ type: [String], example: ['restaurant:1', 'restaurants:lists'] })
  tags: string[];

  @ApiProperty({ type: [String], example: ['restaurants:restaurant:1'], description: 'Keys removed (the first 500)' })
  keys: string[];

  @ApiProperty({ example: 1, description: 'How many keys were removed in all' })
  key_count: number;

  @ApiProperty({ example: 'restaurant.changed', description: 'The event type or admin action' })
  reason: string;
}

export function toCacheAuditEntryResponse(entry: CacheAuditEntry): CacheAuditEntryResponse {
  return {
    id: Number(entry.id),
    occurred_at: entry.occurred_at,
    cause: entry.cause,
    action: entry.action,
    namespace: entry.namespace,
    tags: entry.tags,
    keys: entry.keys,
    key_count: entry.key_count,
    reason: entry.reason,
  };
}

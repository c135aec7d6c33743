import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInteger } from '../validation/transforms.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;
/**
 * The deepest page any list serves: Postgres reads and throws away every skipped row, so a deep
 * `skip` costs as much as reading the whole table (and anonymous callers could ask for it freely).
 * Past it, a narrower filter is the way to the rows.
 */
export const MAX_SKIP = 10_000;

export class PaginationQuery {
  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: MAX_SKIP,
    description: `Rows to skip, at most ${MAX_SKIP}: to reach rows further on, narrow the filters`,
  })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_SKIP, {
    message: `skip must not be greater than ${MAX_SKIP}: narrow the filters (e.g. by restaurant, status or dates) instead of paging further`,
  })
  skip: number = 0;

  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_LIMIT, minimum: 1, maximum: MAX_LIMIT, description: 'Rows to return' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit: number = DEFAULT_LIMIT;
}

/**
 * A page of a list. Controllers return it; the answer is the JSON array of the items, with the
 * total in the X-Total-Count header (see page-serialization.ts).
 */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly total: number,
  ) {}
}

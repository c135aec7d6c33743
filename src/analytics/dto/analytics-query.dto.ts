import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { MAX_ID, QueryId } from '../../common/validation/parse-id.pipe.js';
import { ToInteger } from '../../common/validation/transforms.js';
import { ANALYTICS_PERIODS, type AnalyticsPeriod, DEFAULT_PERIOD, isCalendarDate } from '../analytics-period.js';

export const POPULAR_ITEMS_DEFAULT_LIMIT = 10;
export const POPULAR_ITEMS_MAX_LIMIT = 50;

export const REFRESH_TYPES = ['revenue', 'customers', 'restaurants', 'popular-items'] as const;
export type RefreshType = (typeof REFRESH_TYPES)[number];

const IsCalendarDate = () =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value) => isCalendarDate(value),
      defaultMessage: () => '$property must be a date that exists, as YYYY-MM-DD',
    },
  });

const IsPeriod = () => IsIn(ANALYTICS_PERIODS, { message: `period must be one of: ${ANALYTICS_PERIODS.join(', ')}` });

export class DailyRevenueQuery {
  @ApiProperty({ example: '2024-01-15', format: 'date', description: 'The UTC calendar day, YYYY-MM-DD' })
  @IsCalendarDate()
  date: string;
}

export class PeriodQuery {
  @ApiPropertyOptional({
    enum: ANALYTICS_PERIODS,
    default: DEFAULT_PERIOD,
    example: '30d',
    description: 'The last 7, 30 or 90 calendar days in UTC, today included',
  })
  @IsOptional()
  @IsPeriod()
  period: AnalyticsPeriod = DEFAULT_PERIOD;
}

export class PopularItemsQuery extends PeriodQuery {
  @ApiPropertyOptional({
    type: 'integer',
    default: POPULAR_ITEMS_DEFAULT_LIMIT,
    minimum: 1,
    maximum: POPULAR_ITEMS_MAX_LIMIT,
    example: 10,
    description: 'How many items',
  })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(POPULAR_ITEMS_MAX_LIMIT)
  limit: number = POPULAR_ITEMS_DEFAULT_LIMIT;
}

export class RestaurantPerformanceQuery extends PaginationQuery {
  @ApiPropertyOptional({
    type: 'integer',
    example: 1,
    minimum: 1,
    maximum: MAX_ID,
    description: 'Only this restaurant (404 when it does not exist)',
  })
  @IsOptional()
  @QueryId()
  restaurant_id?: number;
}

export class RefreshParams {
  @ApiProperty({ enum: REFRESH_TYPES, example: 'revenue', description: 'Which analytics to recompute' })
  @IsIn(REFRESH_TYPES, { message: `type must be one of: ${REFRESH_TYPES.join(', ')}` })
  type: RefreshType;
}

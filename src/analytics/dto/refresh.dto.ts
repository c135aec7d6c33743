import { ApiProperty } from '@nestjs/swagger';
import { REFRESH_TYPES, type RefreshType } from './analytics-query.dto.js';

export class RefreshAcceptedResponse {
  @ApiProperty({ enum: REFRESH_TYPES, example: 'revenue' })
  type: RefreshType;

  @ApiProperty({ example: 'accepted', description: 'The refresh runs in the background after this answer' })
  status: 'accepted';

  @ApiProperty({ type: [String], example: ['analytics:revenue'], description: 'Cache tags dropped first' })
  tags: string[];

  @ApiProperty({
    type: [String],
    example: ['/analytics/revenue/daily?date=2024-01-15', '/analytics/revenue-analytics?period=7d'],
    description: 'Routes then recomputed and cached again',
  })
  paths: string[];
}

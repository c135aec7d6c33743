import { ApiProperty } from '@nestjs/swagger';
import { REFRESH_TYPES, type RefreshType } from './analytics-query.dto.js';

export class RefreshAcceptedResponse {
  @ApiProperty({ enum: REFRESH_TYPES, example: 'revenue' })
  type: RefreshType;

  @ApiProperty({ example: 'accepted', description: 'The refresh runs in the background after this answer' })
  status: 'accepted';

  @ApiProperty({
    example: 1800,
    description: 'Cached variants of this kind read within this many seconds are reloaded (ANALYTICS_RECENT_READ_SECONDS)',
  })
  recent_read_seconds: number;

  @ApiProperty({ example: 200, description: 'At most this many variants are reloaded, the most recently read first' })
  max_variants: number;
}

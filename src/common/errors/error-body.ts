import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldError {
  @ApiProperty({ example: 'order_items.0.quantity', description: 'Path of the failing field (dots for nesting)' })
  field: string;

  @ApiProperty({ example: 'max', description: 'The rule that failed' })
  rule: string;

  @ApiProperty({ example: 'quantity must not be greater than 99' })
  message: string;
}

/** The one shape of every 4xx and 5xx response. */
export class ErrorBody {
  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiPropertyOptional({ type: [FieldError], description: 'For 400s: each failing field and rule' })
  errors?: FieldError[];

  @ApiProperty({ example: '/restaurants' })
  path: string;

  @ApiProperty({ example: 'req-1a2b', description: 'Also logged with the request, to correlate' })
  request_id: string;
}

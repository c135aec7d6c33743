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

  @ApiPropertyOptional({
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description:
      'The OpenTelemetry trace of the request (32 hex digits): the exported trace when traces are on, else the trace of the ' +
      "caller's W3C traceparent header. Absent when there is neither",
  })
  trace_id?: string;
}

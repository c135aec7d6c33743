import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MAX_ID, QueryId } from '../../common/validation/parse-id.pipe.js';
import { MaxTextLength } from '../../common/validation/validators.js';
import type { Review } from '../entities/review.entity.js';

export class AddReviewDto {
  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating: number;

  @ApiPropertyOptional({
    example: 'Excellent pizza! Fast delivery and great taste.',
    maxLength: 2000,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxTextLength(2000)
  comment?: string | null;
}

export class ReviewAuthorQuery {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: MAX_ID, description: 'The customer writing the review: must be the customer of the order' })
  @QueryId()
  customer_id: number;
}

export class ReviewResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  order_id: number;

  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 5 })
  rating: number;

  @ApiProperty({ example: 'Excellent pizza!', nullable: true, type: String })
  comment: string | null;

  @ApiProperty({ example: '2024-01-15T19:00:00.000Z', format: 'date-time' })
  created_at: string;
}

/** The one serialisation of a review, used by every route that returns one. */
export function toReviewResponse(review: Review): ReviewResponse {
  return {
    id: review.id,
    customer_id: review.customer_id,
    restaurant_id: review.restaurant_id,
    order_id: review.order_id,
    rating: review.rating,
    comment: review.comment,
    created_at: review.created_at.toISOString(),
  };
}

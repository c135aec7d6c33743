import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MAX_ID, QueryId } from '../../common/validation/parse-id.pipe.js';
import { MaxTextLength } from '../../common/validation/validators.js';
import type { Customer } from '../../customers/entities/customer.entity.js';
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
  @ApiProperty({
    type: 'integer',
    example: 1,
    minimum: 1,
    maximum: MAX_ID,
    description: 'The customer writing the review: must be the customer of the order',
  })
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

/**
 * A review as anyone may read it (GET /restaurants/{id}/reviews): who wrote it only as a display
 * name, without the customer's or the order's id, which would let a reader link the reviews of
 * one customer and probe their orders.
 */
export class PublicReviewResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({
    example: 'John D.',
    description: "The author's first name and the initial of the last (the first name alone for a one-word name)",
  })
  author: string;

  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 5 })
  rating: number;

  @ApiProperty({ example: 'Excellent pizza!', nullable: true, type: String })
  comment: string | null;

  @ApiProperty({ example: '2024-01-15T19:00:00.000Z', format: 'date-time' })
  created_at: string;
}

/** "John Doe" -> "John D.", "Mary Ann Smith" -> "Mary S.", "Cher" -> "Cher": enough to tell reviews apart, not to find the person. */
export function displayName(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 'A customer';
  const [first] = words;
  if (words.length === 1) return first;
  return `${first} ${Array.from(words[words.length - 1])[0].toUpperCase()}.`;
}

export function toPublicReviewResponse(review: Review & { customer: Pick<Customer, 'name'> }): PublicReviewResponse {
  return {
    id: review.id,
    restaurant_id: review.restaurant_id,
    author: displayName(review.customer.name),
    rating: review.rating,
    comment: review.comment,
    created_at: review.created_at.toISOString(),
  };
}

/** The one serialisation of a review for its author and staff (the author's own list, a new review). */
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

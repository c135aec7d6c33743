import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { parseTimestampText } from '../common/database/timestamp-text.js';
import { heldKeyArgument } from '../idempotency/idempotent-resources.js';
import type { DataSource } from 'typeorm';
import type { Customer } from '../customers/entities/customer.entity.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { RatingChange } from '../events/domain-events.js';
import { Review } from './entities/review.entity.js';

/** The resource kind an Idempotency-Key names once its review committed. */
export const REVIEW_RESOURCE = 'review';

export type NewReviewRequest = Pick<Review, 'customer_id' | 'order_id' | 'rating' | 'comment'>;

/** The review added (with the restaurant's cuisine and its rating before and after), or why not (nothing was written). */
export type ReviewOutcome =
  | { refused: 'missing' }
  /** Another customer's order, or one not delivered. */
  | { refused: 'not_reviewable'; customer_id: number; order_status: OrderStatus }
  /** outbox_id: the cache invalidation outbox row the transaction wrote, if any (see migration 1765200000000). */
  | { refused?: undefined; review: Review; cuisine_type: string; rating_change: RatingChange; outbox_id: string | null };

/** The reviews of one customer or of one restaurant. */
export type ReviewOwner = Pick<Review, 'customer_id'> | Pick<Review, 'restaurant_id'>;

export type ReviewWithAuthor = Review & { customer: Pick<Customer, 'name'> };

/** Every query on the reviews table, and the restaurant rating derived from it. */
@Injectable()
export class ReviewsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: InvalidationOutboxRepository,
  ) {}

  /**
   * Adds the review and recomputes the restaurant's rating in one round trip (add_review, see
   * migration 1764900000000): the order checked, the restaurant's row locked so reviews of one
   * restaurant recompute its rating one after another (each seeing every review committed before
   * it; FOR NO KEY UPDATE does not block the key-share locks that inserting orders takes), the
   * review inserted and the rating set to the average of the reviews, rounded to 2 decimals
   * exactly in SQL, and the event's cache invalidation outbox row inserted; under an
   * Idempotency-Key, the key's row is marked with the review in that transaction too (migration
   * 1765100000000). A second review of the order is a unique violation of uq_reviews_order_id.
   */
  async add(review: NewReviewRequest): Promise<ReviewOutcome> {
    const [{ outcome }]: { outcome: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT add_review($1, $2, $3, $4, $5, $6::jsonb) AS outcome',
      [review.order_id, review.customer_id, review.rating, review.comment, this.outbox.recording, heldKeyArgument(REVIEW_RESOURCE)],
    );
    if (outcome.refused !== undefined) return outcome as ReviewOutcome;
    return {
      review: {
        ...review,
        id: outcome.id as number,
        restaurant_id: outcome.restaurant_id as number,
        created_at: parseTimestampText(outcome.created_at as string),
      },
      cuisine_type: outcome.cuisine_type as string,
      rating_change: { before: Number(outcome.rating_before), after: Number(outcome.rating_after) },
      outbox_id: outcome.outbox_id as string | null,
    };
  }

  findById(id: number): Promise<Review | null> {
    return this.dataSource.manager.findOneBy(Review, { id });
  }

  /** A restaurant's reviews as {@link findPage} pages them, each with its author's name (nothing else of the customer). */
  findRestaurantPage(restaurantId: number, skip: number, limit: number): Promise<[ReviewWithAuthor[], number]> {
    // offset/limit rather than skip/take: the join is many-to-one, so TypeORM's distinct-id pagination is not needed.
    return this.dataSource
      .getRepository(Review)
      .createQueryBuilder('review')
      .innerJoin('review.customer', 'customer')
      .addSelect('customer.name')
      .where('review.restaurant_id = :restaurantId', { restaurantId })
      .orderBy('review.created_at', 'DESC')
      .addOrderBy('review.id', 'DESC')
      .offset(skip)
      .limit(limit)
      .getManyAndCount() as Promise<[ReviewWithAuthor[], number]>;
  }

  /** A page, newest first (created_at, then id, descending), with the total number of matching reviews. */
  findPage(owner: ReviewOwner, skip: number, limit: number): Promise<[Review[], number]> {
    return this.dataSource.manager.findAndCount(Review, {
      where: owner,
      order: { created_at: 'DESC', id: 'DESC' },
      skip,
      take: limit,
    });
  }
}

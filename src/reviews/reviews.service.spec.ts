import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { OrderStatus } from '../domain/order-status.js';
import type { RestaurantsService } from '../restaurants/restaurants.service.js';
import type { OrderPartiesRepository } from '../orders/order-parties.repository.js';
import type { NewReviewRequest, ReviewOutcome, ReviewsRepository } from './reviews.repository.js';
import { IdempotentResources } from '../idempotency/idempotent-resources.js';
import { ReviewsService } from './reviews.service.js';

const CREATED_AT = new Date('2025-01-15T19:00:00.000Z');

const uniqueViolation = (constraint: string) =>
  new QueryFailedError('add_review', [], Object.assign(new Error('duplicate key'), { code: '23505', constraint }));

/** The add_review function's answers, as the repository returns them. */
class FakeReviews {
  outcome: ReviewOutcome | undefined;
  error: Error | undefined;
  requests: NewReviewRequest[] = [];

  async add(request: NewReviewRequest): Promise<ReviewOutcome> {
    this.requests.push(request);
    if (this.error) throw this.error;
    return (
      this.outcome ?? {
        review: { id: 11, ...request, restaurant_id: 2, created_at: CREATED_AT },
        cuisine_type: 'Italian',
        rating_change: { before: 4, after: 4.5 },
        outbox_id: '1',
      }
    );
  }
}

describe('ReviewsService.addReview', () => {
  let reviews: FakeReviews;
  let service: ReviewsService;
  let events: unknown[];

  beforeEach(() => {
    events = [];
    reviews = new FakeReviews();
    const bus = new DomainEventBus();
    bus.subscribe('review.added', (event) => {
      events.push(event);
    });
    service = new ReviewsService(
      reviews as unknown as ReviewsRepository,
      {} as OrderPartiesRepository,
      {} as RestaurantsService,
      bus,
      new IdempotentResources(),
    );
  });

  it('adds the review in one call and publishes ReviewAdded with the cuisine and the rating change', async () => {
    const review = await service.addReview(7, 1, { rating: 4, comment: 'Good' });
    expect(reviews.requests).toEqual([{ order_id: 7, customer_id: 1, rating: 4, comment: 'Good' }]);
    expect(review).toEqual({
      id: 11,
      customer_id: 1,
      restaurant_id: 2,
      order_id: 7,
      rating: 4,
      comment: 'Good',
      created_at: '2025-01-15T19:00:00.000Z',
    });
    expect(events).toEqual([
      expect.objectContaining({
        review_id: 11,
        order_id: 7,
        customer_id: 1,
        restaurant_id: 2,
        cuisine_type: 'Italian',
        rating_change: { before: 4, after: 4.5 },
      }),
    ]);
  });

  it('turns the unique violation of a second review into a 409 and publishes nothing', async () => {
    reviews.error = uniqueViolation('uq_reviews_order_id');
    await expect(service.addReview(7, 1, { rating: 4 })).rejects.toThrow(new ConflictException('Order 7 has already been reviewed'));
    expect(events).toEqual([]);
  });

  it('lets other database errors through unchanged', async () => {
    const other = uniqueViolation('some_other_index');
    reviews.error = other;
    await expect(service.addReview(7, 1, { rating: 4 })).rejects.toBe(other);
  });

  it('answers a missing order with 404, another customer with 403 and an undelivered order with 409', async () => {
    reviews.outcome = { refused: 'missing' };
    await expect(service.addReview(8, 1, { rating: 4 })).rejects.toThrow(NotFoundException);
    reviews.outcome = { refused: 'not_reviewable', customer_id: 1, order_status: OrderStatus.Delivered };
    await expect(service.addReview(7, 2, { rating: 4 })).rejects.toThrow(ForbiddenException);
    reviews.outcome = { refused: 'not_reviewable', customer_id: 1, order_status: OrderStatus.OutForDelivery };
    await expect(service.addReview(7, 1, { rating: 4 })).rejects.toThrow(
      new ConflictException('Order 7 is out_for_delivery; only delivered orders can be reviewed'),
    );
    expect(events).toEqual([]);
  });
});

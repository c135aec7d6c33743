import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { recordingDataSource } from '../common/testing/recording-data-source.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { OrderStatus } from '../domain/order-status.js';
import type { Order } from '../orders/entities/order.entity.js';
import type { RestaurantsService } from '../restaurants/restaurants.service.js';
import type { OrderPartiesRepository } from '../orders/order-parties.repository.js';
import type { OrdersRepository } from '../orders/orders.repository.js';
import type { Review } from './entities/review.entity.js';
import type { NewReview, ReviewsRepository } from './reviews.repository.js';
import { ReviewsService } from './reviews.service.js';

const MANAGER = { transactional: true } as unknown as EntityManager;
const CREATED_AT = new Date('2025-01-15T19:00:00.000Z');

const log: string[] = [];

const fakeDataSource = recordingDataSource(log, MANAGER);

const uniqueViolation = (constraint: string) =>
  new QueryFailedError('insert', [], Object.assign(new Error('duplicate key'), { code: '23505', constraint }));

class FakeReviews {
  insertError: Error | undefined;

  async lockRestaurantRating(restaurantId: number, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    log.push(`lock restaurant ${restaurantId}`);
  }
  async insert(review: NewReview, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    if (this.insertError) throw this.insertError;
    log.push('insert review');
    return { id: 11, ...review, created_at: CREATED_AT } as Review;
  }
  async refreshRestaurantRating(restaurantId: number, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    log.push(`refresh rating ${restaurantId}`);
  }
}

describe('ReviewsService.addReview', () => {
  let reviews: FakeReviews;
  let order: Pick<Order, 'id' | 'customer_id' | 'restaurant_id' | 'order_status'>;
  let service: ReviewsService;
  let events: unknown[];

  beforeEach(() => {
    log.length = 0;
    events = [];
    reviews = new FakeReviews();
    order = { id: 7, customer_id: 1, restaurant_id: 2, order_status: OrderStatus.Delivered };
    const orders = { findById: async (id: number) => (id === order.id ? order : null) };
    const bus = new DomainEventBus();
    bus.subscribe('review.added', (event) => {
      log.push('publish review.added');
      events.push(event);
    });
    service = new ReviewsService(
      fakeDataSource,
      reviews as unknown as ReviewsRepository,
      orders as unknown as OrdersRepository,
      {} as OrderPartiesRepository,
      {} as RestaurantsService,
      bus,
    );
  });

  it('locks the restaurant, inserts, recomputes the rating, commits, then publishes', async () => {
    const review = await service.addReview(7, 1, { rating: 4, comment: 'Good' });
    expect(log).toEqual(['begin', 'lock restaurant 2', 'insert review', 'refresh rating 2', 'commit', 'publish review.added']);
    expect(review).toEqual({
      id: 11,
      customer_id: 1,
      restaurant_id: 2,
      order_id: 7,
      rating: 4,
      comment: 'Good',
      created_at: '2025-01-15T19:00:00.000Z',
    });
    expect(events).toEqual([expect.objectContaining({ review_id: 11, order_id: 7, customer_id: 1, restaurant_id: 2 })]);
  });

  it('turns the unique violation of a second review into a 409 and publishes nothing', async () => {
    reviews.insertError = uniqueViolation('uq_reviews_order_id');
    await expect(service.addReview(7, 1, { rating: 4 })).rejects.toThrow(new ConflictException('Order 7 has already been reviewed'));
    expect(log).toEqual(['begin', 'lock restaurant 2', 'rollback']);
    expect(events).toEqual([]);
  });

  it('lets other database errors through unchanged', async () => {
    const other = uniqueViolation('some_other_index');
    reviews.insertError = other;
    await expect(service.addReview(7, 1, { rating: 4 })).rejects.toBe(other);
  });

  it('refuses a missing order, another customer and an undelivered order before writing', async () => {
    await expect(service.addReview(8, 1, { rating: 4 })).rejects.toThrow(NotFoundException);
    await expect(service.addReview(7, 2, { rating: 4 })).rejects.toThrow(ForbiddenException);
    order.order_status = OrderStatus.OutForDelivery;
    await expect(service.addReview(7, 1, { rating: 4 })).rejects.toThrow(ConflictException);
    expect(log.filter((entry) => entry !== 'begin' && entry !== 'rollback')).toEqual([]);
  });
});

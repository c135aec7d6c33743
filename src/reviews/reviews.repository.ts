import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Customer } from '../customers/entities/customer.entity.js';
import { Restaurant } from '../restaurants/entities/restaurant.entity.js';
import { Review } from './entities/review.entity.js';

export type NewReview = Pick<Review, 'customer_id' | 'restaurant_id' | 'order_id' | 'rating' | 'comment'>;

/** The reviews of one customer or of one restaurant. */
export type ReviewOwner = Pick<Review, 'customer_id'> | Pick<Review, 'restaurant_id'>;

export type ReviewWithAuthor = Review & { customer: Pick<Customer, 'name'> };

/** Every query on the reviews table, and the restaurant rating derived from it. */
@Injectable()
export class ReviewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the review (a unique violation of uq_reviews_order_id when the order already has one). */
  async insert(review: NewReview, manager: EntityManager): Promise<Review> {
    const result = await manager.insert(Review, review);
    return manager.create(Review, { ...review, ...result.generatedMaps[0] });
  }

  /**
   * Locks the restaurant row until the transaction ends, so reviews of one restaurant recompute its
   * rating one after another, each seeing every review committed before it. FOR NO KEY UPDATE, not
   * FOR UPDATE: it does not block the key-share locks that inserting orders takes on the restaurant.
   * Returns the restaurant's cuisine, which decides the searches the review event invalidates.
   */
  async lockRestaurantRating(restaurantId: number, manager: EntityManager): Promise<string> {
    const restaurant = await manager
      .createQueryBuilder(Restaurant, 'r')
      .select(['r.id', 'r.cuisine_type'])
      .where('r.id = :restaurantId', { restaurantId })
      .setLock('for_no_key_update')
      .getOneOrFail();
    return restaurant.cuisine_type;
  }

  /** Sets the restaurant's rating to the average of its reviews, rounded to 2 decimals, exactly in SQL. */
  async refreshRestaurantRating(restaurantId: number, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE restaurants
          SET rating = (SELECT coalesce(round(avg(rating), 2), 0) FROM reviews WHERE restaurant_id = $1),
              updated_at = now()
        WHERE id = $1`,
      [restaurantId],
    );
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

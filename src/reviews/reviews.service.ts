import { ConflictException, Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { isUniqueViolation } from '../common/errors/postgres-errors.js';
import { Page, type PaginationQuery } from '../common/pagination/pagination.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { ReviewAdded } from '../events/domain-events.js';
import { OrderPartiesRepository } from '../orders/order-parties.repository.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import {
  type AddReviewDto,
  type PublicReviewResponse,
  type ReviewResponse,
  toPublicReviewResponse,
  toReviewResponse,
} from './dto/review.dto.js';
import { assertCanReview } from './review-rules.js';
import { IdempotentResources } from '../idempotency/idempotent-resources.js';
import { REVIEW_RESOURCE, type ReviewOwner, ReviewsRepository } from './reviews.repository.js';

@Injectable()
export class ReviewsService {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly parties: OrderPartiesRepository,
    private readonly restaurants: RestaurantsService,
    private readonly events: DomainEventBus,
    resources: IdempotentResources,
  ) {
    // A review that committed under an Idempotency-Key without storing its answer: its retry gets the review.
    resources.register(REVIEW_RESOURCE, (id) => this.getReview(id));
  }

  /**
   * Adds the review and recomputes the restaurant's rating in one transaction (one round trip).
   * The unique index on reviews.order_id decides between concurrent reviews of one order.
   */
  async addReview(orderId: number, customerId: number, request: AddReviewDto): Promise<ReviewResponse> {
    const added = await this.reviews
      .add({ order_id: orderId, customer_id: customerId, rating: request.rating, comment: request.comment ?? null })
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'uq_reviews_order_id')) {
          throw new ConflictException(`Order ${orderId} has already been reviewed`);
        }
        throw error;
      });
    if (added.refused === 'missing') throw new ResourceNotFoundException('Order', orderId);
    if (added.refused === 'not_reviewable') {
      assertCanReview({ id: orderId, customer_id: added.customer_id, order_status: added.order_status }, customerId);
      throw new ConflictException(`Order ${orderId} cannot be reviewed`);
    }
    const { review, cuisine_type, rating_change, outbox_id: outboxId } = added;
    await this.events.publish({
      event: new ReviewAdded(review.id, review.order_id, review.customer_id, review.restaurant_id, cuisine_type, rating_change),
      outboxId,
    });
    return toReviewResponse(review);
  }

  private async getReview(id: number): Promise<ReviewResponse> {
    const review = await this.reviews.findById(id);
    if (!review) throw new ResourceNotFoundException('Review', id);
    return toReviewResponse(review);
  }

  /** Public: authors by display name only (see PublicReviewResponse). */
  async listRestaurantReviews(restaurantId: number, { skip, limit }: PaginationQuery): Promise<Page<PublicReviewResponse>> {
    await this.restaurants.requireExists(restaurantId);
    const [reviews, total] = await this.reviews.findRestaurantPage(restaurantId, skip, limit);
    return new Page(reviews.map(toPublicReviewResponse), total);
  }

  async listCustomerReviews(customerId: number, page: PaginationQuery): Promise<Page<ReviewResponse>> {
    if (!(await this.parties.customerExists(customerId))) throw new ResourceNotFoundException('Customer', customerId);
    return this.page({ customer_id: customerId }, page);
  }

  private async page(owner: ReviewOwner, { skip, limit }: PaginationQuery): Promise<Page<ReviewResponse>> {
    const [reviews, total] = await this.reviews.findPage(owner, skip, limit);
    return new Page(reviews.map(toReviewResponse), total);
  }
}

import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached, SessionCache } from '../cache/cache.decorators.js';
import { type Page, PaginationQuery } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { AddReviewDto, PublicReviewResponse, ReviewAuthorQuery, ReviewResponse } from './dto/review.dto.js';
import { ReviewsService } from './reviews.service.js';
import { Allow, Public } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { tag } from '../common/http/api-tags.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

const NEWEST_FIRST = 'Newest first (created_at, then id, descending)';

@ApiTags(tag('Reviews'))
@Controller('reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Post('orders/:id/review')
  @Allow(Grants.orderParty('id', { customer: true, owner: false }))
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Review a delivered order',
    description:
      'Only the order’s customer (customer_id) may review it, only once it is delivered, and only once. ' +
      'The restaurant’s rating becomes the average of its review ratings, rounded to 2 decimals.',
  })
  @ApiParam({ name: 'id', description: 'Order id', example: 1 })
  @ApiCreatedResponse({ type: ReviewResponse })
  @ApiErrors(400, 403, 404, 409)
  @Idempotent()
  addReview(
    @Param('id', ParseIdPipe) orderId: number,
    @Query() query: ReviewAuthorQuery,
    @Body() body: AddReviewDto,
  ): Promise<ReviewResponse> {
    return this.reviews.addReview(orderId, query.customer_id, body);
  }

  @Get('restaurants/:id/reviews')
  @Public()
  @Cached(CachePolicies.restaurantReviews)
  @ApiOperation({ summary: "A restaurant's reviews" })
  @ApiParam({ name: 'id', description: 'Restaurant id', example: 1 })
  @ApiPage(PublicReviewResponse, NEWEST_FIRST)
  @ApiErrors(400, 404)
  listRestaurantReviews(
    @Param('id', ParseIdPipe) restaurantId: number,
    @Query() query: PaginationQuery,
  ): Promise<Page<PublicReviewResponse>> {
    return this.reviews.listRestaurantReviews(restaurantId, query);
  }

  @Get('customers/:id/reviews')
  @Allow(Grants.customerSelf())
  @SessionCache(CachePolicies.customerReviews)
  @ApiOperation({ summary: "A customer's reviews" })
  @ApiParam({ name: 'id', description: 'Customer id', example: 1 })
  @ApiPage(ReviewResponse, NEWEST_FIRST)
  @ApiErrors(400, 404)
  listCustomerReviews(@Param('id', ParseIdPipe) customerId: number, @Query() query: PaginationQuery): Promise<Page<ReviewResponse>> {
    return this.reviews.listCustomerReviews(customerId, query);
  }
}

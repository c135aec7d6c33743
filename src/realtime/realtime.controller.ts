import { Body, Controller, Get, HttpCode, HttpStatus, type MessageEvent, Param, Post, Put, Query, Sse, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { Cached, ConditionalCache, SessionCache } from '../cache/cache.decorators.js';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { PaginationQuery } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { OrderResponse, UpdateOrderStatusDto } from '../orders/dto/order.dto.js';
import { MarkNotificationsReadDto, MarkReadResponse, NotificationListResponse } from './dto/notification.dto.js';
import {
  DeliverySlotsResponse,
  DynamicPricingResponse,
  isFinalTracking,
  LiveRestaurantOrdersResponse,
  OrderStatusEventData,
  OrderTrackingResponse,
  RestaurantAvailabilityResponse,
  RECONNECT_EVENT,
  StreamReconnectEventData,
} from './dto/realtime.dto.js';
import { OrderExistsGuard } from './order-exists.guard.js';
import { LimitedStream } from './stream-limits.js';
import { RealtimeCachePolicies as P } from './realtime.cache-policies.js';
import { HEARTBEAT_MS, RealtimeService, SHUTDOWN_RECONNECT_MS } from './realtime.service.js';
import { Allow, Public } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { STATUSES_SETTABLE_BY } from '../orders/order-status-machine.js';
import { tag } from '../common/http/api-tags.js';

const RESTAURANT_ID = { name: 'restaurant_id', description: 'Restaurant id', example: 1 };
const ORDER_ID = { name: 'order_id', description: 'Order id', example: 1 };
const CUSTOMER_ID = { name: 'customer_id', description: 'Customer id', example: 1 };

/** One event of an order's stream, as its fields arrive (`event:`, `data:` as JSON, `retry:`). */
const ORDER_EVENT: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      properties: { event: { type: 'string', enum: ['status', 'status-changed'] }, data: { $ref: getSchemaPath(OrderStatusEventData) } },
      required: ['event', 'data'],
    },
    RECONNECT_EVENT,
  ],
};

const CAPACITY_MODEL =
  'Capacity model: each order in progress (placed, confirmed, preparing, out_for_delivery) occupies one unit of the ' +
  "restaurant's capacity until it is delivered or cancelled, so every upcoming slot has capacity - orders in progress " +
  'left (never below 0). Times of day are UTC.';

@ApiTags(tag('Real-time'))
@Controller('realtime')
export class RealtimeController {
  constructor(private readonly realtime: RealtimeService) {}

  @Get('delivery-slots/:restaurant_id')
  @Public()
  @Cached(P.deliverySlots)
  @ApiOperation({
    summary: 'The next 30-minute delivery slots inside the opening hours, with the capacity left',
    description:
      'Up to 8 slots, starting at the first half-hour boundary after now and looking one day ahead; a slot is offered ' +
      'only when it lies wholly inside the opening hours (hours spanning midnight included; no hours set means open ' +
      `all day). An inactive restaurant has none. ${CAPACITY_MODEL}`,
  })
  @ApiParam(RESTAURANT_ID)
  @ApiOkResponse({ type: DeliverySlotsResponse })
  @ApiErrors(400, 404)
  deliverySlots(@Param('restaurant_id', ParseIdPipe) restaurantId: number): Promise<DeliverySlotsResponse> {
    return this.realtime.deliverySlots(restaurantId);
  }

  @Get('restaurant-availability/:restaurant_id')
  @Public()
  @Cached(P.availability)
  @ApiOperation({
    summary: 'Open now or not, orders in progress against capacity and the estimated wait',
    description: `Open now is judged on the server's clock in UTC. ${CAPACITY_MODEL}`,
  })
  @ApiParam(RESTAURANT_ID)
  @ApiOkResponse({ type: RestaurantAvailabilityResponse })
  @ApiErrors(400, 404)
  availability(@Param('restaurant_id', ParseIdPipe) restaurantId: number): Promise<RestaurantAvailabilityResponse> {
    return this.realtime.availability(restaurantId);
  }

  @Get('dynamic-pricing/:restaurant_id')
  @Public()
  @Cached(P.dynamicPricing)
  @ApiOperation({
    summary: 'The surge multiplier (1.0 to 2.0) from the load against capacity, with the reason and inputs',
  })
  @ApiParam(RESTAURANT_ID)
  @ApiOkResponse({ type: DynamicPricingResponse })
  @ApiErrors(400, 404)
  dynamicPricing(@Param('restaurant_id', ParseIdPipe) restaurantId: number): Promise<DynamicPricingResponse> {
    return this.realtime.dynamicPricing(restaurantId);
  }

  @Get('order-tracking/:order_id')
  @Allow(Grants.orderParty('order_id'))
  // Final orders (delivered, cancelled) keep the delivery-tracking TTL; in-progress ones the live-tracking TTL.
  @ConditionalCache(isFinalTracking, P.orderTracking, 'live_tracking')
  @ApiOperation({ summary: "An order's status, the timeline of its status changes and its estimated delivery" })
  @ApiParam(ORDER_ID)
  @ApiOkResponse({ type: OrderTrackingResponse })
  @ApiErrors(400, 404)
  orderTracking(@Param('order_id', ParseIdPipe) orderId: number): Promise<OrderTrackingResponse> {
    return this.realtime.orderTracking(orderId);
  }

  @Get('notifications/:customer_id')
  @Allow(Grants.customerSelf('customer_id'))
  @SessionCache(P.notifications)
  @ApiOperation({
    summary: "A customer's notifications, newest first, with read and unread counts",
    description: 'One notification is stored each time one of their orders is placed or changes status.',
  })
  @ApiParam(CUSTOMER_ID)
  @ApiOkResponse({ type: NotificationListResponse })
  @ApiErrors(400, 404)
  notifications(@Param('customer_id', ParseIdPipe) customerId: number, @Query() page: PaginationQuery): Promise<NotificationListResponse> {
    return this.realtime.notificationsOf(customerId, page);
  }

  @Put('notifications/:customer_id')
  @Allow(Grants.customerSelf('customer_id'))
  @ApiOperation({ summary: "Mark the customer's notifications read: the ones listed, or all of them" })
  @ApiParam(CUSTOMER_ID)
  @ApiBody({ type: MarkNotificationsReadDto, required: false })
  @ApiOkResponse({ type: MarkReadResponse })
  @ApiErrors(400, 404)
  markNotificationsRead(
    @Param('customer_id', ParseIdPipe) customerId: number,
    // Absent when the request has no body: the service then marks all read.
    @Body() body: MarkNotificationsReadDto,
  ): Promise<MarkReadResponse> {
    return this.realtime.markNotificationsRead(customerId, body);
  }

  @Get('live-orders')
  @Allow()
  @Cached(P.liveOrders)
  @ApiOperation({
    summary: 'Every order not yet delivered or cancelled, grouped by restaurant',
    description: 'Restaurants by id ascending; their orders newest first (order_date, then id, descending).',
  })
  @ApiOkResponse({ type: [LiveRestaurantOrdersResponse] })
  liveOrders(): Promise<LiveRestaurantOrdersResponse[]> {
    return this.realtime.liveOrders();
  }

  @Post('update-order-status/:order_id')
  @Allow(Grants.orderStatusChange('order_id', 'order_status', STATUSES_SETTABLE_BY))
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Move an order one step through its workflow (the same rules as PUT /orders/{id}/status)',
    description:
      'placed -> confirmed -> preparing -> out_for_delivery -> delivered; placed, confirmed and preparing may go to ' +
      'cancelled; delivered and cancelled are final. Any other change, or losing a race with a concurrent change, is ' +
      'a 409. delivery_time is only accepted with delivered (default: now).',
  })
  @ApiParam(ORDER_ID)
  @ApiOkResponse({ type: OrderResponse, description: 'The order after the change' })
  @ApiErrors(400, 404, 409)
  updateOrderStatus(@Param('order_id', ParseIdPipe) orderId: number, @Body() body: UpdateOrderStatusDto): Promise<OrderResponse> {
    return this.realtime.updateOrderStatus(orderId, body);
  }

  @Sse('orders/:order_id/events')
  @Allow(Grants.orderParty('order_id'))
  @LimitedStream()
  @UseGuards(OrderExistsGuard)
  @ApiOperation({
    summary: "Server-sent events: the order's status now, then each change as it happens on any instance",
    description:
      'Events: "status" (the status when the stream opens), then "status-changed" for each change, whichever ' +
      `instance made it; data is JSON {order_id, order_status, from_status, is_final}. A ": heartbeat" comment every ` +
      `${HEARTBEAT_MS / 1000} s keeps proxies from closing the connection. The stream ends after a final status ` +
      '(delivered or cancelled), or with a "reconnect" event (data {order_id, reason}, and a retry delay of ' +
      `${SHUTDOWN_RECONNECT_MS} ms) when the instance shuts down: reconnecting reaches another instance. It also ends ` +
      'with a "reconnect" event (data {reason}) when the access token that opened it expires: reconnect with a fresh ' +
      'token. One caller may hold SSE_MAX_STREAMS_PER_PRINCIPAL streams (default 5) on an instance, and an instance ' +
      'SSE_MAX_STREAMS_PER_INSTANCE (default 1,000); beyond either the answer is a 429 with Retry-After.',
  })
  @ApiParam(ORDER_ID)
  @ApiExtraModels(OrderStatusEventData, StreamReconnectEventData)
  @ApiOkResponse({
    description:
      'An event stream; the schema describes one event (its `data` line is the JSON shown). Errors are JSON, before the stream opens.',
    content: { 'text/event-stream': { schema: ORDER_EVENT } },
  })
  @ApiErrors(400, 404)
  orderEvents(@Param('order_id', ParseIdPipe) orderId: number): Observable<MessageEvent> {
    return this.realtime.orderEvents(orderId);
  }
}

import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached, ConditionalCache, SessionCache } from '../cache/cache.decorators.js';
import type { Page } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { OrderListQuery, OrderResponse, PlaceOrderDto, UpdateOrderStatusDto } from './dto/order.dto.js';
import { OrdersService } from './orders.service.js';
import { Allow } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { STATUSES_SETTABLE_BY } from './order-status-machine.js';
import { tag } from '../common/http/api-tags.js';
import { isFinalStatus } from '../domain/order-status.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';

const isFinalOrder = (order: OrderResponse) => isFinalStatus(order.order_status);

const NEWEST_FIRST = 'Newest first (order_date, then id, descending); each order with its lines, restaurant and customer';

@ApiTags(tag('Orders'))
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post('customers/:id/orders')
  @Allow(Grants.customerSelf())
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Place an order for a customer',
    description:
      'Prices every line at the current menu price (item_price is that snapshot) and computes total_amount; ' +
      'a total_amount in the body is refused. Customer and restaurant must exist and be active; every item must be ' +
      'on that restaurant’s menu and available.',
  })
  @ApiParam({ name: 'id', description: 'Customer id', example: 1 })
  @ApiCreatedResponse({ type: OrderResponse, description: 'The order, as GET /orders/{id} returns it' })
  @ApiErrors(400, 404, 409)
  @Idempotent()
  placeOrder(@Param('id', ParseIdPipe) customerId: number, @Body() body: PlaceOrderDto): Promise<OrderResponse> {
    return this.orders.placeOrder(customerId, body);
  }

  @Get('customers/:id/orders')
  @Allow(Grants.customerSelf())
  @SessionCache(CachePolicies.customerOrders)
  @ApiOperation({ summary: "A customer's orders, optionally in one status" })
  @ApiParam({ name: 'id', description: 'Customer id', example: 1 })
  @ApiPage(OrderResponse, NEWEST_FIRST)
  @ApiErrors(400, 404)
  listCustomerOrders(@Param('id', ParseIdPipe) customerId: number, @Query() query: OrderListQuery): Promise<Page<OrderResponse>> {
    return this.orders.listCustomerOrders(customerId, query);
  }

  @Get('restaurants/:id/orders')
  @Allow(Grants.restaurantOwner())
  @Cached(CachePolicies.restaurantOrders)
  @ApiOperation({ summary: "A restaurant's orders, optionally in one status" })
  @ApiParam({ name: 'id', description: 'Restaurant id', example: 1 })
  @ApiPage(OrderResponse, NEWEST_FIRST)
  @ApiErrors(400, 404)
  listRestaurantOrders(@Param('id', ParseIdPipe) restaurantId: number, @Query() query: OrderListQuery): Promise<Page<OrderResponse>> {
    return this.orders.listRestaurantOrders(restaurantId, query);
  }

  @Get(':id')
  @Allow(Grants.orderParty())
  // Final orders (delivered, cancelled) keep the orders TTL; in-progress ones the order-status TTL.
  @ConditionalCache(isFinalOrder, CachePolicies.order, 'order_status')
  @ApiOperation({ summary: 'An order with its lines, restaurant and customer' })
  @ApiParam({ name: 'id', description: 'Order id', example: 1 })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 404)
  getOrder(@Param('id', ParseIdPipe) id: number): Promise<OrderResponse> {
    return this.orders.getOrder(id);
  }

  @Put(':id/status')
  @Allow(Grants.orderStatusChange('id', 'order_status', STATUSES_SETTABLE_BY))
  @ApiOperation({
    summary: 'Move an order one step through its workflow',
    description:
      'placed -> confirmed -> preparing -> out_for_delivery -> delivered; placed, confirmed and preparing may go to ' +
      'cancelled; delivered and cancelled are final. Any other change is a 409, as is losing a race with a ' +
      'concurrent change. delivery_time is only accepted with delivered (default: now).',
  })
  @ApiParam({ name: 'id', description: 'Order id', example: 1 })
  @ApiOkResponse({ type: OrderResponse, description: 'The order after the change' })
  @ApiErrors(400, 404, 409)
  @Idempotent()
  updateStatus(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateOrderStatusDto): Promise<OrderResponse> {
    return this.orders.updateStatus(id, body);
  }
}

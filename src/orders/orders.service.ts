import { ConflictException, Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { Page } from '../common/pagination/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { OrderPlaced, OrderStatusChanged } from '../events/domain-events.js';
import {
  orderDateBound,
  type OrderListQuery,
  type OrderResponse,
  type PlaceOrderDto,
  toOrderResponse,
  type UpdateOrderStatusDto,
} from './dto/order.dto.js';
import { isFinalStatus, OrderStatus } from '../domain/order-status.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import { OrderPartiesRepository } from './order-parties.repository.js';
import { priceOrder } from './order-pricing.js';
import { DELIVERY_TIME_CLOCK_SKEW_MS, deliveryTimeProblem, ORDER_TRANSITIONS, statusesLeadingTo } from './order-status-machine.js';
import { IdempotentResources } from '../idempotency/idempotent-resources.js';
import { ORDER_RESOURCE, type OrderListFilter, OrdersRepository } from './orders.repository.js';

const DELIVERY_TIME_MESSAGES = {
  in_future: 'delivery_time must not be in the future',
  before_order_date: 'delivery_time must not be before the order date',
} as const;

@Injectable()
export class OrdersService {
  private readonly maxOpenOrders: number;

  constructor(
    private readonly orders: OrdersRepository,
    private readonly parties: OrderPartiesRepository,
    private readonly restaurants: RestaurantsService,
    private readonly events: DomainEventBus,
    config: AppConfig,
    resources: IdempotentResources,
  ) {
    this.maxOpenOrders = config.orders.maxOpenPerCustomer;
    // A placement or status change that committed under an Idempotency-Key without storing its
    // answer: its retry gets the order as it is now (both routes answer the order).
    resources.register(ORDER_RESOURCE, (id) => this.getOrder(id));
  }

  /**
   * A customer may have MAX_OPEN_ORDERS_PER_CUSTOMER orders open (not delivered or cancelled) at
   * once: one account cannot flood restaurants with orders. The customer's row is locked while
   * the open orders are counted, so concurrent placements cannot both take the last place. Every
   * rule is checked in the transaction that inserts the order (one round trip, see
   * OrdersRepository.place).
   */
  async placeOrder(customerId: number, request: PlaceOrderDto): Promise<OrderResponse> {
    const placed = await this.orders.place(
      {
        customer_id: customerId,
        restaurant_id: request.restaurant_id,
        delivery_address: request.delivery_address,
        special_instructions: request.special_instructions ?? null,
        lines: request.order_items,
      },
      this.maxOpenOrders,
    );
    if (placed.refused === undefined) {
      const { order, outbox_id: outboxId } = placed;
      await this.events.publish({ event: new OrderPlaced(order.id, order.customer_id, order.restaurant_id), outboxId });
      return toOrderResponse(order);
    }
    switch (placed.refused) {
      case 'customer_missing':
        throw new ResourceNotFoundException('Customer', customerId);
      case 'customer_inactive':
        throw new ConflictException(`Customer ${customerId} is inactive`);
      case 'open_orders':
        throw new ConflictException(
          `Customer ${customerId} has ${placed.open} open orders, the most allowed at once (${this.maxOpenOrders}): ` +
            'place more when one is delivered or cancelled',
        );
      case 'restaurant_missing':
        throw new ResourceNotFoundException('Restaurant', request.restaurant_id);
      case 'restaurant_inactive':
        throw new ConflictException(`Restaurant ${request.restaurant_id} is inactive`);
      case 'menu':
        // The same rules on the items the transaction saw, for the error naming each failing line.
        priceOrder(request.restaurant_id, request.order_items, placed.menu_items);
        throw new ConflictException(`The order's items changed while it was placed; place it again`);
    }
  }

  async getOrder(id: number): Promise<OrderResponse> {
    const order = await this.orders.findDetails(id);
    if (!order) throw new ResourceNotFoundException('Order', id);
    return toOrderResponse(order);
  }

  /**
   * Applies one step of the workflow in one round trip. The update is conditional on the status
   * the transaction read, so of concurrent requests from one state exactly one wins; the others
   * get a 409.
   */
  async updateStatus(id: number, request: UpdateOrderStatusDto): Promise<OrderResponse> {
    const to = request.order_status;
    if (request.delivery_time !== undefined && to !== OrderStatus.Delivered) {
      throw ValidationFailedException.single(
        'delivery_time',
        'only_when_delivered',
        'delivery_time may only be given when order_status is delivered',
      );
    }
    const requestedDeliveryTime = request.delivery_time === undefined ? null : new Date(request.delivery_time);
    const changed = await this.orders.changeStatus(id, to, statusesLeadingTo(to), requestedDeliveryTime, DELIVERY_TIME_CLOCK_SKEW_MS);
    switch (changed.refused) {
      case undefined:
        break;
      case 'missing':
        throw new ResourceNotFoundException('Order', id);
      case 'transition':
        throw new ConflictException(invalidTransitionMessage(id, changed.from, to));
      case 'delivery_time': {
        const now = new Date();
        const problem = deliveryTimeProblem(requestedDeliveryTime ?? now, changed.order_date, now) ?? 'in_future';
        throw ValidationFailedException.single('delivery_time', problem, DELIVERY_TIME_MESSAGES[problem]);
      }
      case 'race':
        throw new ConflictException(
          `Order ${id} changed from ${changed.from} to ${changed.now ?? 'deleted'} while this request ran; ${to} was not applied`,
        );
    }
    const { order, from, outbox_id: outboxId } = changed;
    const response = toOrderResponse(order);
    await this.events.publish({
      event: new OrderStatusChanged(order.id, order.customer_id, order.restaurant_id, from, to, response, order.delivery_time),
      outboxId,
    });
    return response;
  }

  async listCustomerOrders(customerId: number, query: OrderListQuery): Promise<Page<OrderResponse>> {
    if (!(await this.parties.customerExists(customerId))) throw new ResourceNotFoundException('Customer', customerId);
    return this.page({ customer_id: customerId, ...historyFilter(query) });
  }

  async listRestaurantOrders(restaurantId: number, query: OrderListQuery): Promise<Page<OrderResponse>> {
    await this.restaurants.requireExists(restaurantId);
    return this.page({ restaurant_id: restaurantId, ...historyFilter(query) });
  }

  private async page(filter: OrderListFilter): Promise<Page<OrderResponse>> {
    const [orders, total] = await this.orders.findPage(filter);
    return new Page(orders.map(toOrderResponse), total);
  }
}

function invalidTransitionMessage(id: number, from: OrderStatus, to: OrderStatus): string {
  const next = isFinalStatus(from) ? `${from} is final` : `it can only go to ${ORDER_TRANSITIONS[from].join(' or ')}`;
  return `Order ${id} is ${from} and cannot change to ${to}: ${next}`;
}

/** The list filter of an order-history query: status, date range (as instants) and page. */
function historyFilter(query: OrderListQuery): Omit<OrderListFilter, 'customer_id' | 'restaurant_id'> {
  return {
    status: query.status,
    from: orderDateBound(query.from, 'from'),
    to: orderDateBound(query.to, 'to'),
    skip: query.skip,
    limit: query.limit,
  };
}

import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
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
import { isFinalStatus, OPEN_ORDER_STATUSES, OrderStatus } from '../domain/order-status.js';
import type { Order } from './entities/order.entity.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import { OrderPartiesRepository } from './order-parties.repository.js';
import { priceOrder } from './order-pricing.js';
import { canTransition, deliveryTimeProblem, ORDER_TRANSITIONS } from './order-status-machine.js';
import { type OrderListFilter, OrdersRepository } from './orders.repository.js';

const DELIVERY_TIME_MESSAGES = {
  in_future: 'delivery_time must not be in the future',
  before_order_date: 'delivery_time must not be before the order date',
} as const;

@Injectable()
export class OrdersService {
  private readonly maxOpenOrders: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrdersRepository,
    private readonly parties: OrderPartiesRepository,
    private readonly restaurants: RestaurantsService,
    private readonly events: DomainEventBus,
    config: AppConfig,
  ) {
    this.maxOpenOrders = config.orders.maxOpenPerCustomer;
  }

  /**
   * A customer may have MAX_OPEN_ORDERS_PER_CUSTOMER orders open (not delivered or cancelled) at
   * once: one account cannot flood restaurants with orders. The customer's row is locked while
   * the open orders are counted, so concurrent placements cannot both take the last place.
   */
  async placeOrder(customerId: number, request: PlaceOrderDto): Promise<OrderResponse> {
    const { order, placed } = await this.dataSource.transaction(async (manager) => {
      const customer = await this.parties.lockCustomer(customerId, manager);
      if (!customer) throw new ResourceNotFoundException('Customer', customerId);
      if (!customer.is_active) throw new ConflictException(`Customer ${customerId} is inactive`);
      const open = await this.orders.countByStatus(customer.id, OPEN_ORDER_STATUSES, manager);
      if (open >= this.maxOpenOrders) {
        throw new ConflictException(
          `Customer ${customerId} has ${open} open orders, the most allowed at once (${this.maxOpenOrders}): ` +
            'place more when one is delivered or cancelled',
        );
      }
      const restaurant = await this.parties.findRestaurant(request.restaurant_id, manager);
      if (!restaurant) throw new ResourceNotFoundException('Restaurant', request.restaurant_id);
      if (!restaurant.is_active) throw new ConflictException(`Restaurant ${restaurant.id} is inactive`);
      const menuItems = await this.parties.findMenuItems(
        request.order_items.map((line) => line.menu_item_id),
        manager,
      );
      const priced = priceOrder(restaurant.id, request.order_items, menuItems);
      const orderId = await this.orders.insert(
        {
          customer_id: customer.id,
          restaurant_id: restaurant.id,
          delivery_address: request.delivery_address,
          special_instructions: request.special_instructions ?? null,
          total_cents: priced.total_cents,
          lines: priced.lines,
        },
        manager,
      );
      const details = (await this.orders.findDetails(orderId, manager))!;
      const event = new OrderPlaced(details.id, details.customer_id, details.restaurant_id);
      await this.events.recordInTransaction(manager, event);
      return { order: details, placed: event };
    });
    await this.events.publish(placed);
    return toOrderResponse(order);
  }

  async getOrder(id: number): Promise<OrderResponse> {
    const order = await this.orders.findDetails(id);
    if (!order) throw new ResourceNotFoundException('Order', id);
    return toOrderResponse(order);
  }

  /**
   * Applies one step of the workflow. The update is conditional on the status read here, so of
   * concurrent requests from one state exactly one wins; the others get a 409.
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
    const current = await this.orders.findById(id);
    if (!current) throw new ResourceNotFoundException('Order', id);
    const from = current.order_status;
    if (!canTransition(from, to)) throw new ConflictException(invalidTransitionMessage(current, to));
    const deliveryTime = to === OrderStatus.Delivered ? this.resolveDeliveryTime(current, request.delivery_time) : null;

    const changed = await this.dataSource.transaction(async (manager) => {
      if (!(await this.orders.updateStatusIfCurrent(id, from, to, deliveryTime, manager))) return null;
      const updated = (await this.orders.findDetails(id, manager))!;
      const response = toOrderResponse(updated);
      const event = new OrderStatusChanged(
        updated.id,
        updated.customer_id,
        updated.restaurant_id,
        from,
        to,
        response,
        updated.delivery_time,
      );
      await this.events.recordInTransaction(manager, event);
      return { response, event };
    });
    if (!changed) throw new ConflictException(await this.lostRaceMessage(id, from, to));

    await this.events.publish(changed.event);
    return changed.response;
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

  private resolveDeliveryTime(order: Order, requested: string | undefined): Date {
    const now = new Date();
    if (requested === undefined) return now;
    const deliveryTime = new Date(requested);
    const problem = deliveryTimeProblem(deliveryTime, order.order_date, now);
    if (problem) throw ValidationFailedException.single('delivery_time', problem, DELIVERY_TIME_MESSAGES[problem]);
    return deliveryTime;
  }

  private async lostRaceMessage(id: number, from: OrderStatus, to: OrderStatus): Promise<string> {
    const now = await this.orders.findById(id);
    return `Order ${id} changed from ${from} to ${now?.order_status ?? 'deleted'} while this request ran; ${to} was not applied`;
  }
}

function invalidTransitionMessage(order: Order, to: OrderStatus): string {
  const from = order.order_status;
  const next = isFinalStatus(from) ? `${from} is final` : `it can only go to ${ORDER_TRANSITIONS[from].join(' or ')}`;
  return `Order ${order.id} is ${from} and cannot change to ${to}: ${next}`;
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

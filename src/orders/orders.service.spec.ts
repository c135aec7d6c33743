import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { recordingDataSource } from '../common/testing/recording-data-source.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { loadConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { OrderDetails } from './dto/order.dto.js';
import { OrderStatus } from '../domain/order-status.js';
import type { Order } from './entities/order.entity.js';
import type { RestaurantsService } from '../restaurants/restaurants.service.js';
import type { OrderPartiesRepository } from './order-parties.repository.js';
import type { NewOrder, OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';

const ORDER_DATE = new Date('2025-01-15T18:00:00.000Z');
const MANAGER = { transactional: true } as unknown as EntityManager;

/** Everything that happened, in order: transaction boundaries, writes and published events. */
const log: string[] = [];

const fakeDataSource = recordingDataSource(log, MANAGER);

class FakeOrders {
  order: Order = {
    id: 7,
    customer_id: 1,
    restaurant_id: 2,
    order_status: OrderStatus.Placed,
    order_date: ORDER_DATE,
    delivery_time: null,
  } as Order;
  /** What a concurrent request changes the status to just before our conditional update. */
  concurrentStatus: OrderStatus | undefined;
  inserted: NewOrder[] = [];
  /** Orders of the customer that are not final. */
  openCount = 0;
  countedStatuses: OrderStatus[] = [];

  async countByStatus(_customerId: number, statuses: OrderStatus[], manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    this.countedStatuses = statuses;
    return this.openCount;
  }

  async findById(id: number) {
    return id === this.order.id ? { ...this.order } : null;
  }

  async insert(order: NewOrder, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    log.push('insert');
    this.inserted.push(order);
    return this.order.id;
  }

  async updateStatusIfCurrent(id: number, from: OrderStatus, to: OrderStatus, deliveryTime: Date | null, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    if (this.concurrentStatus) this.order.order_status = this.concurrentStatus;
    if (this.order.order_status !== from) return false;
    log.push(`update ${from}->${to}`);
    Object.assign(this.order, { order_status: to, delivery_time: deliveryTime });
    return true;
  }

  async findDetails(_id: number) {
    return {
      ...this.order,
      total_amount: 25.98,
      delivery_address: '1 Road',
      special_instructions: null,
      order_items: [],
      restaurant: { id: 2, name: 'Pizza Palace' },
      customer: { id: 1, name: 'John Doe' },
    } as OrderDetails;
  }
}

class FakeParties {
  customer = { id: 1, name: 'John Doe', is_active: true };
  restaurant = { id: 2, name: 'Pizza Palace', is_active: true };
  menuItems = [{ id: 3, name: 'Pizza', price: 12.99, is_available: true, restaurant_id: 2 }];

  async lockCustomer(id: number) {
    return id === this.customer.id ? this.customer : null;
  }
  async findRestaurant(id: number) {
    return id === this.restaurant.id ? this.restaurant : null;
  }
  async findMenuItems() {
    return this.menuItems;
  }
}

describe('OrdersService', () => {
  let orders: FakeOrders;
  let parties: FakeParties;
  let service: OrdersService;
  let events: unknown[];

  beforeEach(() => {
    log.length = 0;
    events = [];
    orders = new FakeOrders();
    parties = new FakeParties();
    const bus = new DomainEventBus();
    for (const type of ['order.placed', 'order.status-changed'] as const) {
      bus.subscribe(type, (event) => {
        log.push(`publish ${event.type}`);
        events.push(event);
      });
      bus.subscribeInTransaction(type, async (event, manager) => {
        expect(manager).toBe(MANAGER);
        log.push(`record ${event.type}`);
      });
    }
    service = new OrdersService(
      fakeDataSource,
      orders as unknown as OrdersRepository,
      parties as unknown as OrderPartiesRepository,
      {} as RestaurantsService,
      bus,
      loadConfig({ MAX_OPEN_ORDERS_PER_CUSTOMER: '3' }),
    );
  });

  const request = { restaurant_id: 2, delivery_address: '1 Road', order_items: [{ menu_item_id: 3, quantity: 2 }] };

  describe('placeOrder', () => {
    it('writes the priced order and its in-transaction records in a transaction and publishes OrderPlaced only after the commit', async () => {
      const placed = await service.placeOrder(1, request);
      expect(log).toEqual(['begin', 'insert', 'record order.placed', 'commit', 'publish order.placed']);
      expect(orders.inserted).toEqual([
        {
          customer_id: 1,
          restaurant_id: 2,
          delivery_address: '1 Road',
          special_instructions: null,
          total_cents: 2598,
          lines: [{ menu_item_id: 3, unit_price: 12.99, quantity: 2, special_requests: null }],
        },
      ]);
      expect(events).toEqual([expect.objectContaining({ order_id: 7, customer_id: 1, restaurant_id: 2 })]);
      expect(placed.id).toBe(7);
    });

    it('refuses a customer with MAX_OPEN_ORDERS_PER_CUSTOMER open orders with a 409, counting only statuses that are not final', async () => {
      orders.openCount = 2;
      await service.placeOrder(1, request);
      expect(orders.countedStatuses.sort()).toEqual(['confirmed', 'out_for_delivery', 'placed', 'preparing']);
      orders.openCount = 3;
      log.length = 0;
      events.length = 0;
      await expect(service.placeOrder(1, request)).rejects.toThrow(
        new ConflictException('Customer 1 has 3 open orders, the most allowed at once (3): place more when one is delivered or cancelled'),
      );
      expect(log).toEqual(['begin', 'rollback']);
      expect(events).toEqual([]);
    });

    it('checks the customer before the restaurant, and publishes nothing when refused', async () => {
      parties.customer.is_active = false;
      parties.restaurant.is_active = false;
      await expect(service.placeOrder(1, request)).rejects.toThrow(new ConflictException('Customer 1 is inactive'));
      await expect(service.placeOrder(5, request)).rejects.toThrow(NotFoundException);
      parties.customer.is_active = true;
      await expect(service.placeOrder(1, request)).rejects.toThrow(new ConflictException('Restaurant 2 is inactive'));
      await expect(service.placeOrder(1, { ...request, restaurant_id: 9 })).rejects.toThrow('Restaurant 9 not found');
      expect(log.filter((entry) => entry !== 'begin' && entry !== 'rollback')).toEqual([]);
    });
  });

  describe('updateStatus', () => {
    it('applies an allowed step with its in-transaction records and publishes the change with the new representation after the commit', async () => {
      const updated = await service.updateStatus(7, { order_status: OrderStatus.Confirmed });
      expect(log).toEqual(['begin', 'update placed->confirmed', 'record order.status-changed', 'commit', 'publish order.status-changed']);
      expect(events).toEqual([expect.objectContaining({ order_id: 7, from: 'placed', to: 'confirmed', order: updated })]);
      expect(updated.order_status).toBe('confirmed');
    });

    it('refuses delivery_time with another status before reading the order', async () => {
      await expect(
        service.updateStatus(404, { order_status: OrderStatus.Confirmed, delivery_time: '2025-01-15T19:00:00Z' }),
      ).rejects.toThrow(ValidationFailedException);
    });

    it('answers 409 naming both statuses when the step is not allowed, writing nothing', async () => {
      await expect(service.updateStatus(7, { order_status: OrderStatus.Delivered })).rejects.toThrow(
        new ConflictException('Order 7 is placed and cannot change to delivered: it can only go to confirmed or cancelled'),
      );
      expect(log).toEqual([]);
    });

    it('answers 409 when a concurrent request changed the order first, and publishes nothing', async () => {
      orders.concurrentStatus = OrderStatus.Confirmed;
      await expect(service.updateStatus(7, { order_status: OrderStatus.Cancelled })).rejects.toThrow(
        new ConflictException('Order 7 changed from placed to confirmed while this request ran; cancelled was not applied'),
      );
      expect(log).toEqual(['begin', 'commit']);
      expect(events).toEqual([]);
    });

    it('stores the given delivery time, or now when none is given', async () => {
      orders.order.order_status = OrderStatus.OutForDelivery;
      await service.updateStatus(7, { order_status: OrderStatus.Delivered, delivery_time: '2025-01-15T20:30:00+01:00' });
      expect(orders.order.delivery_time).toEqual(new Date('2025-01-15T19:30:00.000Z'));

      orders.order.order_status = OrderStatus.OutForDelivery;
      const before = Date.now();
      await service.updateStatus(7, { order_status: OrderStatus.Delivered });
      expect(orders.order.delivery_time!.getTime()).toBeGreaterThanOrEqual(before);
      expect(orders.order.delivery_time!.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('refuses a delivery time before the order date', async () => {
      orders.order.order_status = OrderStatus.OutForDelivery;
      await expect(service.updateStatus(7, { order_status: OrderStatus.Delivered, delivery_time: '2025-01-15T17:59:59Z' })).rejects.toThrow(
        ValidationFailedException,
      );
      expect(orders.order.order_status).toBe(OrderStatus.OutForDelivery);
    });

    it('answers 404 naming a missing order', async () => {
      await expect(service.updateStatus(8, { order_status: OrderStatus.Confirmed })).rejects.toThrow('Order 8 not found');
    });
  });
});

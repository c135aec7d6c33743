import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { loadConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { OrderDetails } from './dto/order.dto.js';
import { OrderStatus } from '../domain/order-status.js';
import type { RestaurantsService } from '../restaurants/restaurants.service.js';
import type { OrderPartiesRepository } from './order-parties.repository.js';
import { DELIVERY_TIME_CLOCK_SKEW_MS } from './order-status-machine.js';
import type { NewOrder, OrdersRepository, PlacementOutcome, StatusChangeOutcome } from './orders.repository.js';
import { IdempotentResources } from '../idempotency/idempotent-resources.js';
import { OrdersService } from './orders.service.js';

const ORDER_DATE = new Date('2025-01-15T18:00:00.000Z');

const details = (order_status: OrderStatus, delivery_time: Date | null = null): OrderDetails => ({
  id: 7,
  customer_id: 1,
  restaurant_id: 2,
  order_status,
  total_amount: 25.98,
  delivery_address: '1 Road',
  special_instructions: null,
  order_date: ORDER_DATE,
  delivery_time,
  order_items: [],
  restaurant: { id: 2, name: 'Pizza Palace' },
  customer: { id: 1, name: 'John Doe' },
});

/** The place_order and change_order_status functions' answers, as the repository returns them. */
class FakeOrders {
  placement: PlacementOutcome = { order: details(OrderStatus.Placed), outbox_id: '1' };
  change: StatusChangeOutcome = { from: OrderStatus.Placed, order: details(OrderStatus.Confirmed), outbox_id: '2' };
  placed: [NewOrder, number][] = [];
  changes: unknown[][] = [];

  async place(order: NewOrder, maxOpen: number) {
    this.placed.push([order, maxOpen]);
    return this.placement;
  }

  async changeStatus(...args: unknown[]) {
    this.changes.push(args);
    return this.change;
  }
}

describe('OrdersService', () => {
  let orders: FakeOrders;
  let service: OrdersService;
  let events: unknown[];

  beforeEach(() => {
    events = [];
    orders = new FakeOrders();
    const bus = new DomainEventBus();
    for (const type of ['order.placed', 'order.status-changed'] as const) bus.subscribe(type, (event) => void events.push(event));
    service = new OrdersService(
      orders as unknown as OrdersRepository,
      {} as OrderPartiesRepository,
      {} as RestaurantsService,
      bus,
      loadConfig({ MAX_OPEN_ORDERS_PER_CUSTOMER: '3' }),
      new IdempotentResources(),
    );
  });

  const request = { restaurant_id: 2, delivery_address: '1 Road', order_items: [{ menu_item_id: 3, quantity: 2 }] };

  describe('placeOrder', () => {
    it('places the order in one call with the open-order limit and publishes OrderPlaced', async () => {
      const placed = await service.placeOrder(1, request);
      expect(orders.placed).toEqual([
        [{ customer_id: 1, restaurant_id: 2, delivery_address: '1 Road', special_instructions: null, lines: request.order_items }, 3],
      ]);
      expect(events).toEqual([expect.objectContaining({ order_id: 7, customer_id: 1, restaurant_id: 2 })]);
      expect(placed.id).toBe(7);
    });

    it('answers each refusal with the error naming its rule, and publishes nothing', async () => {
      const refusals: [PlacementOutcome, Error][] = [
        [{ refused: 'customer_missing' }, new NotFoundException('Customer 1 not found')],
        [{ refused: 'customer_inactive' }, new ConflictException('Customer 1 is inactive')],
        [
          { refused: 'open_orders', open: 3 },
          new ConflictException(
            'Customer 1 has 3 open orders, the most allowed at once (3): place more when one is delivered or cancelled',
          ),
        ],
        [{ refused: 'restaurant_missing' }, new NotFoundException('Restaurant 2 not found')],
        [{ refused: 'restaurant_inactive' }, new ConflictException('Restaurant 2 is inactive')],
        [
          { refused: 'menu', menu_items: [{ id: 3, name: 'Pizza', price: 12.99, is_available: false, restaurant_id: 2 }] },
          new ConflictException('Menu item 3 (Pizza) is not available'),
        ],
      ];
      for (const [refusal, error] of refusals) {
        orders.placement = refusal;
        await expect(service.placeOrder(1, request)).rejects.toThrow(error.message);
      }
      expect(events).toEqual([]);
    });

    it('names each line whose item is not on the restaurant’s menu', async () => {
      orders.placement = { refused: 'menu', menu_items: [{ id: 3, name: 'Pizza', price: 12.99, is_available: true, restaurant_id: 5 }] };
      const refused = await service.placeOrder(1, request).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationFailedException);
      expect((refused as ValidationFailedException).fieldErrors).toEqual([
        { field: 'order_items.0.menu_item_id', rule: 'on_menu', message: 'menu item 3 is not on the menu of restaurant 2' },
      ]);
    });
  });

  describe('updateStatus', () => {
    it('changes the status in one call from the statuses that lead to it, and publishes the new representation', async () => {
      const updated = await service.updateStatus(7, { order_status: OrderStatus.Cancelled });
      expect(orders.changes).toEqual([
        [7, OrderStatus.Cancelled, [OrderStatus.Placed, OrderStatus.Confirmed, OrderStatus.Preparing], null, DELIVERY_TIME_CLOCK_SKEW_MS],
      ]);
      expect(events).toEqual([expect.objectContaining({ order_id: 7, from: 'placed', to: 'cancelled', order: updated })]);
    });

    it('passes the reported delivery time, and publishes it for the revenue of its day', async () => {
      const deliveredAt = new Date('2025-01-15T19:30:00.000Z');
      orders.change = { from: OrderStatus.OutForDelivery, order: details(OrderStatus.Delivered, deliveredAt), outbox_id: '3' };
      await service.updateStatus(7, { order_status: OrderStatus.Delivered, delivery_time: '2025-01-15T20:30:00+01:00' });
      expect(orders.changes[0][3]).toEqual(deliveredAt);
      expect(events).toEqual([expect.objectContaining({ delivery_time: deliveredAt })]);
    });

    it('refuses delivery_time with another status before calling the database', async () => {
      await expect(
        service.updateStatus(404, { order_status: OrderStatus.Confirmed, delivery_time: '2025-01-15T19:00:00Z' }),
      ).rejects.toThrow(ValidationFailedException);
      expect(orders.changes).toEqual([]);
    });

    it('answers each refusal with the error naming its rule, and publishes nothing', async () => {
      orders.change = { refused: 'missing' };
      await expect(service.updateStatus(8, { order_status: OrderStatus.Confirmed })).rejects.toThrow('Order 8 not found');
      orders.change = { refused: 'transition', from: OrderStatus.Placed };
      await expect(service.updateStatus(7, { order_status: OrderStatus.Delivered })).rejects.toThrow(
        new ConflictException('Order 7 is placed and cannot change to delivered: it can only go to confirmed or cancelled'),
      );
      orders.change = { refused: 'race', from: OrderStatus.Placed, now: OrderStatus.Confirmed };
      await expect(service.updateStatus(7, { order_status: OrderStatus.Cancelled })).rejects.toThrow(
        new ConflictException('Order 7 changed from placed to confirmed while this request ran; cancelled was not applied'),
      );
      orders.change = { refused: 'delivery_time', order_date: ORDER_DATE };
      const early = await service
        .updateStatus(7, { order_status: OrderStatus.Delivered, delivery_time: '2025-01-15T17:59:59Z' })
        .catch((error: unknown) => error);
      expect((early as ValidationFailedException).fieldErrors).toEqual([
        { field: 'delivery_time', rule: 'before_order_date', message: 'delivery_time must not be before the order date' },
      ]);
      expect(events).toEqual([]);
    });
  });
});

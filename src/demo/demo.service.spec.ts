import type { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { recordingDataSource, recordingOutbox } from '../common/testing/recording-data-source.js';
import type { CustomersService } from '../customers/customers.service.js';
import type { CreateCustomerDto } from '../customers/dto/customer.dto.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { CreateMenuItemDto } from '../menu-items/dto/menu-item.dto.js';
import type { MenuItemsService } from '../menu-items/menu-items.service.js';
import type { PlaceOrderDto, UpdateOrderStatusDto } from '../orders/dto/order.dto.js';
import { ORDER_STATUSES, OrderStatus } from '../domain/order-status.js';
import type { OrdersService } from '../orders/orders.service.js';
import type { CreateRestaurantDto } from '../restaurants/dto/restaurant.dto.js';
import type { RestaurantsService } from '../restaurants/restaurants.service.js';
import type { AddReviewDto } from '../reviews/dto/review.dto.js';
import type { ReviewsService } from '../reviews/reviews.service.js';
import { DemoService, mixedOrdersMessage } from './demo.service.js';
import type { SampleDataCounts } from './dto/sample-data.dto.js';
import type { MixedOrder, RemovedSampleData, SampleParties } from './sample-data.repository.js';
import { buildSamplePlan, lastStatus } from './sample-plan.js';

const plan = buildSamplePlan();
const NO_SAMPLE_DATA: SampleDataCounts = { restaurants: 0, menu_items: 0, customers: 0, orders_by_status: {}, reviews: 0 };

/** Every call the fakes receive, in order, as short strings (with the transaction's begin/commit/rollback). */
let log: string[];

class FakeServices {
  private nextId = 1;
  failOnStatusCall: number | undefined;
  refuseRestaurants = false;
  statusCalls = 0;
  readonly placedBy = new Map<number, number>();
  readonly statusChanges: { orderId: number; dto: UpdateOrderStatusDto }[] = [];

  readonly restaurants = {
    create: async (dto: CreateRestaurantDto) => {
      log.push(`restaurant ${dto.name}`);
      if (this.refuseRestaurants) throw new ConflictException(`A restaurant named "${dto.name}" already exists`);
      return { id: this.nextId++ };
    },
  };
  readonly menuItems = {
    create: async (restaurantId: number, dto: CreateMenuItemDto) => {
      log.push(`menu item ${restaurantId} ${dto.name}`);
      return { id: this.nextId++ };
    },
  };
  readonly customers = {
    create: async (dto: CreateCustomerDto) => {
      log.push(`customer ${dto.email}`);
      return { id: this.nextId++ };
    },
  };
  readonly orders = {
    placeOrder: async (customerId: number, dto: PlaceOrderDto) => {
      const id = this.nextId++;
      log.push(`place ${id}`);
      this.placedBy.set(id, customerId);
      expect(dto.order_items.length).toBeGreaterThan(0);
      return { id };
    },
    updateStatus: async (orderId: number, dto: UpdateOrderStatusDto) => {
      if (++this.statusCalls === this.failOnStatusCall) throw new Error('database went away');
      log.push(`status ${orderId} ${dto.order_status}`);
      this.statusChanges.push({ orderId, dto });
      return { id: orderId };
    },
  };
  readonly reviews = {
    addReview: async (orderId: number, customerId: number, dto: AddReviewDto) => {
      log.push(`review ${orderId} by ${customerId} ${dto.rating}`);
      return { id: this.nextId++ };
    },
  };
}

class FakeSampleData {
  existing = NO_SAMPLE_DATA;
  historyDated = false;

  async dateSampleHistory(_manager: EntityManager): Promise<number[]> {
    log.push('date history');
    this.historyDated = true;
    return [...this.orderDates.keys()];
  }

  readonly orderDates = new Map<number, Date>();
  parties: SampleParties = { restaurantIds: [1, 2], customerIds: [7] };
  mixed: { total: number; orders: MixedOrder[] } = { total: 0, orders: [] };
  removed: RemovedSampleData = {
    menuItems: [
      { id: 3, restaurant_id: 1 },
      { id: 4, restaurant_id: 2 },
    ],
    restaurantIds: [1, 2],
    customerIds: [7],
  };
  deleteError: Error | undefined;

  async counts() {
    return this.existing;
  }
  async backDateOrder(orderId: number, orderDate: Date) {
    log.push(`back-date ${orderId}`);
    this.orderDates.set(orderId, orderDate);
    return true;
  }
  async findSampleParties(_manager: EntityManager) {
    return this.parties;
  }
  async findMixedOrders(parties: SampleParties, limit: number, _manager: EntityManager) {
    expect(parties).toBe(this.parties);
    return { total: this.mixed.total, orders: this.mixed.orders.slice(0, limit) };
  }
  async deleteSampleData(parties: SampleParties, _manager: EntityManager) {
    expect(parties).toBe(this.parties);
    log.push('delete');
    if (this.deleteError) throw this.deleteError;
    return this.removed;
  }
}

const mixedOrder = (order_id: number): MixedOrder => ({
  order_id,
  customer_id: 99,
  customer_email: 'jane@example.com',
  customer_is_sample: false,
  restaurant_id: 1,
  restaurant_name: 'Cedar & Olive [Tiffin sample]',
  restaurant_is_sample: true,
});

describe('DemoService', () => {
  let services: FakeServices;
  let sampleData: FakeSampleData;
  let demo: DemoService;

  beforeEach(() => {
    log = [];
    services = new FakeServices();
    sampleData = new FakeSampleData();
    const events = new DomainEventBus();
    events.subscribe('menu-item.changed', (event) => void log.push(`event menu-item ${event.kind} ${event.menu_item_id}`));
    events.subscribe('restaurant.changed', (event) => void log.push(`event restaurant ${event.kind} ${event.restaurant_id}`));
    events.subscribe('customer.changed', (event) => void log.push(`event customer ${event.kind} ${event.customer_id}`));
    events.subscribe('order.history-dated', (event) => void log.push(`event history dated ${event.order_ids.join(' ')}`));
    demo = new DemoService(
      recordingDataSource(log, {} as EntityManager),
      sampleData as never,
      services.restaurants as unknown as RestaurantsService,
      services.menuItems as unknown as MenuItemsService,
      services.customers as unknown as CustomersService,
      services.orders as unknown as OrdersService,
      services.reviews as unknown as ReviewsService,
      events,
      recordingOutbox(log, {} as EntityManager) as unknown as InvalidationOutboxRepository,
    );
  });

  describe('createSampleData', () => {
    it('creates nothing when sample rows exist, and answers with their counts as already present', async () => {
      sampleData.existing = { restaurants: 7, menu_items: 79, customers: 14, orders_by_status: { delivered: 2 }, reviews: 1 };
      expect(await demo.createSampleData()).toEqual({
        restaurants: 7,
        menu_items: 79,
        customers: 14,
        orders: 2,
        orders_by_status: { placed: 0, confirmed: 0, preparing: 0, out_for_delivery: 0, delivered: 2, cancelled: 0 },
        reviews: 1,
        already_present: true,
      });
      expect(log).toEqual([]);
    });

    it('creates the whole plan through the services, outside any transaction, and counts what it created', async () => {
      const response = await demo.createSampleData();

      const byStatus = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0]));
      for (const order of plan.orders) byStatus[lastStatus(order)]++;
      const menuItems = plan.restaurants.reduce((sum, restaurant) => sum + restaurant.menu.length, 0);
      const reviews = plan.orders.filter((order) => order.review).length;
      expect(response).toEqual({
        restaurants: plan.restaurants.length,
        menu_items: menuItems,
        customers: plan.customers.length,
        orders: plan.orders.length,
        orders_by_status: byStatus,
        reviews,
        already_present: false,
      });
      const calls = (prefix: string) => log.filter((entry) => entry.startsWith(prefix)).length;
      expect(calls('restaurant ')).toBe(plan.restaurants.length);
      expect(calls('menu item ')).toBe(menuItems);
      expect(calls('customer ')).toBe(plan.customers.length);
      expect(calls('place ')).toBe(plan.orders.length);
      expect(calls('review ')).toBe(reviews);
      // The one transaction is the history's dating, after everything was created.
      expect(log.filter((entry) => entry === 'begin')).toHaveLength(1);
      // The history written while the workflow ran is re-dated with its outbox row, and the event
      // (which drops what was cached from the history) published after the commit.
      expect(sampleData.historyDated).toBe(true);
      const dated = [...sampleData.orderDates.keys()];
      expect(dated).toHaveLength(plan.orders.length);
      expect(log.slice(-5)).toEqual([
        'begin',
        'date history',
        'outbox order.history-dated',
        'commit',
        `event history dated ${dated.join(' ')}`,
      ]);
    });

    it('dates each order back right after placing it, then walks it through its statuses and reviews it as its customer', async () => {
      const before = Date.now();
      await demo.createSampleData();
      const after = Date.now();

      const placed = log.flatMap((entry, index) => (entry.startsWith('place ') ? [index] : []));
      expect(placed).toHaveLength(plan.orders.length);
      plan.orders.forEach((planned, orderIndex) => {
        const at = placed[orderIndex];
        const orderId = Number(log[at].split(' ')[1]);
        expect(log[at + 1]).toBe(`back-date ${orderId}`);
        const statuses = planned.transitions.map((status) => `status ${orderId} ${status}`);
        expect(log.slice(at + 2, at + 2 + statuses.length)).toEqual(statuses);

        const orderDate = sampleData.orderDates.get(orderId)!.getTime();
        expect(orderDate).toBeGreaterThanOrEqual(before - planned.minutes_ago * 60_000);
        expect(orderDate).toBeLessThanOrEqual(after - planned.minutes_ago * 60_000);
        for (const { dto } of services.statusChanges.filter((change) => change.orderId === orderId)) {
          if (dto.order_status === OrderStatus.Delivered) {
            expect(new Date(dto.delivery_time!).getTime() - orderDate).toBe(planned.delivery_minutes! * 60_000);
          } else {
            expect(dto.delivery_time).toBeUndefined();
          }
        }
        if (planned.review) {
          expect(log[at + 2 + statuses.length]).toBe(`review ${orderId} by ${services.placedBy.get(orderId)} ${planned.review.rating}`);
        }
      });
    });

    it('answers 409 without creating or deleting anything when another request is creating the sample data', async () => {
      services.refuseRestaurants = true;
      await expect(demo.createSampleData()).rejects.toThrow(
        new ConflictException('Sample data is being created by another request; try again once it has finished'),
      );
      expect(log).toEqual([`restaurant ${plan.restaurants[0].restaurant.name}`]);
    });

    it('removes what it created when it fails midway, and reports the failure', async () => {
      services.failOnStatusCall = 10;
      await expect(demo.createSampleData()).rejects.toThrow('database went away');
      expect(log.slice(-9)).toEqual([
        'begin',
        'delete',
        'outbox menu-item.changed, menu-item.changed, restaurant.changed, restaurant.changed, customer.changed',
        'commit',
        'event menu-item deleted 3',
        'event menu-item deleted 4',
        'event restaurant deleted 1',
        'event restaurant deleted 2',
        'event customer deleted 7',
      ]);
    });
  });

  describe('deleteSampleData', () => {
    it('deletes in one transaction and publishes a deletion per menu item, restaurant and customer after the commit', async () => {
      await demo.deleteSampleData();
      expect(log).toEqual([
        'begin',
        'delete',
        'outbox menu-item.changed, menu-item.changed, restaurant.changed, restaurant.changed, customer.changed',
        'commit',
        'event menu-item deleted 3',
        'event menu-item deleted 4',
        'event restaurant deleted 1',
        'event restaurant deleted 2',
        'event customer deleted 7',
      ]);
    });

    it('publishes nothing when there was nothing to delete', async () => {
      sampleData.removed = { menuItems: [], restaurantIds: [], customerIds: [] };
      await demo.deleteSampleData();
      expect(log).toEqual(['begin', 'delete', 'commit']);
    });

    it('refuses with 409 naming the orders that mix sample and other data, deleting nothing', async () => {
      sampleData.mixed = { total: 7, orders: [1, 2, 3, 4, 5, 6, 7].map(mixedOrder) };
      const refusal = demo.deleteSampleData();
      await expect(refusal).rejects.toBeInstanceOf(ConflictException);
      await expect(refusal).rejects.toThrow(/^Sample data cannot be deleted: 7 orders mix sample data with other data/);
      await expect(refusal).rejects.toThrow(/order 5 by customer 99 \(jane@example.com, not sample data\)/);
      await expect(refusal).rejects.toThrow(/; and 2 more\)/);
      expect(log).toEqual(['begin', 'rollback']);
    });

    it('turns a foreign-key refusal during the delete (a concurrent new reference) into a 409', async () => {
      sampleData.deleteError = new QueryFailedError('DELETE', [], Object.assign(new Error('restrict'), { code: '23503' }));
      await expect(demo.deleteSampleData()).rejects.toBeInstanceOf(ConflictException);
      expect(log).toEqual(['begin', 'delete', 'rollback']);
    });
  });

  describe('mixedOrdersMessage', () => {
    it('names each order with which side is sample data', () => {
      expect(
        mixedOrdersMessage(1, [
          {
            ...mixedOrder(12),
            customer_id: 4,
            customer_email: 'priya.raman@sample.tiffin.invalid',
            customer_is_sample: true,
            restaurant_id: 30,
            restaurant_name: 'Corner Deli',
            restaurant_is_sample: false,
          },
        ]),
      ).toBe(
        'Sample data cannot be deleted: 1 order mixes sample data with other data (order 12 by sample customer 4 ' +
          '(priya.raman@sample.tiffin.invalid) at restaurant 30 (Corner Deli, not sample data)). Only orders of sample ' +
          'customers at sample restaurants may be deleted, so nothing was deleted.',
      );
    });
  });
});

import { ConflictException, Injectable, Logger, type Type } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isForeignKeyViolation } from '../common/errors/postgres-errors.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { createValidationPipe } from '../common/validation/validation.pipe.js';
import { CreateCustomerDto } from '../customers/dto/customer.dto.js';
import { CustomersService } from '../customers/customers.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import type { RecordedEvent } from '../events/invalidation-outbox.js';
import { CustomerChanged, MenuItemChanged, OrderHistoryDated, RestaurantChanged } from '../events/domain-events.js';
import { CreateMenuItemDto } from '../menu-items/dto/menu-item.dto.js';
import { MenuItemsService } from '../menu-items/menu-items.service.js';
import { PlaceOrderDto, UpdateOrderStatusDto } from '../orders/dto/order.dto.js';
import { OrderStatus } from '../domain/order-status.js';
import { OrdersService } from '../orders/orders.service.js';
import { CreateRestaurantDto, type RestaurantResponse } from '../restaurants/dto/restaurant.dto.js';
import { RestaurantsService } from '../restaurants/restaurants.service.js';
import { AddReviewDto } from '../reviews/dto/review.dto.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { type SampleDataCounts, type SampleDataResponse, toSampleDataResponse } from './dto/sample-data.dto.js';
import type { SampleRestaurant } from './sample-catalogue.js';
import { type MixedOrder, SampleDataRepository } from './sample-data.repository.js';
import { buildSamplePlan, lastStatus, type PlannedOrder, type SamplePlan } from './sample-plan.js';

const MINUTE_MS = 60_000;
/** How many mixed orders a refused delete names. */
const MIXED_ORDERS_NAMED = 5;

const requestPipe = createValidationPipe();

/**
 * Turns a sample body into the DTO instance an API request would produce (same transforms, same
 * rules). The catalogue is fixed, so a refusal is a programming error, not the caller's: a 500.
 */
async function requestBody<T extends object>(metatype: Type<T>, plain: object): Promise<T> {
  try {
    return (await requestPipe.transform(plain, { type: 'body', metatype })) as T;
  } catch (error) {
    if (error instanceof ValidationFailedException) {
      const problems = error.fieldErrors.map((fieldError) => fieldError.message).join('; ');
      throw new Error(`The sample ${metatype.name} ${JSON.stringify(plain)} is invalid: ${problems}`, { cause: error });
    }
    throw error;
  }
}

function describeMixedOrder(order: MixedOrder): string {
  const customer = order.customer_is_sample
    ? `sample customer ${order.customer_id} (${order.customer_email})`
    : `customer ${order.customer_id} (${order.customer_email}, not sample data)`;
  const restaurant = order.restaurant_is_sample
    ? `sample restaurant ${order.restaurant_id} (${order.restaurant_name})`
    : `restaurant ${order.restaurant_id} (${order.restaurant_name}, not sample data)`;
  return `order ${order.order_id} by ${customer} at ${restaurant}`;
}

export function mixedOrdersMessage(total: number, named: MixedOrder[]): string {
  const orders = total === 1 ? '1 order mixes' : `${total} orders mix`;
  const more = total > named.length ? `; and ${total - named.length} more` : '';
  return (
    `Sample data cannot be deleted: ${orders} sample data with other data ` +
    `(${named.map(describeMixedOrder).join('; ')}${more}). Only orders of sample customers at sample restaurants ` +
    'may be deleted, so nothing was deleted.'
  );
}

/** The ids of the created rows, by their index in the plan. */
interface CreatedIds {
  restaurants: number[];
  /** Per restaurant, its menu item ids in menu order. */
  menus: number[][];
  customers: number[];
}

/** What the creation has made so far. */
class CreatedTally {
  restaurants = 0;
  menu_items = 0;
  customers = 0;
  orders_by_status: Partial<Record<OrderStatus, number>> = {};
  reviews = 0;

  get anything(): boolean {
    return this.restaurants > 0;
  }

  counts(): SampleDataCounts {
    return {
      restaurants: this.restaurants,
      menu_items: this.menu_items,
      customers: this.customers,
      orders_by_status: { ...this.orders_by_status },
      reviews: this.reviews,
    };
  }
}

@Injectable()
export class DemoService {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sampleData: SampleDataRepository,
    private readonly restaurants: RestaurantsService,
    private readonly menuItems: MenuItemsService,
    private readonly customers: CustomersService,
    private readonly orders: OrdersService,
    private readonly reviews: ReviewsService,
    private readonly events: DomainEventBus,
    private readonly outbox: InvalidationOutboxRepository,
  ) {}

  /**
   * Builds the sample data set through the domain services, one call at a time and never inside
   * a transaction of its own, so every rule applies and every event is published. When any sample
   * row exists already, nothing is created and the existing rows are counted instead.
   */
  async createSampleData(): Promise<SampleDataResponse> {
    const existing = await this.sampleData.counts();
    if (existing.restaurants > 0 || existing.customers > 0) return toSampleDataResponse(existing, true);

    const tally = new CreatedTally();
    try {
      await this.build(buildSamplePlan(), tally);
    } catch (error) {
      if (tally.anything) await this.removeAfterFailedCreation();
      throw error;
    }
    return toSampleDataResponse(tally.counts(), false);
  }

  /**
   * Deletes exactly the sample data in one transaction, then publishes a deletion event for each
   * menu item, restaurant and customer removed. Refused as a whole (409) while any order joins a
   * sample row with a row that is not sample data.
   */
  async deleteSampleData(): Promise<void> {
    let recorded: RecordedEvent[];
    try {
      recorded = await this.dataSource.transaction(async (manager) => {
        const parties = await this.sampleData.findSampleParties(manager);
        const mixed = await this.sampleData.findMixedOrders(parties, MIXED_ORDERS_NAMED, manager);
        if (mixed.total > 0) throw new ConflictException(mixedOrdersMessage(mixed.total, mixed.orders));
        const removed = await this.sampleData.deleteSampleData(parties, manager);
        // Their cache invalidation outbox rows, in the same transaction.
        return this.outbox.record(manager, [
          ...removed.menuItems.map((item) => new MenuItemChanged(item.id, item.restaurant_id, 'deleted')),
          ...removed.restaurantIds.map((id) => new RestaurantChanged(id, 'deleted')),
          ...removed.customerIds.map((id) => new CustomerChanged(id, 'deleted')),
        ]);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ConflictException(
          'Sample data cannot be deleted: rows that are not sample data started referring to it while it was being ' +
            'deleted; nothing was deleted',
        );
      }
      throw error;
    }
    await this.events.publish(...recorded);
  }

  private async build(plan: SamplePlan, tally: CreatedTally): Promise<void> {
    const ids: CreatedIds = { restaurants: [], menus: [], customers: [] };
    for (const [index, sample] of plan.restaurants.entries()) {
      const restaurant = await this.createRestaurant(sample, index === 0);
      ids.restaurants.push(restaurant.id);
      tally.restaurants++;
      const menu: number[] = [];
      for (const item of sample.menu) {
        menu.push((await this.menuItems.create(restaurant.id, await requestBody(CreateMenuItemDto, item))).id);
        tally.menu_items++;
      }
      ids.menus.push(menu);
    }

    for (const customer of plan.customers) {
      ids.customers.push((await this.customers.create(await requestBody(CreateCustomerDto, customer))).id);
      tally.customers++;
    }

    // Order dates are relative to one instant, so the plan's spacing between orders is kept exactly.
    const now = Date.now();
    for (const planned of plan.orders) {
      await this.createOrder(planned, plan, ids, new Date(now - planned.minutes_ago * MINUTE_MS));
      const status = lastStatus(planned);
      tally.orders_by_status[status] = (tally.orders_by_status[status] ?? 0) + 1;
      if (planned.review) tally.reviews++;
    }

    // The workflow ran now; its history must read as the back-dated orders did. What was cached
    // from the history meanwhile (tracking, stage-time analytics) is dropped: the dating commits
    // with its cache invalidation outbox row, and the event is published after.
    const recorded = await this.outbox.transaction(async (manager) => {
      const dated = await this.sampleData.dateSampleHistory(manager);
      return this.outbox.record(manager, dated.length > 0 ? [new OrderHistoryDated(dated)] : []);
    });
    await this.events.publish(...recorded);
  }

  /**
   * The first sample restaurant doubles as a lock: when a concurrent request is creating the sample
   * data, its name is taken and this request stops before creating anything.
   */
  private async createRestaurant(sample: SampleRestaurant, first: boolean): Promise<RestaurantResponse> {
    try {
      return await this.restaurants.create(await requestBody(CreateRestaurantDto, sample.restaurant));
    } catch (error) {
      if (first && error instanceof ConflictException) {
        throw new ConflictException('Sample data is being created by another request; try again once it has finished');
      }
      throw error;
    }
  }

  /**
   * Places the order, dates it back right away (before any status change re-publishes it, so
   * every representation the events carry has its final dates), then walks it through the
   * workflow and reviews it as its own customer.
   */
  private async createOrder(planned: PlannedOrder, plan: SamplePlan, ids: CreatedIds, orderDate: Date): Promise<void> {
    const customerId = ids.customers[planned.customer_index];
    const order = await this.orders.placeOrder(
      customerId,
      await requestBody(PlaceOrderDto, {
        restaurant_id: ids.restaurants[planned.restaurant_index],
        delivery_address: plan.customers[planned.customer_index].address,
        special_instructions: planned.special_instructions,
        order_items: planned.lines.map((line) => ({
          menu_item_id: ids.menus[planned.restaurant_index][line.menu_index],
          quantity: line.quantity,
          special_requests: line.special_requests,
        })),
      }),
    );
    if (!(await this.sampleData.backDateOrder(order.id, orderDate))) {
      throw new Error(`Sample order ${order.id} changed before it could be dated back`);
    }
    for (const status of planned.transitions) {
      const change =
        status === OrderStatus.Delivered
          ? {
              order_status: status,
              delivery_time: new Date(orderDate.getTime() + planned.delivery_minutes! * MINUTE_MS).toISOString(),
            }
          : { order_status: status };
      await this.orders.updateStatus(order.id, await requestBody(UpdateOrderStatusDto, change));
    }
    if (planned.review) {
      await this.reviews.addReview(order.id, customerId, await requestBody(AddReviewDto, planned.review));
    }
  }

  private async removeAfterFailedCreation(): Promise<void> {
    try {
      await this.deleteSampleData();
    } catch (cleanupError) {
      this.logger.error(
        'Sample data creation failed and its partial data could not be removed; call DELETE /demo/sample-data',
        cleanupError instanceof Error ? cleanupError.stack : String(cleanupError),
      );
    }
  }
}

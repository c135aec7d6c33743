import { describe, expect, it } from '@jest/globals';
import { validateDto } from '../common/testing/validate-dto.js';
import { CreateCustomerDto } from '../customers/dto/customer.dto.js';
import { CreateMenuItemDto } from '../menu-items/dto/menu-item.dto.js';
import { isFinalStatus, ORDER_STATUSES, OrderStatus } from '../domain/order-status.js';
import { canTransition } from '../orders/order-status-machine.js';
import { CreateRestaurantDto } from '../restaurants/dto/restaurant.dto.js';
import { isSampleEmail, isSampleRestaurantName } from './sample-markers.js';
import { buildSamplePlan, lastStatus, SAMPLE_DATA_SEED, SAMPLE_HISTORY_DAYS, SAMPLE_ORDERS_BY_STATUS } from './sample-plan.js';

const plan = buildSamplePlan();
const MINUTES_PER_DAY = 24 * 60;

describe('buildSamplePlan', () => {
  it('builds the same data set every time from the fixed seed, and another one from another seed', () => {
    expect(buildSamplePlan(SAMPLE_DATA_SEED)).toEqual(plan);
    expect(buildSamplePlan()).toEqual(plan);
    expect(buildSamplePlan(SAMPLE_DATA_SEED + 1).orders).not.toEqual(plan.orders);
  });

  describe('restaurants and menus', () => {
    it('has at least 6 restaurants of at least 5 cuisines, each marked as sample data', () => {
      expect(plan.restaurants.length).toBeGreaterThanOrEqual(6);
      expect(new Set(plan.restaurants.map(({ restaurant }) => restaurant.cuisine_type)).size).toBeGreaterThanOrEqual(5);
      for (const { restaurant } of plan.restaurants) expect(isSampleRestaurantName(restaurant.name)).toBe(true);
      expect(new Set(plan.restaurants.map(({ restaurant }) => restaurant.name.toLowerCase())).size).toBe(plan.restaurants.length);
    });

    it('has a restaurant open past midnight', () => {
      expect(plan.restaurants.some(({ restaurant }) => restaurant.closing_time < restaurant.opening_time)).toBe(true);
    });

    it('gives every restaurant a full menu of 8 to 15 dishes in the usual categories, with every dietary flag', () => {
      for (const { menu } of plan.restaurants) {
        expect(menu.length).toBeGreaterThanOrEqual(8);
        expect(menu.length).toBeLessThanOrEqual(15);
        for (const category of ['Starters', 'Main Course', 'Desserts', 'Drinks']) {
          expect(menu.map((item) => item.category)).toContain(category);
        }
        expect(menu.some((item) => item.is_vegetarian)).toBe(true);
        expect(menu.some((item) => item.is_vegan)).toBe(true);
        expect(menu.some((item) => item.is_gluten_free)).toBe(true);
        expect(new Set(menu.map((item) => item.name)).size).toBe(menu.length);
        for (const item of menu.filter((dish) => dish.is_vegan)) expect(item.is_vegetarian).toBe(true);
      }
    });

    it('passes the API validation of restaurants and menu items unchanged', async () => {
      for (const { restaurant, menu } of plan.restaurants) {
        const validated = await validateDto(CreateRestaurantDto, restaurant);
        expect(validated.errors).toBeUndefined();
        expect({ ...validated.value }).toEqual(expect.objectContaining(restaurant));
        for (const item of menu) {
          const validatedItem = await validateDto(CreateMenuItemDto, item);
          expect(validatedItem.errors).toBeUndefined();
          expect({ ...validatedItem.value }).toEqual(expect.objectContaining(item));
        }
      }
    });
  });

  describe('customers', () => {
    it('has at least 12 customers, marked as sample data, who pass the API validation unchanged', async () => {
      expect(plan.customers.length).toBeGreaterThanOrEqual(12);
      for (const customer of plan.customers) {
        expect(isSampleEmail(customer.email)).toBe(true);
        const validated = await validateDto(CreateCustomerDto, customer);
        expect(validated.errors).toBeUndefined();
        expect({ ...validated.value }).toEqual(expect.objectContaining(customer));
      }
      expect(new Set(plan.customers.map((customer) => customer.email)).size).toBe(plan.customers.length);
    });

    it('has active customers only among those who order', () => {
      for (const order of plan.orders) expect(plan.customers[order.customer_index].is_active).toBe(true);
      expect(plan.customers.some((customer) => !customer.is_active)).toBe(true);
    });
  });

  describe('orders', () => {
    it('has the planned number of orders in every status', () => {
      const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0]));
      for (const order of plan.orders) counts[lastStatus(order)]++;
      expect(counts).toEqual(SAMPLE_ORDERS_BY_STATUS);
      for (const status of ORDER_STATUSES) expect(counts[status]).toBeGreaterThan(0);
    });

    it('moves every order through valid workflow steps only', () => {
      for (const order of plan.orders) {
        let status = OrderStatus.Placed;
        for (const next of order.transitions) {
          expect(canTransition(status, next)).toBe(true);
          status = next;
        }
      }
      const cancelledFrom = new Set(
        plan.orders.filter((order) => lastStatus(order) === OrderStatus.Cancelled).map((order) => order.transitions.length),
      );
      expect(cancelledFrom.size).toBeGreaterThan(1);
    });

    it('orders 1 to 4 different available dishes of the ordered restaurant, in valid quantities', () => {
      for (const order of plan.orders) {
        const menu = plan.restaurants[order.restaurant_index].menu;
        expect(order.lines.length).toBeGreaterThanOrEqual(1);
        expect(order.lines.length).toBeLessThanOrEqual(4);
        expect(new Set(order.lines.map((line) => line.menu_index)).size).toBe(order.lines.length);
        for (const line of order.lines) {
          expect(menu[line.menu_index].is_available).toBe(true);
          expect(line.quantity).toBeGreaterThanOrEqual(1);
          expect(line.quantity).toBeLessThanOrEqual(3);
        }
      }
    });

    it('spreads finished orders over the last 30 days and keeps in-progress ones within the last hour', () => {
      const finished = plan.orders.filter((order) => isFinalStatus(lastStatus(order)));
      for (const order of plan.orders) {
        expect(order.minutes_ago).toBeGreaterThan(0);
        expect(order.minutes_ago).toBeLessThan(SAMPLE_HISTORY_DAYS * MINUTES_PER_DAY);
        if (!finished.includes(order)) expect(order.minutes_ago).toBeLessThanOrEqual(60);
      }
      const days = new Set(finished.map((order) => Math.floor(order.minutes_ago / MINUTES_PER_DAY)));
      expect(days.size).toBe(SAMPLE_HISTORY_DAYS);
    });

    it('lists orders oldest first', () => {
      const ages = plan.orders.map((order) => order.minutes_ago);
      expect(ages).toEqual([...ages].sort((a, b) => b - a));
    });

    it('delivers delivered orders after they were placed and before now; no other order has a delivery time', () => {
      for (const order of plan.orders) {
        if (lastStatus(order) === OrderStatus.Delivered) {
          expect(order.delivery_minutes).toBeGreaterThan(0);
          expect(order.delivery_minutes!).toBeLessThan(order.minutes_ago);
        } else {
          expect(order.delivery_minutes).toBeNull();
        }
      }
    });
  });

  describe('reviews', () => {
    it('reviews only delivered orders, with 1 to 5 stars and a comment or none', () => {
      const reviewed = plan.orders.filter((order) => order.review);
      for (const order of reviewed) {
        expect(lastStatus(order)).toBe(OrderStatus.Delivered);
        expect(Number.isInteger(order.review!.rating)).toBe(true);
        expect(order.review!.rating).toBeGreaterThanOrEqual(1);
        expect(order.review!.rating).toBeLessThanOrEqual(5);
      }
      const delivered = SAMPLE_ORDERS_BY_STATUS[OrderStatus.Delivered];
      expect(reviewed.length).toBeGreaterThan(delivered / 3);
      expect(reviewed.length).toBeLessThan(delivered);
      expect(reviewed.some((order) => order.review!.comment === null)).toBe(true);
    });

    it('reviews every restaurant at least once, with varied ratings', () => {
      const reviewed = plan.orders.filter((order) => order.review);
      expect(new Set(reviewed.map((order) => order.restaurant_index)).size).toBe(plan.restaurants.length);
      expect(new Set(reviewed.map((order) => order.review!.rating)).size).toBeGreaterThan(2);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AnalyticsRepository } from '../src/analytics/analytics.repository.js';
import { periodWindow } from '../src/analytics/analytics-period.js';
import {
  dayOf,
  forgetCachedAnalytics,
  hoursWith,
  insertHistory,
  plusMinutes,
  startOfDayAgo,
  todayUtc,
  DAY_MS,
} from './support/analytics-data.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * Every expected figure below is worked out by hand from the rows arranged here (in SQL: the
 * orders are back-dated and their histories written directly). Periods end today (UTC), so the
 * rows are placed relative to today's 00:00Z; D(k) is the start of the day k days ago.
 */
const D = startOfDayAgo;
const at = (day: Date, hours: number, minutes = 0, seconds = 0) => new Date(day.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000);

const ZERO_STATUSES = { placed: 0, confirmed: 0, preparing: 0, out_for_delivery: 0, delivered: 0, cancelled: 0 };
const NO_STAGE_TIMES = {
  placed_to_confirmed: null,
  confirmed_to_preparing: null,
  preparing_to_out_for_delivery: null,
  out_for_delivery_to_delivered: null,
};

/** Every day of the period with zeros, then the given days' figures. */
function daysWith(period: '7d' | '30d' | '90d', figures: Record<string, { revenue: number; orders: number }> = {}) {
  const window = periodWindow(period, new Date());
  return Array.from({ length: window.days }, (_, index) => {
    const date = dayOf(new Date(Date.parse(`${window.from}T00:00:00Z`) + index * DAY_MS));
    return { date, ...(figures[date] ?? { revenue: 0, orders: 0 }) };
  });
}

describe('analytics', () => {
  let t: TestApp;
  const r: Record<string, number> = {};
  const m: Record<string, number> = {};
  const c: Record<string, number> = {};
  const o: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('with no orders at all', () => {
    let restaurantId: number;
    let customerId: number;
    beforeAll(async () => {
      restaurantId = await insertRestaurant(t.db, { name: 'Lonely', cuisine_type: 'Thai' });
      customerId = await insertCustomer(t.db, { name: 'Nobody' });
    });
    afterAll(async () => {
      await t.db.query('DELETE FROM restaurants WHERE id = $1', [restaurantId]);
      await t.db.query('DELETE FROM customers WHERE id = $1', [customerId]);
      await forgetCachedAnalytics(t);
    });

    it('reports zeros, nulls and empty lists, with every hour and day present', async () => {
      const daily = await t.admin.get('/analytics/revenue/daily?date=2026-01-31');
      expect(daily.status).toBe(200);
      expect(daily.body).toEqual({
        date: '2026-01-31',
        total_revenue: 0,
        total_orders: 0,
        average_order_value: null,
        by_restaurant: [],
        by_hour: hoursWith({ revenue: 0, orders: 0 }),
      });

      const revenue = await t.admin.get('/analytics/revenue-analytics?period=30d');
      const window = periodWindow('30d', new Date());
      expect(revenue.body).toEqual({
        period: '30d',
        from: window.from,
        to: window.to,
        total_revenue: 0,
        total_orders: 0,
        average_order_value: null,
        average_daily_revenue: 0,
        previous_period: { from: window.previous_from, to: window.previous_to, revenue: 0, orders: 0 },
        growth_percentage: null,
        by_day: daysWith('30d'),
      });

      const behavior = await t.admin.get('/analytics/customers/behavior?period=90d');
      expect(behavior.body).toMatchObject({
        period: '90d',
        active_customers: 0,
        new_customers: 0,
        returning_customers: 0,
        total_orders: 0,
        orders_per_customer: null,
        average_basket: null,
        top_cuisines: [],
        peak_hours: [],
        orders_by_hour: hoursWith({ orders: 0 }),
      });

      const popular = await t.admin.get('/analytics/popular-items');
      expect(popular.body).toMatchObject({ period: '7d', items: [] });

      const performance = await t.admin.get(`/analytics/restaurants/performance?restaurant_id=${restaurantId}`);
      expect(performance.body).toEqual([
        {
          restaurant_id: restaurantId,
          restaurant_name: 'Lonely',
          cuisine_type: 'Thai',
          total_orders: 0,
          delivered_orders: 0,
          cancelled_orders: 0,
          revenue: 0,
          average_order_value: null,
          cancellation_rate: null,
          review_count: 0,
          average_rating: null,
          average_delivery_minutes: null,
          stage_minutes: NO_STAGE_TIMES,
        },
      ]);

      const insights = await t.admin.get(`/analytics/customer-insights/${customerId}`);
      expect(insights.body).toEqual({
        customer_id: customerId,
        customer_name: 'Nobody',
        total_orders: 0,
        orders_by_status: ZERO_STATUSES,
        lifetime_spend: 0,
        average_basket: null,
        first_order_at: null,
        last_order_at: null,
        days_since_last_order: null,
        favorite_restaurants: [],
        favorite_cuisines: [],
        favorite_items: [],
        preferred_order_hours: [],
      });
    });
  });

  describe('with only cancelled orders', () => {
    const orderDate = at(D(1), 13);
    let restaurantId: number;
    let itemId: number;
    let customerId: number;
    let orderId: number;
    beforeAll(async () => {
      restaurantId = await insertRestaurant(t.db, { name: 'Cancelled Only', cuisine_type: 'Greek' });
      itemId = await insertMenuItem(t.db, restaurantId, { price: '8.00' });
      customerId = await insertCustomer(t.db);
      orderId = await insertOrder(t.db, {
        customer_id: customerId,
        restaurant_id: restaurantId,
        order_status: 'cancelled',
        order_date: orderDate,
        items: [[itemId, 2, '8.00']],
      });
      await insertHistory(t.db, orderId, [
        ['placed', orderDate],
        ['cancelled', plusMinutes(orderDate, 5)],
      ]);
    });
    afterAll(async () => {
      await t.db.query('DELETE FROM orders WHERE id = $1', [orderId]);
      await t.db.query('DELETE FROM menu_items WHERE id = $1', [itemId]);
      await t.db.query('DELETE FROM restaurants WHERE id = $1', [restaurantId]);
      await t.db.query('DELETE FROM customers WHERE id = $1', [customerId]);
      await forgetCachedAnalytics(t);
    });

    it('counts them as behaviour but never as revenue, basket or popularity', async () => {
      expect((await t.admin.get(`/analytics/revenue/daily?date=${dayOf(orderDate)}`)).body).toMatchObject({
        total_revenue: 0,
        total_orders: 0,
        by_restaurant: [],
      });
      expect((await t.admin.get('/analytics/revenue-analytics?period=7d')).body).toMatchObject({
        total_revenue: 0,
        total_orders: 0,
        growth_percentage: null,
      });
      expect((await t.admin.get('/analytics/customers/behavior?period=7d')).body).toMatchObject({
        active_customers: 1,
        new_customers: 1,
        returning_customers: 0,
        total_orders: 1,
        orders_per_customer: 1,
        average_basket: null,
        top_cuisines: [{ cuisine_type: 'Greek', orders: 1, customers: 1 }],
        peak_hours: [{ hour: 13, orders: 1 }],
      });
      expect((await t.admin.get('/analytics/popular-items?period=7d')).body.items).toEqual([]);
      expect((await t.admin.get(`/analytics/restaurants/performance?restaurant_id=${restaurantId}`)).body[0]).toMatchObject({
        total_orders: 1,
        delivered_orders: 0,
        cancelled_orders: 1,
        revenue: 0,
        average_order_value: null,
        cancellation_rate: 1,
        average_delivery_minutes: null,
        stage_minutes: NO_STAGE_TIMES,
      });
      expect((await t.admin.get(`/analytics/customer-insights/${customerId}`)).body).toMatchObject({
        total_orders: 1,
        orders_by_status: { ...ZERO_STATUSES, cancelled: 1 },
        lifetime_spend: 0,
        average_basket: null,
        favorite_items: [],
        favorite_cuisines: [{ cuisine_type: 'Greek', orders: 1 }],
      });
    });
  });

  describe('with a hand-built data set', () => {
    beforeAll(async () => {
      r.alpha = await insertRestaurant(t.db, { name: 'Alpha', cuisine_type: 'Italian' });
      r.beta = await insertRestaurant(t.db, { name: 'Beta', cuisine_type: 'Indian' });
      r.gamma = await insertRestaurant(t.db, { name: 'Gamma', cuisine_type: 'Italian' });
      r.delta = await insertRestaurant(t.db, { name: 'Delta', cuisine_type: 'Thai' });
      m.A = await insertMenuItem(t.db, r.alpha, { name: 'Dish A', price: '10.00' });
      m.B = await insertMenuItem(t.db, r.alpha, { name: 'Dish B', price: '4.50', category: 'Dessert' });
      m.C = await insertMenuItem(t.db, r.beta, { name: 'Dish C', price: '12.25' });
      m.D = await insertMenuItem(t.db, r.delta, { name: 'Dish D', price: '9.00' });
      c.returning = await insertCustomer(t.db, { name: 'Returning' });
      c.newcomer = await insertCustomer(t.db, { name: 'Newcomer' });
      c.lapsed = await insertCustomer(t.db, { name: 'Lapsed' });
      c.cancelling = await insertCustomer(t.db, { name: 'Cancelling' });
      c.old = await insertCustomer(t.db, { name: 'Old' });

      const order = async (
        key: string,
        customer: string,
        restaurant: string,
        status: string,
        orderDate: Date,
        deliveryTime: Date | null,
        items: [string, number, string][],
      ) => {
        o[key] = await insertOrder(t.db, {
          customer_id: c[customer],
          restaurant_id: r[restaurant],
          order_status: status,
          order_date: orderDate,
          delivery_time: deliveryTime,
          items: items.map(([item, quantity, price]) => [m[item], quantity, price]),
        });
      };
      // Outside the 7-day periods (20 days ago); A was cheaper then.
      await order('o1', 'lapsed', 'alpha', 'delivered', at(D(20), 12), at(D(20), 12, 40), [['A', 2, '9.00']]); // 18.00
      // In the previous 7-day period.
      await order('o2', 'returning', 'alpha', 'delivered', at(D(10), 18), at(D(10), 18, 30), [
        ['A', 1, '10.00'],
        ['B', 2, '4.50'],
      ]); // 19.00
      // Placed at the very first instant of the 7-day period.
      await order('o3', 'returning', 'alpha', 'delivered', at(D(6), 0), at(D(6), 0, 45), [['A', 3, '10.00']]); // 30.00
      await order('o4', 'returning', 'beta', 'delivered', at(D(2), 19), at(D(2), 19, 50), [['C', 2, '12.25']]); // 24.50
      await order('o5', 'newcomer', 'beta', 'cancelled', at(D(2), 19, 30), null, [['C', 4, '12.25']]); // 49.00
      await order('o6', 'newcomer', 'alpha', 'out_for_delivery', at(D(1), 12), null, [['B', 1, '4.50']]); // 4.50
      await order('o7', 'cancelling', 'delta', 'cancelled', at(D(1), 9), null, [['D', 1, '9.00']]); // 9.00
      // Placed one second before the 7-day period, delivered inside it.
      await order('o8', 'lapsed', 'alpha', 'delivered', at(D(7), 23, 59, 59), at(D(6), 0, 30), [['A', 1, '10.00']]); // 10.00
      // Around midnight UTC between 2020-02-29 and 2020-03-01.
      await order('o9', 'old', 'beta', 'delivered', new Date('2020-02-29T23:20:00Z'), new Date('2020-02-29T23:59:59Z'), [
        ['C', 1, '12.25'],
      ]);
      await order('o10', 'old', 'alpha', 'delivered', new Date('2020-02-29T23:30:00Z'), new Date('2020-03-01T00:00:00Z'), [
        ['A', 1, '10.00'],
      ]);
      await order('o11', 'old', 'alpha', 'cancelled', new Date('2020-02-29T12:00:00Z'), null, [['A', 5, '10.00']]);
      await order('o12', 'old', 'alpha', 'delivered', new Date('2020-02-29T08:00:00Z'), new Date('2020-02-29T08:40:00Z'), [
        ['A', 2, '10.00'],
        ['B', 1, '4.50'],
      ]); // 24.50

      for (const [key, rating] of [
        ['o3', 5],
        ['o2', 4],
        ['o12', 2],
        ['o4', 3],
      ] as const) {
        const [{ customer_id, restaurant_id }] = await t.db.query('SELECT customer_id, restaurant_id FROM orders WHERE id = $1', [o[key]]);
        await t.db.query('INSERT INTO reviews (customer_id, restaurant_id, order_id, rating) VALUES ($1, $2, $3, $4)', [
          customer_id,
          restaurant_id,
          o[key],
          rating,
        ]);
      }

      const o3 = at(D(6), 0);
      await insertHistory(t.db, o.o3, [
        ['placed', o3],
        ['confirmed', plusMinutes(o3, 2)],
        ['preparing', plusMinutes(o3, 5)],
        ['out_for_delivery', plusMinutes(o3, 20)],
        ['delivered', plusMinutes(o3, 45)],
      ]);
      const o12 = new Date('2020-02-29T08:00:00Z');
      await insertHistory(t.db, o.o12, [
        ['placed', o12],
        ['confirmed', plusMinutes(o12, 4)],
        ['preparing', plusMinutes(o12, 10)],
        ['out_for_delivery', plusMinutes(o12, 25)],
        ['delivered', plusMinutes(o12, 40)],
      ]);
      const o6 = at(D(1), 12);
      await insertHistory(t.db, o.o6, [
        ['placed', o6],
        ['confirmed', plusMinutes(o6, 3)],
        ['preparing', plusMinutes(o6, 3.5)],
        ['out_for_delivery', plusMinutes(o6, 13.5)],
      ]);
      const o11 = new Date('2020-02-29T12:00:00Z');
      await insertHistory(t.db, o.o11, [
        ['placed', o11],
        ['confirmed', plusMinutes(o11, 1)],
        ['cancelled', plusMinutes(o11, 2)],
      ]);
      // o2 has only its placed step on record: it counts in no stage.
      await insertHistory(t.db, o.o2, [['placed', at(D(10), 18)]]);
      const o4 = at(D(2), 19);
      await insertHistory(t.db, o.o4, [
        ['placed', o4],
        ['confirmed', plusMinutes(o4, 1.5)],
        ['preparing', plusMinutes(o4, 2)],
        ['out_for_delivery', plusMinutes(o4, 12)],
        ['delivered', plusMinutes(o4, 50)],
      ]);
      const o7 = at(D(1), 9);
      await insertHistory(t.db, o.o7, [
        ['placed', o7],
        ['cancelled', plusMinutes(o7, 5)],
      ]);
    });

    describe('GET /analytics/revenue/daily', () => {
      it('counts the orders delivered in the UTC day, by restaurant and by hour', async () => {
        const response = await t.admin.get('/analytics/revenue/daily?date=2020-02-29');
        expect(response.status).toBe(200);
        expect(response.headers.get('x-cache')).toBe('MISS');
        expect(response.body).toEqual({
          date: '2020-02-29',
          // o12 24.50 at 08:40 and o9 12.25 at 23:59:59; o10 (00:00:00 next day) and the cancelled o11 are not in it.
          total_revenue: 36.75,
          total_orders: 2,
          // 36.75 / 2 = 18.375
          average_order_value: 18.38,
          by_restaurant: [
            { restaurant_id: r.alpha, restaurant_name: 'Alpha', revenue: 24.5, orders: 1 },
            { restaurant_id: r.beta, restaurant_name: 'Beta', revenue: 12.25, orders: 1 },
          ],
          by_hour: hoursWith({ revenue: 0, orders: 0 }, { 8: { revenue: 24.5, orders: 1 }, 23: { revenue: 12.25, orders: 1 } }),
        });
      });

      it('puts an order delivered at 00:00:00Z in the next day, hour 0', async () => {
        const response = await t.admin.get('/analytics/revenue/daily?date=2020-03-01');
        expect(response.body).toMatchObject({
          total_revenue: 10,
          total_orders: 1,
          average_order_value: 10,
          by_restaurant: [{ restaurant_id: r.alpha, restaurant_name: 'Alpha', revenue: 10, orders: 1 }],
        });
        expect(response.body.by_hour[0]).toEqual({ hour: 0, revenue: 10, orders: 1 });
      });

      it('answers a day without deliveries with zeros', async () => {
        expect((await t.admin.get('/analytics/revenue/daily?date=2020-02-28')).body).toMatchObject({
          total_revenue: 0,
          total_orders: 0,
          average_order_value: null,
          by_restaurant: [],
        });
      });

      it.each(['0001-01-01', '9999-12-31'])('answers the extreme day %s', async (date) => {
        const response = await t.admin.get(`/analytics/revenue/daily?date=${date}`);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ date, total_orders: 0, by_restaurant: [] });
      });

      it('recognises revenue on the day of delivery, not of ordering', async () => {
        // o8 was placed at 23:59:59 seven days ago and delivered 30 minutes later.
        expect((await t.admin.get(`/analytics/revenue/daily?date=${dayOf(D(7))}`)).body.total_orders).toBe(0);
        expect((await t.admin.get(`/analytics/revenue/daily?date=${dayOf(D(6))}`)).body).toMatchObject({
          total_revenue: 40,
          total_orders: 2,
        });
      });

      it.each([
        ['', 'date:isCalendarDate'],
        ['?date=2020-02-30', 'date:isCalendarDate'],
        ['?date=2019-02-29', 'date:isCalendarDate'],
        ['?date=2020-13-01', 'date:isCalendarDate'],
        ['?date=2020-1-01', 'date:isCalendarDate'],
        ['?date=2020-01-01T00:00:00Z', 'date:isCalendarDate'],
        ['?date=0000-01-01', 'date:isCalendarDate'],
        ['?date=2020-01-01&hour=3', 'hour:unknown_field'],
      ])('refuses %s with a 400', async (query, rule) => {
        const response = await t.admin.get(`/analytics/revenue/daily${query}`);
        expect(response.status).toBe(400);
        expect(response.body.errors.map((error: { field: string; rule: string }) => `${error.field}:${error.rule}`)).toEqual([rule]);
      });
    });

    describe('GET /analytics/revenue-analytics', () => {
      it('gives every day of the period and the growth against the previous 7 days', async () => {
        const response = await t.admin.get('/analytics/revenue-analytics?period=7d');
        const window = periodWindow('7d', new Date());
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          period: '7d',
          from: window.from,
          to: window.to,
          // o3 30.00 + o8 10.00 (placed before the period, delivered in it) + o4 24.50
          total_revenue: 64.5,
          total_orders: 3,
          average_order_value: 21.5,
          // 64.50 / 7 = 9.214...
          average_daily_revenue: 9.21,
          // o2 19.00, delivered 10 days ago
          previous_period: { from: window.previous_from, to: window.previous_to, revenue: 19, orders: 1 },
          // (64.50 - 19.00) / 19.00 = 239.47...%
          growth_percentage: 239.47,
          by_day: daysWith('7d', {
            [dayOf(D(6))]: { revenue: 40, orders: 2 },
            [dayOf(D(2))]: { revenue: 24.5, orders: 1 },
          }),
        });
      });

      it('has no growth when the previous period had no revenue', async () => {
        const response = await t.admin.get('/analytics/revenue-analytics?period=30d');
        expect(response.body).toMatchObject({
          // o1 18.00 + o2 19.00 + o3 30.00 + o4 24.50 + o8 10.00
          total_revenue: 101.5,
          total_orders: 5,
          previous_period: { revenue: 0, orders: 0 },
          growth_percentage: null,
        });
        expect(response.body.by_day).toHaveLength(30);
      });

      it('defaults to 7 days and refuses another period', async () => {
        expect((await t.admin.get('/analytics/revenue-analytics')).body.period).toBe('7d');
        const response = await t.admin.get('/analytics/revenue-analytics?period=14d');
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field: 'period', rule: 'isIn', message: 'period must be one of: 7d, 30d, 90d' }]);
      });
    });

    describe('GET /analytics/customers/behavior', () => {
      it('tells new from returning customers over the last 7 days', async () => {
        const response = await t.admin.get('/analytics/customers/behavior?period=7d');
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          period: '7d',
          from: dayOf(D(6)),
          to: todayUtc(),
          // Returning (ordered 10 days ago), Newcomer and Cancelling; Lapsed's o8 was a second too early.
          active_customers: 3,
          new_customers: 2,
          returning_customers: 1,
          // o3, o4, o5, o6, o7
          total_orders: 5,
          orders_per_customer: 1.67,
          // o3 30.00, o4 24.50, o6 4.50 (o5 and o7 cancelled): 59 / 3
          average_basket: 19.67,
          // Indian and Italian tie at 2 orders: byte order.
          top_cuisines: [
            { cuisine_type: 'Indian', orders: 2, customers: 2 },
            { cuisine_type: 'Italian', orders: 2, customers: 2 },
            { cuisine_type: 'Thai', orders: 1, customers: 1 },
          ],
          peak_hours: [
            { hour: 19, orders: 2 },
            { hour: 0, orders: 1 },
            { hour: 9, orders: 1 },
          ],
          orders_by_hour: hoursWith({ orders: 0 }, { 0: { orders: 1 }, 9: { orders: 1 }, 12: { orders: 1 }, 19: { orders: 2 } }),
        });
      });

      it('counts everyone as new over 30 days, when nobody ordered before', async () => {
        expect((await t.admin.get('/analytics/customers/behavior?period=30d')).body).toMatchObject({
          active_customers: 4,
          new_customers: 4,
          returning_customers: 0,
          total_orders: 8,
          orders_per_customer: 2,
        });
      });

      it('refuses another period', async () => {
        expect((await t.admin.get('/analytics/customers/behavior?period=7')).status).toBe(400);
      });
    });

    describe('GET /analytics/popular-items/revenue and GET /analytics/popular-items', () => {
      it('ranks the items of the orders placed in the period that were not cancelled', async () => {
        const response = await t.admin.get('/analytics/popular-items/revenue?period=7d');
        expect(response.status).toBe(200);
        const item = (
          key: string,
          name: string,
          category: string,
          restaurant: string,
          quantity: number,
          revenue: number,
          orders: number,
        ) => ({
          menu_item_id: m[key],
          name,
          category,
          restaurant_id: r[restaurant],
          restaurant_name: restaurant === 'alpha' ? 'Alpha' : 'Beta',
          quantity,
          revenue,
          orders,
        });
        expect(response.body).toEqual({
          period: '7d',
          from: dayOf(D(6)),
          to: todayUtc(),
          items: [
            item('A', 'Dish A', 'Main Course', 'alpha', 3, 30, 1),
            item('C', 'Dish C', 'Main Course', 'beta', 2, 24.5, 1),
            item('B', 'Dish B', 'Dessert', 'alpha', 1, 4.5, 1),
          ],
        });
        // The public list: the same ranking and counts, without the revenue.
        const trending = await t.http.get('/analytics/popular-items?period=7d');
        expect(trending.status).toBe(200);
        expect(trending.body).toEqual({
          ...response.body,
          items: response.body.items.map(({ revenue: _revenue, ...rest }: { revenue: number }) => rest),
        });
      });

      it('sums the prices paid over 30 days and honours the limit', async () => {
        const response = await t.admin.get('/analytics/popular-items/revenue?period=30d&limit=2');
        // A: o1 2 x 9.00 + o2 1 x 10 + o3 3 x 10 + o8 1 x 10; B: o2 2 x 4.50 + o6 1 x 4.50
        expect(
          response.body.items.map((entry: { menu_item_id: number; quantity: number; revenue: number; orders: number }) => [
            entry.menu_item_id,
            entry.quantity,
            entry.revenue,
            entry.orders,
          ]),
        ).toEqual([
          [m.A, 7, 68, 4],
          [m.B, 3, 13.5, 2],
        ]);
      });

      it.each(['limit=0', 'limit=51', 'limit=abc', 'limit=2.5', 'period=1d', 'sort=name'])('refuses %s with a 400', async (query) => {
        expect((await t.http.get(`/analytics/popular-items?${query}`)).status).toBe(400);
        expect((await t.admin.get(`/analytics/popular-items/revenue?${query}`)).status).toBe(400);
      });
    });

    describe('GET /analytics/restaurants/performance', () => {
      const alpha = () => ({
        restaurant_id: r.alpha,
        restaurant_name: 'Alpha',
        cuisine_type: 'Italian',
        // o1, o2, o3, o6, o8, o10, o11, o12
        total_orders: 8,
        delivered_orders: 6,
        cancelled_orders: 1,
        // 18 + 19 + 30 + 10 + 10 + 24.50
        revenue: 111.5,
        average_order_value: 18.58,
        cancellation_rate: 0.125,
        review_count: 3,
        // (5 + 4 + 2) / 3
        average_rating: 3.67,
        // o3 45 min, o12 40 min
        average_delivery_minutes: 42.5,
        stage_minutes: {
          // o3 2, o12 4, o6 3, o11 1
          placed_to_confirmed: 2.5,
          // o3 3, o12 6, o6 0.5
          confirmed_to_preparing: 3.17,
          // o3 15, o12 15, o6 10
          preparing_to_out_for_delivery: 13.33,
          // o3 25, o12 15
          out_for_delivery_to_delivered: 20,
        },
      });
      const beta = () => ({
        restaurant_id: r.beta,
        restaurant_name: 'Beta',
        cuisine_type: 'Indian',
        total_orders: 3,
        delivered_orders: 2,
        cancelled_orders: 1,
        revenue: 36.75,
        average_order_value: 18.38,
        cancellation_rate: 0.3333,
        review_count: 1,
        average_rating: 3,
        average_delivery_minutes: 50,
        stage_minutes: {
          placed_to_confirmed: 1.5,
          confirmed_to_preparing: 0.5,
          preparing_to_out_for_delivery: 10,
          out_for_delivery_to_delivered: 38,
        },
      });
      const empty = (key: string, name: string, cuisine: string) => ({
        restaurant_id: r[key],
        restaurant_name: name,
        cuisine_type: cuisine,
        total_orders: 0,
        delivered_orders: 0,
        cancelled_orders: 0,
        revenue: 0,
        average_order_value: null,
        cancellation_rate: null,
        review_count: 0,
        average_rating: null,
        average_delivery_minutes: null,
        stage_minutes: NO_STAGE_TIMES,
      });

      it('lists every restaurant by id, a page at a time, with the total', async () => {
        const first = await t.admin.get('/analytics/restaurants/performance?limit=2');
        expect(first.status).toBe(200);
        expect(first.headers.get('x-total-count')).toBe('4');
        expect(first.body).toEqual([alpha(), beta()]);
        const second = await t.admin.get('/analytics/restaurants/performance?skip=2&limit=2');
        expect(second.headers.get('x-total-count')).toBe('4');
        expect(second.body).toEqual([
          empty('gamma', 'Gamma', 'Italian'),
          {
            ...empty('delta', 'Delta', 'Thai'),
            total_orders: 1,
            cancelled_orders: 1,
            cancellation_rate: 1,
          },
        ]);
      });

      it('gives one restaurant when asked', async () => {
        const response = await t.admin.get(`/analytics/restaurants/performance?restaurant_id=${r.beta}`);
        expect(response.headers.get('x-total-count')).toBe('1');
        expect(response.body).toEqual([beta()]);
      });

      it('answers a missing restaurant with a 404', async () => {
        const response = await t.admin.get('/analytics/restaurants/performance?restaurant_id=999999');
        expect(response.status).toBe(404);
        expect(response.body.message).toBe('Restaurant 999999 not found');
      });

      it.each(['restaurant_id=abc', 'restaurant_id=0', 'restaurant_id=2147483648', 'limit=101', 'skip=-1'])(
        'refuses %s with a 400',
        async (query) => {
          expect((await t.admin.get(`/analytics/restaurants/performance?${query}`)).status).toBe(400);
        },
      );
    });

    describe('GET /analytics/customer-insights/{customer_id}', () => {
      it("summarises a customer's orders, favourites and habits", async () => {
        const before = Math.floor((Date.now() - at(D(2), 19).getTime()) / DAY_MS);
        const response = await t.admin.get(`/analytics/customer-insights/${c.returning}`);
        const after = Math.floor((Date.now() - at(D(2), 19).getTime()) / DAY_MS);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          customer_id: c.returning,
          customer_name: 'Returning',
          total_orders: 3,
          orders_by_status: { ...ZERO_STATUSES, delivered: 3 },
          // o2 19.00 + o3 30.00 + o4 24.50
          lifetime_spend: 73.5,
          average_basket: 24.5,
          first_order_at: at(D(10), 18).toISOString(),
          last_order_at: at(D(2), 19).toISOString(),
          days_since_last_order: expect.any(Number),
          favorite_restaurants: [
            { restaurant_id: r.alpha, name: 'Alpha', orders: 2 },
            { restaurant_id: r.beta, name: 'Beta', orders: 1 },
          ],
          favorite_cuisines: [
            { cuisine_type: 'Italian', orders: 2 },
            { cuisine_type: 'Indian', orders: 1 },
          ],
          // B and C tie at 2: lower id first.
          favorite_items: [
            { menu_item_id: m.A, name: 'Dish A', quantity: 4 },
            { menu_item_id: m.B, name: 'Dish B', quantity: 2 },
            { menu_item_id: m.C, name: 'Dish C', quantity: 2 },
          ],
          preferred_order_hours: [
            { hour: 0, orders: 1 },
            { hour: 18, orders: 1 },
            { hour: 19, orders: 1 },
          ],
        });
        expect([before, after]).toContain(response.body.days_since_last_order);
      });

      it('leaves cancelled orders out of spend, basket and items', async () => {
        const response = await t.admin.get(`/analytics/customer-insights/${c.newcomer}`);
        expect(response.body).toMatchObject({
          total_orders: 2,
          orders_by_status: { ...ZERO_STATUSES, out_for_delivery: 1, cancelled: 1 },
          lifetime_spend: 0,
          average_basket: 4.5,
          favorite_restaurants: [
            { restaurant_id: r.alpha, name: 'Alpha', orders: 1 },
            { restaurant_id: r.beta, name: 'Beta', orders: 1 },
          ],
          favorite_items: [{ menu_item_id: m.B, name: 'Dish B', quantity: 1 }],
        });
      });

      it('answers a missing customer with a 404 and a bad id with a 400', async () => {
        const missing = await t.admin.get('/analytics/customer-insights/999999');
        expect(missing.status).toBe(404);
        expect(missing.body.message).toBe('Customer 999999 not found');
        const bad = await t.admin.get('/analytics/customer-insights/1e3');
        expect(bad.status).toBe(400);
        expect(bad.body.errors[0].field).toBe('customer_id');
      });
    });

    it('computes the same figures whatever the session time zone', async () => {
      const runner = t.db.createQueryRunner();
      try {
        const repository = new AnalyticsRepository({
          query: (sql: string, parameters: unknown[]) => runner.query(sql, parameters),
        } as never);
        const window = periodWindow('7d', new Date());
        await runner.query(`SET TIME ZONE 'UTC'`);
        const inUtc = [await repository.dailyRevenue('2020-02-29'), await repository.customerBehavior(window)];
        await runner.query(`SET TIME ZONE 'Pacific/Kiritimati'`);
        const inKiritimati = [await repository.dailyRevenue('2020-02-29'), await repository.customerBehavior(window)];
        expect(inKiritimati).toEqual(inUtc);
      } finally {
        await runner.query('RESET TIME ZONE');
        await runner.release();
      }
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { ConflictException } from '@nestjs/common';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import {
  centsToDecimal,
  fromCents,
  lineTotalCents,
  MAX_ORDER_TOTAL_CENTS,
  type OrderableMenuItem,
  orderTotalCents,
  priceOrder,
  toCents,
} from './order-pricing.js';

const item = (id: number, price: number, values: Partial<OrderableMenuItem> = {}): OrderableMenuItem => ({
  id,
  name: `Dish ${id}`,
  price,
  is_available: true,
  restaurant_id: 1,
  ...values,
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

describe('money in cents', () => {
  it('recovers whole cents from prices a double cannot hold exactly', () => {
    expect(toCents(0.1)).toBe(10);
    expect(toCents(0.29)).toBe(29);
    expect(4.35 * 100).not.toBe(435);
    expect(toCents(4.35)).toBe(435);
    expect(toCents(99_999_999.99)).toBe(9_999_999_999);
  });

  it('sums without float drift where adding doubles drifts', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(fromCents(lineTotalCents({ unit_price: 0.1, quantity: 3 }))).toBe(0.3);
    const lines = [
      { unit_price: 12.99, quantity: 3 },
      { unit_price: 0.07, quantity: 99 },
      { unit_price: 4.35, quantity: 1 },
    ];
    expect(orderTotalCents(lines)).toBe(3897 + 693 + 435);
    expect(fromCents(orderTotalCents(lines))).toBe(50.25);
  });

  it('writes the exact decimal text', () => {
    expect(centsToDecimal(0)).toBe('0.00');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(2598)).toBe('25.98');
    expect(centsToDecimal(MAX_ORDER_TOTAL_CENTS)).toBe('99999999.99');
  });
});

describe('priceOrder', () => {
  it('prices each line at the current menu price and totals exactly', () => {
    const priced = priceOrder(
      1,
      [
        { menu_item_id: 2, quantity: 3, special_requests: 'no onions' },
        { menu_item_id: 5, quantity: 1 },
        { menu_item_id: 2, quantity: 1 },
      ],
      [item(2, 12.99), item(5, 0.1)],
    );
    expect(priced).toEqual({
      lines: [
        { menu_item_id: 2, unit_price: 12.99, quantity: 3, special_requests: 'no onions' },
        { menu_item_id: 5, unit_price: 0.1, quantity: 1, special_requests: null },
        { menu_item_id: 2, unit_price: 12.99, quantity: 1, special_requests: null },
      ],
      total_cents: 3897 + 10 + 1299,
    });
  });

  it('names every line whose item is missing or on another restaurant’s menu', () => {
    const error = thrown(() =>
      priceOrder(
        1,
        [
          { menu_item_id: 2, quantity: 1 },
          { menu_item_id: 9, quantity: 1 },
          { menu_item_id: 7, quantity: 1 },
        ],
        [item(2, 5), item(7, 5, { restaurant_id: 4 })],
      ),
    );
    expect(error).toBeInstanceOf(ValidationFailedException);
    expect((error as ValidationFailedException).fieldErrors).toEqual([
      { field: 'order_items.1.menu_item_id', rule: 'on_menu', message: 'menu item 9 does not exist' },
      { field: 'order_items.2.menu_item_id', rule: 'on_menu', message: 'menu item 7 is not on the menu of restaurant 1' },
    ]);
  });

  it('refuses unavailable items with a 409 naming each once', () => {
    const error = thrown(() =>
      priceOrder(
        1,
        [
          { menu_item_id: 3, quantity: 1 },
          { menu_item_id: 3, quantity: 2 },
        ],
        [item(3, 5, { is_available: false, name: 'Garlic Bread' })],
      ),
    );
    expect(error).toBeInstanceOf(ConflictException);
    expect((error as ConflictException).message).toBe('Menu item 3 (Garlic Bread) is not available');
  });

  it('refuses a total that does not fit numeric(10,2)', () => {
    const error = thrown(() => priceOrder(1, [{ menu_item_id: 1, quantity: 2 }], [item(1, 99_999_999.99)]));
    expect((error as ValidationFailedException).fieldErrors).toEqual([
      expect.objectContaining({ field: 'order_items', rule: 'max_total' }),
    ]);
  });

  it('accepts a total of exactly the maximum', () => {
    expect(priceOrder(1, [{ menu_item_id: 1, quantity: 1 }], [item(1, 99_999_999.99)]).total_cents).toBe(MAX_ORDER_TOTAL_CENTS);
  });
});

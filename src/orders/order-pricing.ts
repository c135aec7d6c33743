import { ConflictException } from '@nestjs/common';
import type { FieldError } from '../common/errors/error-body.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import type { MenuItem } from '../menu-items/entities/menu-item.entity.js';

/**
 * Order money in integer cents, so totals are exact (never float drift). Prices are numeric(10,2):
 * as a double each is the nearest value to a whole number of cents, which Math.round recovers.
 */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** The JSON number for a whole number of cents (the double nearest to the decimal). */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** The exact decimal text for a numeric(10,2) column, built from integers. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.trunc(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** numeric(10,2) holds at most 99,999,999.99. */
export const MAX_ORDER_TOTAL_CENTS = 9_999_999_999;

export interface PricedLine {
  unit_price: number;
  quantity: number;
}

export function lineTotalCents(line: PricedLine): number {
  return toCents(line.unit_price) * line.quantity;
}

export function orderTotalCents(lines: readonly PricedLine[]): number {
  return lines.reduce((sum, line) => sum + lineTotalCents(line), 0);
}

export interface RequestedLine {
  menu_item_id: number;
  quantity: number;
  special_requests?: string | null;
}

export type OrderableMenuItem = Pick<MenuItem, 'id' | 'name' | 'price' | 'is_available' | 'restaurant_id'>;

export interface OrderLine extends PricedLine {
  menu_item_id: number;
  special_requests: string | null;
}

export interface PricedOrder {
  lines: OrderLine[];
  total_cents: number;
}

/**
 * Prices the requested lines at the menu's current prices. Every line must name a menu item of
 * `restaurantId` (a 400 naming each failing line) that is available (a 409 naming the items), and
 * the total must fit the total_amount column.
 */
export function priceOrder(
  restaurantId: number,
  requested: readonly RequestedLine[],
  menuItems: readonly OrderableMenuItem[],
): PricedOrder {
  const menu = new Map(menuItems.map((item) => [item.id, item]));
  const unknownLines: FieldError[] = [];
  requested.forEach((line, index) => {
    const item = menu.get(line.menu_item_id);
    if (!item || item.restaurant_id !== restaurantId) {
      unknownLines.push({
        field: `order_items.${index}.menu_item_id`,
        rule: 'on_menu',
        message: item
          ? `menu item ${line.menu_item_id} is not on the menu of restaurant ${restaurantId}`
          : `menu item ${line.menu_item_id} does not exist`,
      });
    }
  });
  if (unknownLines.length > 0) throw new ValidationFailedException(unknownLines);

  const lines = requested.map((line) => ({
    item: menu.get(line.menu_item_id)!,
    quantity: line.quantity,
    special_requests: line.special_requests ?? null,
  }));
  const unavailable = [...new Map(lines.filter(({ item }) => !item.is_available).map(({ item }) => [item.id, item])).values()];
  if (unavailable.length > 0) {
    const names = unavailable.map((item) => `${item.id} (${item.name})`).join(', ');
    throw new ConflictException(unavailable.length === 1 ? `Menu item ${names} is not available` : `Menu items ${names} are not available`);
  }

  const priced = lines.map(({ item, quantity, special_requests }) => ({
    menu_item_id: item.id,
    unit_price: item.price,
    quantity,
    special_requests,
  }));
  const total_cents = orderTotalCents(priced);
  if (total_cents > MAX_ORDER_TOTAL_CENTS) {
    throw ValidationFailedException.single(
      'order_items',
      'max_total',
      `the order total ${centsToDecimal(total_cents)} exceeds the maximum of ${centsToDecimal(MAX_ORDER_TOTAL_CENTS)}`,
    );
  }
  return { lines: priced, total_cents };
}

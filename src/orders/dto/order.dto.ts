import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { MAX_ID } from '../../common/validation/parse-id.pipe.js';
import { Presence } from '../../common/validation/presence.js';
import { Trim, ZonelessAsUtc } from '../../common/validation/transforms.js';
import { DATE_TIME_WITH_ZONE_PATTERN, IsDateTimeWithZone, MaxTextLength } from '../../common/validation/validators.js';
import type { Customer } from '../../customers/entities/customer.entity.js';
import type { MenuItem } from '../../menu-items/entities/menu-item.entity.js';
import type { Restaurant } from '../../restaurants/entities/restaurant.entity.js';
import type { OrderItem } from '../entities/order-item.entity.js';
import { ORDER_STATUSES, OrderStatus } from '../../domain/order-status.js';
import type { Order } from '../entities/order.entity.js';
import { fromCents, lineTotalCents } from '../order-pricing.js';

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 99;

export class OrderLineDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: MAX_ID, description: 'A menu item of the ordered restaurant' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  menu_item_id: number;

  @ApiProperty({ type: 'integer', example: 2, minimum: 1, maximum: MAX_LINE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;

  @ApiPropertyOptional({ example: 'Extra cheese', maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxTextLength(500)
  special_requests?: string | null;
}

/** The server prices the order: a client-sent total_amount is refused as an unknown field. */
export class PlaceOrderDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: MAX_ID })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  restaurant_id: number;

  @ApiProperty({ example: '456 Oak Ave, City', minLength: 1, maxLength: 500 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxTextLength(500)
  delivery_address: string;

  @ApiPropertyOptional({ example: 'Ring doorbell twice', maxLength: 1000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxTextLength(1000)
  special_instructions?: string | null;

  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: MAX_ORDER_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  order_items: OrderLineDto[];
}

export class UpdateOrderStatusDto {
  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Confirmed })
  @IsEnum(OrderStatus, { message: `order_status must be one of: ${ORDER_STATUSES.join(', ')}` })
  order_status: OrderStatus;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2024-01-15T18:30:00Z',
    description:
      'Only with order_status "delivered": when it was delivered, ISO 8601 (a time without a zone is UTC); ' +
      'not in the future nor before the order date. Defaults to now.',
  })
  @Presence('omittable')
  @ZonelessAsUtc()
  @IsISO8601({ strict: true })
  @IsDateTimeWithZone()
  delivery_time?: string;
}

/** A calendar day alone, YYYY-MM-DD. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant an order-history bound names: a date alone is midnight UTC starting that day (for
 * `to`, the midnight that ends it, so the day is included); a date-time is that instant, UTC when
 * written without a zone. Undefined for text that names no instant (the DTO's rules refuse it).
 */
export function orderDateBound(value: string | undefined, bound: 'from' | 'to'): Date | undefined {
  if (value === undefined) return undefined;
  if (DATE_ONLY.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) return undefined;
    if (bound === 'to') day.setUTCDate(day.getUTCDate() + 1);
    return day;
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

const IsOrderDateBound = (bound: 'from' | 'to') =>
  ValidateBy({
    name: 'isDateOrDateTime',
    validator: {
      validate: (value) =>
        typeof value === 'string' &&
        (DATE_ONLY.test(value) || DATE_TIME_WITH_ZONE_PATTERN.test(value)) &&
        orderDateBound(value, bound) !== undefined,
      defaultMessage: () => `${bound} must be a date (YYYY-MM-DD) or an ISO 8601 date-time that exists`,
    },
  });

/** `to` must not be before `from`, compared as written: a date is its first instant (to=from, one date, is that day). */
const NotBeforeFrom = () =>
  ValidateBy({
    name: 'notBeforeFrom',
    validator: {
      validate: (value, args) => {
        const from = orderDateBound((args?.object as OrderListQuery).from, 'from');
        const to = orderDateBound(value as string, 'from');
        return from === undefined || to === undefined || to.getTime() >= from.getTime();
      },
      defaultMessage: () => 'to must not be before from: the range would end before it starts',
    },
  });

export class OrderListQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: OrderStatus, enumName: 'OrderStatus', description: 'Only orders in this status' })
  @IsOptional()
  @IsEnum(OrderStatus, { message: `status must be one of: ${ORDER_STATUSES.join(', ')}` })
  status?: OrderStatus;

  @ApiPropertyOptional({
    example: '2024-01-01',
    description:
      'Only orders placed at or after this: a date (from midnight UTC that day) or an ISO 8601 date-time ' +
      '(UTC when written without a zone). Inclusive.',
  })
  @IsOptional()
  @ZonelessAsUtc()
  @IsOrderDateBound('from')
  from?: string;

  @ApiPropertyOptional({
    example: '2024-01-31',
    description:
      'Only orders placed before this: a date includes that whole UTC day; a date-time (UTC when written without ' +
      'a zone) is exclusive. Must not be before from (400).',
  })
  @IsOptional()
  @ZonelessAsUtc()
  @IsOrderDateBound('to')
  @NotBeforeFrom()
  to?: string;
}

export class OrderItemResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ type: 'integer', example: 3 })
  menu_item_id: number;

  @ApiProperty({ example: 'Margherita Pizza', description: 'The menu item name now' })
  name: string;

  @ApiProperty({ type: 'integer', example: 2 })
  quantity: number;

  @ApiProperty({ example: 12.99, description: 'The price when the order was placed' })
  item_price: number;

  @ApiProperty({ example: 25.98, description: 'quantity x item_price' })
  line_total: number;

  @ApiProperty({ example: 'Extra cheese', nullable: true, type: String })
  special_requests: string | null;
}

export class OrderPartyResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  name: string;
}

export class OrderResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Placed })
  order_status: OrderStatus;

  @ApiProperty({ example: 25.98, description: 'Sum of the line totals, computed by the server' })
  total_amount: number;

  @ApiProperty({ example: '456 Oak Ave, City' })
  delivery_address: string;

  @ApiProperty({ example: 'Ring doorbell twice', nullable: true, type: String })
  special_instructions: string | null;

  @ApiProperty({ example: '2024-01-15T18:00:00.000Z', format: 'date-time' })
  order_date: string;

  @ApiProperty({ example: null, nullable: true, type: String, format: 'date-time' })
  delivery_time: string | null;

  @ApiProperty({ type: [OrderItemResponse], description: 'By id ascending' })
  order_items: OrderItemResponse[];

  @ApiProperty({ type: OrderPartyResponse })
  restaurant: OrderPartyResponse;

  @ApiProperty({ type: OrderPartyResponse })
  customer: OrderPartyResponse;
}

/** An order as the repository loads it: its lines (with the menu item name), restaurant and customer (not `is_final`, which queries select on). */
export type OrderDetails = Omit<Order, 'restaurant' | 'customer' | 'is_final'> & {
  order_items: (Omit<OrderItem, 'menu_item'> & { menu_item: Pick<MenuItem, 'name'> })[];
  restaurant: Pick<Restaurant, 'id' | 'name'>;
  customer: Pick<Customer, 'id' | 'name'>;
};

/** The one serialisation of an order, used by every route and event that carries one. */
export function toOrderResponse(order: OrderDetails): OrderResponse {
  return {
    id: order.id,
    customer_id: order.customer_id,
    restaurant_id: order.restaurant_id,
    order_status: order.order_status,
    total_amount: order.total_amount,
    delivery_address: order.delivery_address,
    special_instructions: order.special_instructions,
    order_date: order.order_date.toISOString(),
    delivery_time: order.delivery_time ? order.delivery_time.toISOString() : null,
    order_items: order.order_items.map((item) => ({
      id: item.id,
      menu_item_id: item.menu_item_id,
      name: item.menu_item.name,
      quantity: item.quantity,
      item_price: item.item_price,
      line_total: fromCents(lineTotalCents({ unit_price: item.item_price, quantity: item.quantity })),
      special_requests: item.special_requests,
    })),
    restaurant: { id: order.restaurant.id, name: order.restaurant.name },
    customer: { id: order.customer.id, name: order.customer.name },
  };
}

import { ApiProperty, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { isFinalStatus, OrderStatus } from '../../domain/order-status.js';
import type { OrderStatusChange } from '../../orders/entities/order-status-change.entity.js';
import { isOpenAllDay, type OpeningHours } from '../opening-hours.js';
import {
  DELIVERY_ALLOWANCE_MINUTES,
  type DeliveryEstimateBasis,
  estimatedDelivery,
  estimatedWaitMinutes,
  type Load,
  remainingCapacity,
  SLOT_MINUTES,
  type Slot,
  surge,
  SURGE_FULL_UTILISATION,
  SURGE_START_UTILISATION,
  type SurgeReason,
  type TrackedOrder,
  utilisation,
} from '../realtime-rules.js';

/** A restaurant with what moves with its orders in progress, as the repository loads it. */
export interface RestaurantLoad extends OpeningHours, Load {
  id: number;
  name: string;
  is_active: boolean;
  /** Average preparation_time of its available menu items that have one (2 decimals); null if none. */
  average_preparation_minutes: number | null;
}

const TIMEZONE_NOTE = 'All times of day are UTC: the server keeps no time zone per restaurant.';

export class DeliverySlotResponse {
  @ApiProperty({ example: '2024-01-15T18:30:00.000Z', format: 'date-time' })
  start: string;

  @ApiProperty({ example: '2024-01-15T19:00:00.000Z', format: 'date-time' })
  end: string;

  @ApiProperty({ type: 'integer', example: 7, description: 'capacity - orders in progress, never below 0' })
  remaining_capacity: number;

  @ApiProperty({ example: true, description: 'remaining_capacity > 0' })
  available: boolean;
}

export class DeliverySlotsResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ example: 'UTC', description: TIMEZONE_NOTE })
  timezone: 'UTC';

  @ApiProperty({ type: 'integer', example: SLOT_MINUTES })
  slot_minutes: number;

  @ApiProperty({ type: 'integer', example: 10 })
  capacity: number;

  @ApiProperty({ type: 'integer', example: 3, description: 'Orders placed, confirmed, preparing or out for delivery' })
  orders_in_progress: number;

  @ApiProperty({ example: '2024-01-15T18:10:00.000Z', format: 'date-time', description: 'The "now" the slots were computed for' })
  computed_at: string;

  @ApiProperty({ type: [DeliverySlotResponse] })
  slots: DeliverySlotResponse[];
}

export function toDeliverySlotsResponse(restaurant: RestaurantLoad, now: Date, slots: Slot[]): DeliverySlotsResponse {
  return {
    restaurant_id: restaurant.id,
    restaurant_name: restaurant.name,
    timezone: 'UTC',
    slot_minutes: SLOT_MINUTES,
    capacity: restaurant.capacity,
    orders_in_progress: restaurant.orders_in_progress,
    computed_at: now.toISOString(),
    slots: slots.map((slot) => ({
      start: slot.start.toISOString(),
      end: slot.end.toISOString(),
      remaining_capacity: slot.remaining_capacity,
      available: slot.remaining_capacity > 0,
    })),
  };
}

export class RestaurantAvailabilityResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: true, description: `Inside the opening hours now (hours spanning midnight included). ${TIMEZONE_NOTE}` })
  open_now: boolean;

  @ApiProperty({ example: false, description: 'No hours set (either time null) or opening = closing: open all day' })
  open_all_day: boolean;

  @ApiProperty({ example: '18:00:00', nullable: true, type: String })
  opening_time: string | null;

  @ApiProperty({ example: '02:00:00', nullable: true, type: String })
  closing_time: string | null;

  @ApiProperty({ example: 'UTC' })
  timezone: 'UTC';

  @ApiProperty({ example: '2024-01-15T18:10:00.000Z', format: 'date-time' })
  checked_at: string;

  @ApiProperty({ type: 'integer', example: 3 })
  orders_in_progress: number;

  @ApiProperty({ type: 'integer', example: 10 })
  capacity: number;

  @ApiProperty({ type: 'integer', example: 7 })
  remaining_capacity: number;

  @ApiProperty({ example: 0.3, description: 'orders_in_progress / capacity, 4 decimals' })
  utilisation: number;

  @ApiProperty({ example: true, description: 'Active, open now and below capacity' })
  accepting_orders: boolean;

  @ApiProperty({
    example: 12.5,
    nullable: true,
    type: Number,
    description: 'Average preparation_time of its available menu items that have one; null if none has',
  })
  average_preparation_minutes: number | null;

  @ApiProperty({
    example: 13,
    nullable: true,
    type: 'integer',
    description:
      'Minutes, rounded up: (floor(orders_in_progress / capacity) + 1) x average_preparation_minutes: the kitchen ' +
      'prepares capacity orders side by side, so a new order waits for the full rounds ahead of it and its own. Null ' +
      'when no preparation time is known.',
  })
  estimated_wait_minutes: number | null;
}

export function toAvailabilityResponse(restaurant: RestaurantLoad, now: Date, openNow: boolean): RestaurantAvailabilityResponse {
  const left = remainingCapacity(restaurant);
  return {
    restaurant_id: restaurant.id,
    restaurant_name: restaurant.name,
    is_active: restaurant.is_active,
    open_now: openNow,
    open_all_day: isOpenAllDay(restaurant),
    opening_time: restaurant.opening_time,
    closing_time: restaurant.closing_time,
    timezone: 'UTC',
    checked_at: now.toISOString(),
    orders_in_progress: restaurant.orders_in_progress,
    capacity: restaurant.capacity,
    remaining_capacity: left,
    utilisation: utilisation(restaurant),
    accepting_orders: restaurant.is_active && openNow && left > 0,
    average_preparation_minutes: restaurant.average_preparation_minutes,
    estimated_wait_minutes: estimatedWaitMinutes(restaurant, restaurant.average_preparation_minutes),
  };
}

const REASON_TEXT: Record<SurgeReason, string> = {
  normal_demand: `At most ${SURGE_START_UTILISATION * 100}% of capacity: normal prices`,
  high_demand: `Above ${SURGE_START_UTILISATION * 100}% and below ${SURGE_FULL_UTILISATION * 100}% of capacity: prices rise linearly`,
  at_capacity: 'At or above capacity: the highest multiplier',
};

export class DynamicPricingResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({
    example: 1.5,
    minimum: 1,
    maximum: 2,
    description:
      'u = orders_in_progress / capacity: 1.0 when u <= 0.5; 1 + (u - 0.5) / 0.5 when 0.5 < u < 1; 2.0 when u >= 1. ' +
      'Rounded to 2 decimals.',
  })
  multiplier: number;

  @ApiProperty({ enum: ['normal_demand', 'high_demand', 'at_capacity'], example: 'high_demand' })
  reason: SurgeReason;

  @ApiProperty({ example: REASON_TEXT.high_demand })
  explanation: string;

  @ApiProperty({ type: 'integer', example: 15 })
  orders_in_progress: number;

  @ApiProperty({ type: 'integer', example: 20 })
  capacity: number;

  @ApiProperty({ example: 0.75 })
  utilisation: number;

  @ApiProperty({ example: SURGE_START_UTILISATION, description: 'Utilisation where the surge starts' })
  surge_starts_at_utilisation: number;

  @ApiProperty({ example: SURGE_FULL_UTILISATION, description: 'Utilisation where the multiplier reaches its maximum' })
  maximum_at_utilisation: number;

  @ApiProperty({ example: '2024-01-15T18:10:00.000Z', format: 'date-time' })
  computed_at: string;
}

export function toDynamicPricingResponse(restaurant: RestaurantLoad, now: Date): DynamicPricingResponse {
  const { multiplier, reason } = surge(restaurant);
  return {
    restaurant_id: restaurant.id,
    restaurant_name: restaurant.name,
    multiplier,
    reason,
    explanation: REASON_TEXT[reason],
    orders_in_progress: restaurant.orders_in_progress,
    capacity: restaurant.capacity,
    utilisation: utilisation(restaurant),
    surge_starts_at_utilisation: SURGE_START_UTILISATION,
    maximum_at_utilisation: SURGE_FULL_UTILISATION,
    computed_at: now.toISOString(),
  };
}

/** An order as tracking needs it. */
export interface OrderForTracking extends TrackedOrder {
  id: number;
  customer_id: number;
  restaurant_id: number;
  order_status: OrderStatus;
}

export class TimelineStepResponse {
  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Confirmed })
  status: OrderStatus;

  @ApiProperty({
    enum: OrderStatus,
    enumName: 'OrderStatus',
    nullable: true,
    example: OrderStatus.Placed,
    description: 'Null for the first step',
  })
  from_status: OrderStatus | null;

  @ApiProperty({ example: '2024-01-15T18:02:00.000Z', format: 'date-time' })
  changed_at: string;
}

export class OrderTrackingResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  order_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Preparing })
  order_status: OrderStatus;

  @ApiProperty({ example: false, description: 'delivered or cancelled' })
  is_final: boolean;

  @ApiProperty({ example: '2024-01-15T18:00:00.000Z', format: 'date-time' })
  order_date: string;

  @ApiProperty({ type: [TimelineStepResponse], description: 'Every status change, oldest first' })
  timeline: TimelineStepResponse[];

  @ApiProperty({
    example: '2024-01-15T18:55:00.000Z',
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      `In progress: order_date + the longest preparation_time of its items (0 if none is known) + ${DELIVERY_ALLOWANCE_MINUTES} ` +
      'minutes of delivery; delivered: the delivery time; cancelled: null',
  })
  estimated_delivery_time: string | null;

  @ApiProperty({ enum: ['preparation_and_delivery', 'delivered', 'cancelled'], example: 'preparation_and_delivery' })
  estimate_basis: DeliveryEstimateBasis;

  @ApiProperty({ type: 'integer', nullable: true, example: 25, description: 'The longest preparation_time among its items' })
  longest_preparation_minutes: number | null;

  @ApiProperty({ example: null, nullable: true, type: String, format: 'date-time' })
  delivery_time: string | null;
}

export const isFinalTracking = (tracking: OrderTrackingResponse) => tracking.is_final;

export function toOrderTrackingResponse(order: OrderForTracking, timeline: OrderStatusChange[]): OrderTrackingResponse {
  const estimate = estimatedDelivery(order);
  return {
    order_id: order.id,
    customer_id: order.customer_id,
    restaurant_id: order.restaurant_id,
    order_status: order.order_status,
    is_final: isFinalStatus(order.order_status),
    order_date: order.order_date.toISOString(),
    timeline: timeline.map((step) => ({
      status: step.to_status,
      from_status: step.from_status,
      changed_at: step.changed_at.toISOString(),
    })),
    estimated_delivery_time: estimate.at ? estimate.at.toISOString() : null,
    estimate_basis: estimate.basis,
    longest_preparation_minutes: order.longest_preparation_minutes,
    delivery_time: order.delivery_time ? order.delivery_time.toISOString() : null,
  };
}

/** One order not yet final, as the live view lists it. */
export interface LiveOrderRow {
  id: number;
  order_status: OrderStatus;
  order_date: Date;
  customer_id: number;
  total_amount: number;
  restaurant_id: number;
  restaurant_name: string;
}

export class LiveOrderResponse {
  @ApiProperty({ type: 'integer', example: 12 })
  id: number;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Preparing })
  order_status: OrderStatus;

  @ApiProperty({ example: '2024-01-15T18:00:00.000Z', format: 'date-time' })
  order_date: string;

  @ApiProperty({ type: 'integer', example: 4 })
  customer_id: number;

  @ApiProperty({ example: 25.98 })
  total_amount: number;
}

export class LiveRestaurantOrdersResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ type: 'integer', example: 2 })
  order_count: number;

  @ApiProperty({ type: [LiveOrderResponse], description: 'Newest first (order_date, then id, descending)' })
  orders: LiveOrderResponse[];
}

/** Rows sorted by restaurant id, then newest first: grouped in that order. */
export function toLiveOrdersResponse(rows: LiveOrderRow[]): LiveRestaurantOrdersResponse[] {
  const groups: LiveRestaurantOrdersResponse[] = [];
  for (const row of rows) {
    let group = groups.at(-1);
    if (group?.restaurant_id !== row.restaurant_id) {
      group = { restaurant_id: row.restaurant_id, restaurant_name: row.restaurant_name, order_count: 0, orders: [] };
      groups.push(group);
    }
    group.order_count++;
    group.orders.push({
      id: row.id,
      order_status: row.order_status,
      order_date: row.order_date.toISOString(),
      customer_id: row.customer_id,
      total_amount: row.total_amount,
    });
  }
  return groups;
}

/** The data of a "status" or "status-changed" event on an order's event stream. */
export class OrderStatusEventData {
  @ApiProperty({ type: 'integer', example: 17 })
  order_id: number;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Confirmed })
  order_status: OrderStatus;

  @ApiProperty({
    enum: OrderStatus,
    enumName: 'OrderStatus',
    nullable: true,
    example: OrderStatus.Placed,
    description: 'Null on the "status" event that opens the stream',
  })
  from_status: OrderStatus | null;

  @ApiProperty({ example: false, description: 'delivered or cancelled: the stream ends after this event' })
  is_final: boolean;
}

/** The data of the "reconnect" event that ends a stream before the order is final. */
export class StreamReconnectEventData {
  @ApiProperty({
    type: 'integer',
    example: 17,
    required: false,
    description: 'Sent when the instance shuts down; absent when the access token expired',
  })
  order_id?: number;

  @ApiProperty({ example: 'This instance is shutting down' })
  reason: string;
}

/** The "reconnect" event as it arrives on any stream (`event:`, `data:` as JSON, `retry:`). */
export const RECONNECT_EVENT: SchemaObject = {
  type: 'object',
  properties: {
    event: { type: 'string', enum: ['reconnect'] },
    data: { $ref: getSchemaPath(StreamReconnectEventData) },
    retry: { type: 'integer', description: 'ms before reconnecting (when the instance shuts down)' },
  },
  required: ['event', 'data'],
};

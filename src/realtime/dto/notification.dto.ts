import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min } from 'class-validator';
import { MAX_ID } from '../../common/validation/parse-id.pipe.js';
import { Presence } from '../../common/validation/presence.js';
import type { Notification } from '../entities/notification.entity.js';

export const MAX_IDS_PER_REQUEST = 500;

export class MarkNotificationsReadDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: MAX_ID },
    example: [3, 4],
    minItems: 1,
    maxItems: MAX_IDS_PER_REQUEST,
    description: "Which of the customer's notifications to mark read; all of them when absent. Other customers' ids are left alone.",
  })
  @Presence('omittable')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IDS_PER_REQUEST)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  notification_ids?: number[];
}

export class NotificationResponse {
  @ApiProperty({ type: 'integer', example: 7 })
  id: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 12 })
  order_id: number | null;

  @ApiProperty({ example: 'order_preparing', description: 'order_<status> for the status the order reached' })
  kind: string;

  @ApiProperty({ example: 'Order being prepared' })
  title: string;

  @ApiProperty({ example: 'Pizza Palace is preparing your order #12.' })
  message: string;

  @ApiProperty({ example: false })
  is_read: boolean;

  @ApiProperty({ example: '2024-01-15T18:05:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: null, nullable: true, type: String, format: 'date-time' })
  read_at: string | null;
}

export function toNotificationResponse(notification: Notification): NotificationResponse {
  return {
    id: notification.id,
    order_id: notification.order_id,
    kind: notification.kind,
    title: notification.title,
    message: notification.message,
    is_read: notification.is_read,
    created_at: notification.created_at.toISOString(),
    read_at: notification.read_at ? notification.read_at.toISOString() : null,
  };
}

export interface NotificationCounts {
  total: number;
  unread: number;
}

export class NotificationListResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ type: 'integer', example: 5, description: 'All of the customer’s notifications' })
  total: number;

  @ApiProperty({ type: 'integer', example: 2 })
  unread_count: number;

  @ApiProperty({ type: 'integer', example: 3 })
  read_count: number;

  @ApiProperty({ type: 'integer', example: 0 })
  skip: number;

  @ApiProperty({ type: 'integer', example: 50 })
  limit: number;

  @ApiProperty({ type: [NotificationResponse], description: 'This page, newest first (created_at, then id, descending)' })
  notifications: NotificationResponse[];
}

export function toNotificationListResponse(
  customerId: number,
  counts: NotificationCounts,
  page: { skip: number; limit: number },
  notifications: Notification[],
): NotificationListResponse {
  return {
    customer_id: customerId,
    total: counts.total,
    unread_count: counts.unread,
    read_count: counts.total - counts.unread,
    skip: page.skip,
    limit: page.limit,
    notifications: notifications.map(toNotificationResponse),
  };
}

export class MarkReadResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ type: 'integer', example: 2, description: 'Notifications that were unread and are now read' })
  marked_read: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Unread notifications left' })
  unread_count: number;
}

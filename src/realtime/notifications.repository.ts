import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { NotificationCounts } from './dto/notification.dto.js';
import { Notification } from './entities/notification.entity.js';

/** Every query on the notifications table. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A page, newest first (created_at, then id, descending). */
  page(customerId: number, skip: number, limit: number): Promise<Notification[]> {
    return this.dataSource.getRepository(Notification).find({
      where: { customer_id: customerId },
      order: { created_at: 'DESC', id: 'DESC' },
      skip,
      take: limit,
    });
  }

  async counts(customerId: number): Promise<NotificationCounts> {
    const [row] = await this.dataSource.query<NotificationCounts[]>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT is_read)::int AS unread
         FROM notifications WHERE customer_id = $1`,
      [customerId],
    );
    return row;
  }

  /**
   * Inside the caller's transaction: marks the customer's unread notifications read (only those
   * ids when given); returns how many changed.
   */
  async markRead(customerId: number, ids: number[] | undefined, manager: EntityManager): Promise<number> {
    const query = manager
      .createQueryBuilder()
      .update(Notification)
      .set({ is_read: true, read_at: () => 'now()' })
      .where('customer_id = :customerId AND NOT is_read', { customerId });
    if (ids) query.andWhere('id IN (:...ids)', { ids });
    return (await query.execute()).affected ?? 0;
  }

  async deleteOlderThan(days: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(Notification)
      .where(`created_at < now() - make_interval(days => :days)`, { days })
      .execute();
    return result.affected ?? 0;
  }
}

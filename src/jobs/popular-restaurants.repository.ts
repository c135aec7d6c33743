import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The restaurants worth keeping warm. */
@Injectable()
export class PopularRestaurantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Active restaurants by number of orders (all time), most first, then by id; only those with orders. */
  async mostOrdered(limit: number): Promise<{ id: number; orders: number }[]> {
    return this.dataSource.query(
      `SELECT r.id, count(*)::int AS orders
         FROM orders o JOIN restaurants r ON r.id = o.restaurant_id
        WHERE r.is_active
        GROUP BY r.id
        ORDER BY orders DESC, r.id
        LIMIT $1`,
      [limit],
    );
  }
}

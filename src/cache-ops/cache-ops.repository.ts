import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface PopularRestaurant {
  restaurant_id: number;
  name: string;
  orders: number;
}

/** The SQL the operations endpoints run on domain tables: lookups to build events and pick what to warm. */
@Injectable()
export class CacheOpsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The restaurant with the lowest id, the demo subject; null when there is none. */
  async firstRestaurantId(): Promise<number | null> {
    const [row] = await this.dataSource.query<{ id: number | string }[]>(`SELECT id FROM restaurants ORDER BY id LIMIT 1`);
    return row ? Number(row.id) : null;
  }

  /** Restaurants by number of orders (all statuses), most first, then by id; only those with orders. */
  /** The popular set: active restaurants by number of orders (all time), most first, then by id; only those with orders. */
  async mostOrderedRestaurants(limit: number): Promise<PopularRestaurant[]> {
    const rows = await this.dataSource.query<PopularRestaurant[]>(
      `SELECT r.id AS restaurant_id, r.name, count(*)::int AS orders
         FROM orders o JOIN restaurants r ON r.id = o.restaurant_id
        WHERE r.is_active
        GROUP BY r.id, r.name
        ORDER BY orders DESC, r.id
        LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async menuItem(id: number): Promise<{ restaurant_id: number } | null> {
    const [row] = await this.dataSource.query<{ restaurant_id: number | string }[]>(`SELECT restaurant_id FROM menu_items WHERE id = $1`, [
      id,
    ]);
    return row ? { restaurant_id: Number(row.restaurant_id) } : null;
  }

  async customer(id: number): Promise<{ is_active: boolean } | null> {
    const [row] = await this.dataSource.query<{ is_active: boolean }[]>(`SELECT is_active FROM customers WHERE id = $1`, [id]);
    return row ? { is_active: row.is_active } : null;
  }

  async order(id: number): Promise<{ customer_id: number; restaurant_id: number; order_status: string } | null> {
    const [row] = await this.dataSource.query<{ customer_id: number | string; restaurant_id: number | string; order_status: string }[]>(
      `SELECT customer_id, restaurant_id, order_status::text AS order_status FROM orders WHERE id = $1`,
      [id],
    );
    return row ? { customer_id: Number(row.customer_id), restaurant_id: Number(row.restaurant_id), order_status: row.order_status } : null;
  }
}

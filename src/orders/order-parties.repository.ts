import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { Customer } from '../customers/entities/customer.entity.js';
import { MenuItem } from '../menu-items/entities/menu-item.entity.js';
import { Restaurant } from '../restaurants/entities/restaurant.entity.js';
import type { OrderableMenuItem } from './order-pricing.js';

export type OrderingCustomer = Pick<Customer, 'id' | 'name' | 'is_active'>;
export type OrderedRestaurant = Pick<Restaurant, 'id' | 'name' | 'is_active'>;

/**
 * The reads orders and reviews make of the customers, restaurants and menu items they refer to.
 * Each takes the transaction's manager when it runs inside one (a second connection would deadlock
 * the one-connection embedded Postgres).
 */
@Injectable()
export class OrderPartiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The customer, its row locked until the transaction ends (FOR NO KEY UPDATE: other placements
   * for the same customer wait, reviews and the orders' foreign keys do not).
   */
  lockCustomer(id: number, manager: EntityManager): Promise<OrderingCustomer | null> {
    return manager.findOne(Customer, {
      select: { id: true, name: true, is_active: true },
      where: { id },
      lock: { mode: 'for_no_key_update' },
    });
  }

  findRestaurant(id: number, manager: EntityManager = this.dataSource.manager): Promise<OrderedRestaurant | null> {
    return manager.findOne(Restaurant, { select: { id: true, name: true, is_active: true }, where: { id } });
  }

  findMenuItems(ids: readonly number[], manager: EntityManager = this.dataSource.manager): Promise<OrderableMenuItem[]> {
    return manager.find(MenuItem, {
      select: { id: true, name: true, price: true, is_available: true, restaurant_id: true },
      where: { id: In([...new Set(ids)]) },
    });
  }

  customerExists(id: number): Promise<boolean> {
    return this.dataSource.manager.existsBy(Customer, { id });
  }
}

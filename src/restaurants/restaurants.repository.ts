import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import type { PaginationQuery } from '../common/pagination/pagination.js';
import { MenuItem } from '../menu-items/entities/menu-item.entity.js';
import { Restaurant } from './entities/restaurant.entity.js';

/** Every filter is optional; the ones given must all hold. */
export interface RestaurantFilter {
  /** Case-insensitive exact cuisine type. */
  cuisine?: string;
  min_rating?: number;
  /** Case-insensitive substring of the address. */
  location?: string;
  is_active?: boolean;
}

export type RestaurantValues = Partial<Omit<Restaurant, 'id' | 'created_at' | 'updated_at'>>;

/** The unique index that makes names unique case-insensitively. */
export const UNIQUE_NAME_INDEX = 'uq_restaurants_name_lower';

/** All SQL about restaurants. */
@Injectable()
export class RestaurantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get restaurants() {
    return this.dataSource.getRepository(Restaurant);
  }

  /** Inserts the restaurant and returns its id; columns left undefined take their defaults. */
  async insert(values: RestaurantValues, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const result = await manager.insert(Restaurant, values);
    return (result.identifiers[0] as { id: number }).id;
  }

  findById(id: number, manager: EntityManager = this.dataSource.manager): Promise<Restaurant | null> {
    return manager.findOneBy(Restaurant, { id });
  }

  exists(id: number): Promise<boolean> {
    return this.restaurants.existsBy({ id });
  }

  /** The restaurant and all its menu items (by id ascending), read in one query. */
  findByIdWithMenu(id: number): Promise<(Restaurant & { menu_items: MenuItem[] }) | null> {
    return this.restaurants
      .createQueryBuilder('restaurant')
      .leftJoinAndMapMany('restaurant.menu_items', MenuItem, 'item', 'item.restaurant_id = restaurant.id')
      .where('restaurant.id = :id', { id })
      .orderBy('item.id', 'ASC')
      .getOne() as Promise<(Restaurant & { menu_items: MenuItem[] }) | null>;
  }

  /** The menu item and its restaurant, read in one query. */
  findMenuItemWithRestaurant(id: number): Promise<(MenuItem & { restaurant: Restaurant }) | null> {
    return this.dataSource
      .getRepository(MenuItem)
      .createQueryBuilder('item')
      .innerJoinAndMapOne('item.restaurant', Restaurant, 'restaurant', 'restaurant.id = item.restaurant_id')
      .where('item.id = :id', { id })
      .getOne() as Promise<(MenuItem & { restaurant: Restaurant }) | null>;
  }

  /** One page of the matching restaurants by id ascending, and how many match in all. */
  findPage(filter: RestaurantFilter, page: PaginationQuery): Promise<[Restaurant[], number]> {
    const query = this.restaurants.createQueryBuilder('restaurant').orderBy('restaurant.id', 'ASC').offset(page.skip).limit(page.limit);
    if (filter.cuisine !== undefined) {
      query.andWhere('lower(restaurant.cuisine_type) = lower(:cuisine)', { cuisine: filter.cuisine });
    }
    if (filter.min_rating !== undefined) query.andWhere('restaurant.rating >= :minRating', { minRating: filter.min_rating });
    if (filter.location !== undefined) {
      query.andWhere('strpos(lower(restaurant.address), lower(:location)) > 0', { location: filter.location });
    }
    if (filter.is_active !== undefined) query.andWhere('restaurant.is_active = :isActive', { isActive: filter.is_active });
    return query.getManyAndCount();
  }

  /** Applies the changes; false when no restaurant has this id. */
  async update(id: number, changes: RestaurantValues, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.update(Restaurant, { id }, changes);
    return (result.affected ?? 0) > 0;
  }

  /** Inside the caller's transaction; false when no restaurant has this id. */
  async delete(id: number, manager: EntityManager): Promise<boolean> {
    const result = await manager.delete(Restaurant, { id });
    return (result.affected ?? 0) > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { PaginationQuery } from '../common/pagination/pagination.js';
import { MenuItem } from './entities/menu-item.entity.js';

/** Every filter is optional; the ones given must all hold. */
export interface MenuItemFilter {
  /** Case-insensitive substring of the name or the description. */
  q?: string;
  /** Case-insensitive exact category. */
  category?: string;
  vegetarian?: boolean;
  vegan?: boolean;
  gluten_free?: boolean;
  available?: boolean;
  min_price?: number;
  max_price?: number;
  restaurant_id?: number;
}

export type MenuItemValues = Partial<Omit<MenuItem, 'id' | 'created_at' | 'updated_at'>>;

/** All SQL about menu items. */
@Injectable()
export class MenuItemsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get items() {
    return this.dataSource.getRepository(MenuItem);
  }

  /** Inserts the item and returns its id; columns left undefined take their defaults. */
  async insert(values: MenuItemValues, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const result = await manager.insert(MenuItem, values);
    return (result.identifiers[0] as { id: number }).id;
  }

  findById(id: number, manager: EntityManager = this.dataSource.manager): Promise<MenuItem | null> {
    return manager.findOneBy(MenuItem, { id });
  }

  /** One page of the matching items by id ascending, and how many match in all. */
  findPage(filter: MenuItemFilter, page: PaginationQuery): Promise<[MenuItem[], number]> {
    return this.pageQuery(filter, page).getManyAndCount();
  }

  /** The statement of {@link findPage}, also for EXPLAIN in tests and the benchmark. */
  pageQuery(filter: MenuItemFilter, page: PaginationQuery): SelectQueryBuilder<MenuItem> {
    const query = this.items.createQueryBuilder('item').orderBy('item.id', 'ASC').offset(page.skip).limit(page.limit);
    if (filter.q !== undefined) {
      // ILIKE on the bare columns, so the trigram indexes on name and description serve it (a BitmapOr of both);
      // a NULL description does not match. The text is matched literally: its wildcards are escaped.
      query.andWhere(`(item.name ILIKE :pattern OR item.description ILIKE :pattern)`, { pattern: `%${escapeLike(filter.q)}%` });
    }
    if (filter.category !== undefined) query.andWhere('lower(item.category) = lower(:category)', { category: filter.category });
    if (filter.vegetarian !== undefined) query.andWhere('item.is_vegetarian = :vegetarian', { vegetarian: filter.vegetarian });
    if (filter.vegan !== undefined) query.andWhere('item.is_vegan = :vegan', { vegan: filter.vegan });
    if (filter.gluten_free !== undefined) query.andWhere('item.is_gluten_free = :glutenFree', { glutenFree: filter.gluten_free });
    if (filter.available !== undefined) query.andWhere('item.is_available = :available', { available: filter.available });
    if (filter.min_price !== undefined) query.andWhere('item.price >= :minPrice', { minPrice: filter.min_price });
    if (filter.max_price !== undefined) query.andWhere('item.price <= :maxPrice', { maxPrice: filter.max_price });
    if (filter.restaurant_id !== undefined) query.andWhere('item.restaurant_id = :restaurantId', { restaurantId: filter.restaurant_id });
    return query;
  }

  /** Applies the changes; false when no item has this id. */
  async update(id: number, changes: MenuItemValues, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.update(MenuItem, { id }, changes);
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the item and returns its restaurant's id, or undefined when no item has this id. */
  async deleteById(id: number, manager: EntityManager = this.dataSource.manager): Promise<number | undefined> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(MenuItem)
      .where('id = :id', { id })
      .returning(['restaurant_id'])
      .execute();
    return (result.raw as { restaurant_id: number }[])[0]?.restaurant_id;
  }

  /** Inside the caller's transaction: deletes every item of the restaurant and returns their ids. */
  async deleteByRestaurant(restaurantId: number, manager: EntityManager): Promise<number[]> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(MenuItem)
      .where('restaurant_id = :restaurantId', { restaurantId })
      .returning(['id'])
      .execute();
    return (result.raw as { id: number }[]).map((row) => row.id);
  }
}

/** `%`, `_` and the escape character itself taken literally in a LIKE pattern (backslash is the default escape). */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

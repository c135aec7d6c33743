import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numericToNumber } from '../../common/database/column-transformers.js';

@Entity({ name: 'menu_items' })
@Check('ck_menu_items_price', `"price" > 0`)
@Check('ck_menu_items_preparation_time', `"preparation_time" > 0`)
// GIN trigram indexes for the search, made by migration 1764500000000 (TypeORM cannot declare an operator class).
@Index('ix_menu_items_name_trgm', { synchronize: false })
@Index('ix_menu_items_description_trgm', { synchronize: false })
export class MenuItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Index('ix_menu_items_price')
  @Column({ type: 'numeric', precision: 10, scale: 2, transformer: numericToNumber })
  price: number;

  @Index('ix_menu_items_category')
  @Column({ type: 'varchar', length: 50 })
  category: string;

  @Index('ix_menu_items_is_vegetarian')
  @Column({ type: 'boolean', default: false })
  is_vegetarian: boolean;

  @Index('ix_menu_items_is_vegan')
  @Column({ type: 'boolean', default: false })
  is_vegan: boolean;

  @Index('ix_menu_items_is_gluten_free')
  @Column({ type: 'boolean', default: false })
  is_gluten_free: boolean;

  @Index('ix_menu_items_is_available')
  @Column({ type: 'boolean', default: true })
  is_available: boolean;

  @Column({ type: 'integer', nullable: true })
  preparation_time: number | null;

  @Index('ix_menu_items_restaurant_id')
  @ForeignKey('Restaurant', { name: 'fk_menu_items_restaurant', onDelete: 'CASCADE' })
  @Column({ type: 'integer' })
  restaurant_id: number;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}

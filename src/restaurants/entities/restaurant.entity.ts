import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numericToNumber } from '../../common/database/column-transformers.js';

@Entity({ name: 'restaurants' })
@Check('ck_restaurants_rating', `"rating" BETWEEN 0 AND 5`)
@Check('ck_restaurants_capacity', `"capacity" > 0`)
@Check('ck_restaurants_review_count', `review_count >= 0`)
@Index('uq_restaurants_name_lower', { synchronize: false })
@Index('ix_restaurants_cuisine_type_lower', { synchronize: false })
export class Restaurant {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 50 })
  cuisine_type: string;

  @Column({ type: 'text' })
  address: string;

  @Column({ type: 'varchar', length: 20 })
  phone_number: string;

  @Index('ix_restaurants_rating')
  @Column({ type: 'numeric', precision: 3, scale: 2, default: 0, transformer: numericToNumber })
  rating: number;

  /**
   * How many reviews the restaurant has, and the sum of their ratings, from which add_review sets
   * `rating`. Kept by triggers on reviews (migration 1765400000000) for every way reviews arrive or
   * leave, so the application never reads or writes them through the entity (absent from a loaded one).
   */
  @Column({ type: 'integer', default: 0, select: false, insert: false, update: false })
  review_count?: number;

  @Column({ type: 'bigint', default: 0, select: false, insert: false, update: false })
  review_rating_total?: string;

  @Index('ix_restaurants_is_active')
  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  @Column({ type: 'time', nullable: true })
  opening_time: string | null;

  @Column({ type: 'time', nullable: true })
  closing_time: string | null;

  /** Orders in progress the kitchen can take at once. */
  @Column({ type: 'integer', default: 20 })
  capacity: number;

  /** The restaurant_owner account that manages it (null: admins only). */
  @Index('ix_restaurants_owner_account_id')
  @ForeignKey('Account', { name: 'fk_restaurants_owner_account', onDelete: 'SET NULL' })
  @Column({ type: 'integer', nullable: true })
  owner_account_id: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}

import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Customer } from '../../customers/entities/customer.entity.js';
import type { Order } from '../../orders/entities/order.entity.js';
import type { Restaurant } from '../../restaurants/entities/restaurant.entity.js';

@Entity({ name: 'reviews' })
@Check('ck_reviews_rating', `"rating" BETWEEN 1 AND 5`)
export class Review {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_reviews_customer_id')
  @Column({ type: 'integer' })
  customer_id: number;

  @Index('ix_reviews_restaurant_id')
  @Column({ type: 'integer' })
  restaurant_id: number;

  /** Unique: at most one review per order, enforced by the database so concurrent posts cannot both win. */
  @Index('uq_reviews_order_id', { unique: true })
  @Column({ type: 'integer' })
  order_id: number;

  @Column({ type: 'smallint' })
  rating: number;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @ManyToOne('Customer', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_reviews_customer' })
  customer?: Customer;

  @ManyToOne('Restaurant', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'restaurant_id', foreignKeyConstraintName: 'fk_reviews_restaurant' })
  restaurant?: Restaurant;

  // Many-to-one in TypeORM's terms; uq_reviews_order_id makes it one review per order.
  @ManyToOne('Order', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_reviews_order' })
  order?: Order;
}

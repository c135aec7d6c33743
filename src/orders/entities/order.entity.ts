import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { numericToNumber } from '../../common/database/column-transformers.js';
import type { Customer } from '../../customers/entities/customer.entity.js';
import type { Restaurant } from '../../restaurants/entities/restaurant.entity.js';
import { OrderStatus } from '../../domain/order-status.js';

@Entity({ name: 'orders' })
@Check('ck_orders_total_amount', `"total_amount" >= 0`)
@Index('ix_orders_restaurant_id_order_date', ['restaurant_id', 'order_date'])
@Index('ix_orders_customer_id_order_date', ['customer_id', 'order_date'])
@Index('ix_orders_open_customer_id', ['customer_id'], { where: `NOT "is_final"` })
@Index('ix_orders_open_restaurant_id', ['restaurant_id'], { where: `NOT "is_final"` })
@Index('ix_orders_delivery_time', ['delivery_time'], { where: `"delivery_time" IS NOT NULL` })
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customer_id: number;

  @Column({ type: 'integer' })
  restaurant_id: number;

  /** In no index, so that a status change other than the last updates the row in place (see migration 1765800000000). */
  @Column({ type: 'enum', enum: OrderStatus, enumName: 'order_status', default: OrderStatus.Placed })
  order_status: OrderStatus;

  /** Delivered or cancelled (FINAL_ORDER_STATUSES), computed by Postgres: what the indexes of open orders select on. */
  @Column({
    type: 'boolean',
    generatedType: 'STORED',
    asExpression: `"order_status" IN ('delivered', 'cancelled')`,
    insert: false,
    update: false,
    select: false,
  })
  is_final: boolean;

  @Column({ type: 'numeric', precision: 10, scale: 2, transformer: numericToNumber })
  total_amount: number;

  @Column({ type: 'text' })
  delivery_address: string;

  @Column({ type: 'text', nullable: true })
  special_instructions: string | null;

  @Index('ix_orders_order_date')
  @Column({ type: 'timestamptz', default: () => 'now()' })
  order_date: Date;

  @Column({ type: 'timestamptz', nullable: true })
  delivery_time: Date | null;

  @ManyToOne('Customer', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_orders_customer' })
  customer?: Customer;

  @ManyToOne('Restaurant', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'restaurant_id', foreignKeyConstraintName: 'fk_orders_restaurant' })
  restaurant?: Restaurant;
}

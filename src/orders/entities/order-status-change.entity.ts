import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrderStatus } from '../../domain/order-status.js';
import type { Order } from './order.entity.js';

/** One step of an order's history; the first has no `from_status` (the order was placed). */
@Entity({ name: 'order_status_changes' })
@Index('ix_order_status_changes_order_id_changed_at', ['order_id', 'changed_at'])
export class OrderStatusChange {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  order_id: number;

  @Column({ type: 'enum', enum: OrderStatus, enumName: 'order_status', nullable: true })
  from_status: OrderStatus | null;

  @Column({ type: 'enum', enum: OrderStatus, enumName: 'order_status' })
  to_status: OrderStatus;

  @Index('ix_order_status_changes_changed_at')
  @Column({ type: 'timestamptz', default: () => 'now()' })
  changed_at: Date;

  @ManyToOne('Order', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_status_changes_order' })
  order?: Order;
}

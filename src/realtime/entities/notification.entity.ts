import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Customer } from '../../customers/entities/customer.entity.js';
import type { Order } from '../../orders/entities/order.entity.js';

@Entity({ name: 'notifications' })
@Index('ix_notifications_customer_id_created_at', ['customer_id', 'created_at'])
export class Notification {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customer_id: number;

  @Index('ix_notifications_order_id')
  @Column({ type: 'integer', nullable: true })
  order_id: number | null;

  @Column({ type: 'varchar', length: 50 })
  kind: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'boolean', default: false })
  is_read: boolean;

  @Index('ix_notifications_created_at')
  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  read_at: Date | null;

  @ManyToOne('Customer', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_notifications_customer' })
  customer?: Customer;

  @ManyToOne('Order', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_notifications_order' })
  order?: Order;
}

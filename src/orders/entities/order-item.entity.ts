import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { numericToNumber } from '../../common/database/column-transformers.js';
import type { MenuItem } from '../../menu-items/entities/menu-item.entity.js';
import type { Order } from './order.entity.js';

/** The association between an order and a menu item, with the price paid at the time. */
@Entity({ name: 'order_items' })
@Check('ck_order_items_quantity', `"quantity" BETWEEN 1 AND 99`)
@Check('ck_order_items_item_price', `"item_price" > 0`)
export class OrderItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_order_items_order_id')
  @Column({ type: 'integer' })
  order_id: number;

  @Index('ix_order_items_menu_item_id')
  @Column({ type: 'integer' })
  menu_item_id: number;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'numeric', precision: 10, scale: 2, transformer: numericToNumber })
  item_price: number;

  @Column({ type: 'text', nullable: true })
  special_requests: string | null;

  @ManyToOne('Order', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_items_order' })
  order?: Order;

  @ManyToOne('MenuItem', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'menu_item_id', foreignKeyConstraintName: 'fk_order_items_menu_item' })
  menu_item?: MenuItem;
}

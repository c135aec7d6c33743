import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Who owns what, for the access guard: one primary-key read per check. */
export interface Ownership {
  /** The restaurant owner's account, or null when the restaurant has none. */
  ownerAccountId: number | null;
}

export interface OrderParties extends Ownership {
  customerId: number;
}

const toOwnership = (row: { owner_account_id: number | null } | undefined): Ownership | null =>
  row ? { ownerAccountId: row.owner_account_id } : null;

@Injectable()
export class AccessLookups {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async restaurant(id: number): Promise<Ownership | null> {
    const [row] = await this.dataSource.query('SELECT owner_account_id FROM restaurants WHERE id = $1', [id]);
    return toOwnership(row);
  }

  async menuItem(id: number): Promise<Ownership | null> {
    const [row] = await this.dataSource.query(
      'SELECT r.owner_account_id FROM menu_items m JOIN restaurants r ON r.id = m.restaurant_id WHERE m.id = $1',
      [id],
    );
    return toOwnership(row);
  }

  async order(id: number): Promise<OrderParties | null> {
    const [row] = await this.dataSource.query(
      'SELECT o.customer_id, r.owner_account_id FROM orders o JOIN restaurants r ON r.id = o.restaurant_id WHERE o.id = $1',
      [id],
    );
    return row ? { customerId: row.customer_id, ownerAccountId: row.owner_account_id } : null;
  }
}

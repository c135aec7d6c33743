import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../../customers/entities/customer.entity.js';
import type { Role } from '../../access/principal.js';

/** Who can sign in. A customer account belongs to exactly one Customer; other roles have none. */
@Entity({ name: 'accounts' })
@Check('ck_accounts_role', `"role" IN ('customer', 'restaurant_owner', 'admin')`)
@Check('ck_accounts_customer_id', `("role" = 'customer') = ("customer_id" IS NOT NULL)`)
@Index('uq_accounts_email_lower', { synchronize: false })
export class Account {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stored lower-case; unique case-insensitively. */
  @Column({ type: 'varchar', length: 255 })
  email: string;

  /** bcrypt (60 characters); never leaves the repository except to be compared. */
  @Column({ type: 'varchar', length: 100 })
  password_hash: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @Index('uq_accounts_customer_id', { unique: true })
  @ForeignKey(() => Customer, { name: 'fk_accounts_customer', onDelete: 'CASCADE' })
  @Column({ type: 'integer', nullable: true })
  customer_id: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}

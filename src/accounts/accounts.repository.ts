import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Account } from './entities/account.entity.js';
import type { Role } from '../access/principal.js';

/** The unique index that makes account emails unique case-insensitively. */
export const ACCOUNT_EMAIL_INDEX = 'uq_accounts_email_lower';

export interface NewAccount {
  email: string;
  password_hash: string;
  role: Role;
  customer_id: number | null;
}

/** Every query on accounts, and the owner column of restaurants (which points at them). */
@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inside the caller's transaction when given one. */
  insert(account: NewAccount, manager: EntityManager = this.dataSource.manager): Promise<Account> {
    const repository = manager.getRepository(Account);
    return repository.save(repository.create(account));
  }

  /** Inserts unless an account already has this email (also when another instance does it at the same moment). */
  async insertIfAbsent(account: NewAccount): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO accounts (email, password_hash, role, customer_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [account.email, account.password_hash, account.role, account.customer_id],
    );
    return rows.length > 0;
  }

  /** `email` is stored lower-case, and the unique index is on lower(email): this query uses it. */
  findByEmail(email: string): Promise<Account | null> {
    return this.dataSource
      .getRepository(Account)
      .createQueryBuilder('account')
      .where('lower(account.email) = lower(:email)', { email })
      .getOne();
  }

  /**
   * Whether an account or a Customer has this email already (registration creates both, and
   * either taking it makes the email taken). Both lookups use the unique lower(email) indexes.
   */
  async emailInUse(email: string): Promise<boolean> {
    const [row]: Array<{ taken: boolean }> = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM accounts WHERE lower(email) = lower($1))
           OR EXISTS (SELECT 1 FROM customers WHERE lower(email) = lower($1)) AS taken`,
      [email],
    );
    return row.taken;
  }

  async accountHasEmail(email: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM accounts WHERE lower(email) = lower($1)', [email]);
    return rows.length > 0;
  }

  /** Replaces a password hash unless it changed meanwhile (a concurrent sign-in rehashed it first). */
  async replacePasswordHash(id: number, previous: string, next: string): Promise<void> {
    await this.dataSource.query('UPDATE accounts SET password_hash = $3 WHERE id = $1 AND password_hash = $2', [id, previous, next]);
  }

  findById(id: number): Promise<Account | null> {
    return this.dataSource.getRepository(Account).findOneBy({ id });
  }

  /** Sets (or with null clears) the owner of a restaurant; false when there is no such restaurant. */
  async setRestaurantOwner(
    restaurantId: number,
    accountId: number | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected row count].
    const [, affected]: [unknown[], number] = await manager.query(
      'UPDATE restaurants SET owner_account_id = $1, updated_at = now() WHERE id = $2',
      [accountId, restaurantId],
    );
    return affected > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { RefreshToken } from './entities/refresh-token.entity.js';

export interface NewRefreshToken {
  id: string;
  accountId: number;
  familyId: string;
  tokenHash: string;
  ttlSeconds: number;
}

export interface StoredRefreshToken {
  familyId: string;
  revoked: boolean;
  expired: boolean;
}

/**
 * Every query on refresh_tokens. Tokens are looked up by their hash only; expiry is judged by the
 * database clock, the same one that wrote expires_at.
 */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inside the caller's transaction when given one. */
  async insert(token: NewRefreshToken, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO refresh_tokens (id, account_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [token.id, token.accountId, token.familyId, token.tokenHash, token.ttlSeconds],
    );
  }

  /**
   * Revokes the live token with `tokenHash` and stores its successor in the same family, in one
   * statement: of concurrent rotations of one token exactly one finds it unrevoked (the others wait
   * for its row lock, then re-check the condition). Returns the account, or null when the token
   * was unknown, expired or already revoked.
   */
  async rotate(tokenHash: string, successor: Omit<NewRefreshToken, 'accountId' | 'familyId'>): Promise<number | null> {
    const rows: Array<{ account_id: number }> = await this.dataSource.query(
      `WITH rotated AS (
         UPDATE refresh_tokens SET revoked_at = now(), replaced_by = $2
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
          RETURNING account_id, family_id
       )
       INSERT INTO refresh_tokens (id, account_id, family_id, token_hash, expires_at)
       SELECT $2, account_id, family_id, $3, now() + make_interval(secs => $4) FROM rotated
       RETURNING account_id`,
      [tokenHash, successor.id, successor.tokenHash, successor.ttlSeconds],
    );
    return rows[0]?.account_id ?? null;
  }

  async find(tokenHash: string): Promise<StoredRefreshToken | null> {
    const [row]: Array<{ family_id: string; revoked: boolean; expired: boolean }> = await this.dataSource.query(
      `SELECT family_id, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
         FROM refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return row ? { familyId: row.family_id, revoked: row.revoked, expired: row.expired } : null;
  }

  /** Revokes every live token of the family; returns how many. */
  async revokeFamily(familyId: string): Promise<number> {
    // TypeORM answers an UPDATE with [rows, affected row count].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
      [familyId],
    );
    return affected;
  }

  /** Revokes the family of the token with `tokenHash`, if there is one. */
  async revokeFamilyOf(tokenHash: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`,
      [tokenHash],
    );
  }

  /** Tokens expired more than `days` ago: useless for sign-in, kept a while only to recognise replays. */
  async deleteExpiredOlderThan(days: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(RefreshToken)
      .where('expires_at < now() - make_interval(days => :days)', { days })
      .execute();
    return result.affected ?? 0;
  }
}

import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity.js';

/**
 * One issued refresh token, stored as the SHA-256 of the token (the token itself is never stored).
 * Rotation revokes a token and links it to its successor; every token of one sign-in shares a
 * family, so a replayed token can revoke the whole chain.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  /** The migration's default is gen_random_uuid(), which TypeORM reads back as a generated uuid. */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_refresh_tokens_account_id')
  @ForeignKey(() => Account, { name: 'fk_refresh_tokens_account', onDelete: 'CASCADE' })
  @Column({ type: 'integer' })
  account_id: number;

  @Index('ix_refresh_tokens_family_id')
  @Column({ type: 'uuid' })
  family_id: string;

  /** Hex SHA-256 of the token. */
  @Index('uq_refresh_tokens_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  token_hash: string;

  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at: Date | null;

  /** The token this one was rotated into. Not a foreign key, so expired tokens can be pruned in any order. */
  @Column({ type: 'uuid', nullable: true })
  replaced_by: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at: Date;
}

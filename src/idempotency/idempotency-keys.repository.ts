import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** How long a key is kept (and answers retries): a key older than this is free again. */
export const IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

/** A key freed between the claim and the look at its holder is claimed again, at most this often. */
const CLAIM_ATTEMPTS = 3;

/** A stored answer: the status and JSON text the first request got. */
export interface StoredResponse {
  status: number;
  body: string;
}

/** The resource a committed write made or changed, as its function marked the key (migration 1765100000000). */
export interface CommittedResource {
  kind: string;
  id: number;
}

/** What {@link IdempotencyKeysRepository.claim} found. */
export type KeyClaim =
  | { outcome: 'claimed'; claim: string }
  | { outcome: 'answered'; fingerprint: string; response: StoredResponse }
  /** The write committed but its answer was never stored (its process died in between, or the store failed). */
  | { outcome: 'committed'; fingerprint: string; resource: CommittedResource }
  | { outcome: 'running'; fingerprint: string };

interface KeyRow {
  fingerprint: string;
  response_status: number | null;
  response_body: string | null;
  resource_kind: string | null;
  resource_id: number | null;
}

/** Every query on the idempotency_keys table. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request in one statement, or reports what holds it. A key is free when
   * unknown, older than the retention, or held by a request of the same fingerprint whose lease
   * ran out and whose write did not commit (its instance stopped before that). A key whose write
   * committed is never taken: the write marked it in its own transaction, and a claim waiting on
   * that transaction's row lock sees the mark once it commits. Concurrent claims of one key: the
   * primary key lets exactly one insert; the others wait for it and then see its row.
   */
  async claim(scope: string, key: string, fingerprint: string, leaseMs: number): Promise<KeyClaim> {
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      const claimed: { claim: string }[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys AS k (scope, key, fingerprint, claim, locked_until)
         VALUES ($1, $2, $3, gen_random_uuid(), now() + $4::int * interval '1 millisecond')
         ON CONFLICT (scope, key) DO UPDATE
            SET fingerprint = EXCLUDED.fingerprint, claim = EXCLUDED.claim, locked_until = EXCLUDED.locked_until,
                response_status = NULL, response_body = NULL, resource_kind = NULL, resource_id = NULL, created_at = now()
          WHERE k.created_at < now() - $5::int * interval '1 hour'
             OR (k.response_status IS NULL AND k.resource_id IS NULL AND k.locked_until < now()
                 AND k.fingerprint = EXCLUDED.fingerprint)
         RETURNING k.claim`,
        [scope, key, fingerprint, leaseMs, IDEMPOTENCY_KEY_RETENTION_HOURS],
      );
      if (claimed.length === 1) return { outcome: 'claimed', claim: claimed[0].claim };
      const [held]: KeyRow[] = await this.dataSource.query(
        'SELECT fingerprint, response_status, response_body, resource_kind, resource_id FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      // Released (its request failed) or pruned between the two statements: claim it again.
      if (!held) continue;
      if (held.response_status === null) {
        if (held.resource_id === null) return { outcome: 'running', fingerprint: held.fingerprint };
        return { outcome: 'committed', fingerprint: held.fingerprint, resource: { kind: held.resource_kind!, id: held.resource_id } };
      }
      return { outcome: 'answered', fingerprint: held.fingerprint, response: { status: held.response_status, body: held.response_body! } };
    }
    // Freed again each time: another request is taking it right now.
    return { outcome: 'running', fingerprint };
  }

  /** Stores the answer of the request holding `claim`; retries get it from now on. */
  async complete(scope: string, key: string, claim: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET response_status = $4, response_body = $5, locked_until = NULL
        WHERE scope = $1 AND key = $2 AND claim = $3`,
      [scope, key, claim, response.status, response.body],
    );
  }

  /**
   * Frees the key held by `claim` after its request failed: a retry runs again. Unless its write
   * committed before the failure (the key is marked): that key stays, and a retry is answered
   * from the resource.
   */
  async release(scope: string, key: string, claim: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE scope = $1 AND key = $2 AND claim = $3 AND response_status IS NULL AND resource_id IS NULL`,
      [scope, key, claim],
    );
  }

  /** Retention: deletes the keys past {@link IDEMPOTENCY_KEY_RETENTION_HOURS}; returns how many. */
  async deleteExpired(): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - $1::int * interval '1 hour'`,
      [IDEMPOTENCY_KEY_RETENTION_HOURS],
    );
    return deleted;
  }
}

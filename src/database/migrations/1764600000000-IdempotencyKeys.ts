import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Idempotency-Key of each write a caller sent, with the answer it got, so a retry gets that
 * answer instead of doing the write again. Keyed by the caller (scope) and the key: two callers
 * may pick the same key. A row without response_status is a request still running, owned until
 * locked_until by the request holding `claim`. created_at drives the 24-hour retention (the cleanup job prunes by it).
 */
export class IdempotencyKeys1764600000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" (
        "scope" character varying(64) NOT NULL,
        "key" character varying(255) NOT NULL,
        "fingerprint" character(64) NOT NULL,
        "response_status" smallint,
        "response_body" text,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "claim" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("scope", "key")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}

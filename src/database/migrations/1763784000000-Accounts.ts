import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts (customers, restaurant owners, admins), their refresh tokens, and restaurant owners. */
export class Accounts1763784000000 implements MigrationInterface {
  name = 'Accounts1763784000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "accounts" (
        "id" SERIAL PRIMARY KEY,
        "email" varchar(255) NOT NULL,
        "password_hash" varchar(100) NOT NULL,
        "role" varchar(20) NOT NULL CONSTRAINT "ck_accounts_role" CHECK ("role" IN ('customer', 'restaurant_owner', 'admin')),
        "customer_id" integer,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "ck_accounts_customer_id" CHECK (("role" = 'customer') = ("customer_id" IS NOT NULL)),
        CONSTRAINT "fk_accounts_customer" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_accounts_email_lower" ON "accounts" (lower("email"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_accounts_customer_id" ON "accounts" ("customer_id")`);

    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" integer NOT NULL,
        "family_id" uuid NOT NULL,
        "token_hash" char(64) NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        "replaced_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "fk_refresh_tokens_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_refresh_tokens_token_hash" ON "refresh_tokens" ("token_hash")`);
    await queryRunner.query(`CREATE INDEX "ix_refresh_tokens_family_id" ON "refresh_tokens" ("family_id")`);
    await queryRunner.query(`CREATE INDEX "ix_refresh_tokens_account_id" ON "refresh_tokens" ("account_id")`);

    await queryRunner.query(`
      ALTER TABLE "restaurants" ADD COLUMN "owner_account_id" integer
        CONSTRAINT "fk_restaurants_owner_account" REFERENCES "accounts" ("id") ON DELETE SET NULL`);
    await queryRunner.query(`CREATE INDEX "ix_restaurants_owner_account_id" ON "restaurants" ("owner_account_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "restaurants" DROP COLUMN "owner_account_id"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "accounts"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Order status history, customer notifications, the cache audit log, alerts and job runs. */
export class OperationsAndHistory1763780400000 implements MigrationInterface {
  name = 'OperationsAndHistory1763780400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "order_status_changes" (
        "id" SERIAL PRIMARY KEY,
        "order_id" integer NOT NULL,
        "from_status" "order_status",
        "to_status" "order_status" NOT NULL,
        "changed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "fk_order_status_changes_order" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_order_status_changes_order_id_changed_at" ON "order_status_changes" ("order_id", "changed_at")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_order_status_changes_changed_at" ON "order_status_changes" ("changed_at")`);
    // Orders placed before this migration get their creation as the first entry of their history.
    await queryRunner.query(`
      INSERT INTO "order_status_changes" ("order_id", "from_status", "to_status", "changed_at")
      SELECT "id", NULL, 'placed', "order_date" FROM "orders"`);

    await queryRunner.query(`
      CREATE TABLE "notifications" (
        "id" SERIAL PRIMARY KEY,
        "customer_id" integer NOT NULL,
        "order_id" integer,
        "kind" varchar(50) NOT NULL,
        "title" varchar(200) NOT NULL,
        "message" text NOT NULL,
        "is_read" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "read_at" timestamptz,
        CONSTRAINT "fk_notifications_customer" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_notifications_order" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_notifications_customer_id_created_at" ON "notifications" ("customer_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "ix_notifications_order_id" ON "notifications" ("order_id")`);
    await queryRunner.query(`CREATE INDEX "ix_notifications_created_at" ON "notifications" ("created_at")`);

    await queryRunner.query(`
      CREATE TABLE "cache_audit_log" (
        "id" BIGSERIAL PRIMARY KEY,
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        "cause" varchar(200) NOT NULL,
        "action" varchar(30) NOT NULL,
        "namespace" varchar(50),
        "tags" text[] NOT NULL DEFAULT '{}',
        "keys" text[] NOT NULL DEFAULT '{}',
        "key_count" integer NOT NULL DEFAULT 0,
        "reason" text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX "ix_cache_audit_log_occurred_at" ON "cache_audit_log" ("occurred_at")`);
    await queryRunner.query(`CREATE INDEX "ix_cache_audit_log_namespace_occurred_at" ON "cache_audit_log" ("namespace", "occurred_at")`);

    await queryRunner.query(`
      CREATE TABLE "alerts" (
        "id" SERIAL PRIMARY KEY,
        "rule" varchar(100) NOT NULL,
        "severity" varchar(20) NOT NULL CONSTRAINT "ck_alerts_severity" CHECK ("severity" IN ('warning', 'critical')),
        "status" varchar(20) NOT NULL DEFAULT 'open' CONSTRAINT "ck_alerts_status" CHECK ("status" IN ('open', 'acknowledged', 'resolved')),
        "message" text NOT NULL,
        "value" double precision NOT NULL,
        "threshold" double precision NOT NULL,
        "opened_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz NOT NULL DEFAULT now(),
        "acknowledged_at" timestamptz,
        "resolved_at" timestamptz
      )`);
    // At most one alert per rule is unresolved: evaluating a rule twice cannot open it twice.
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_alerts_rule_unresolved" ON "alerts" ("rule") WHERE "status" <> 'resolved'`);
    await queryRunner.query(`CREATE INDEX "ix_alerts_status_opened_at" ON "alerts" ("status", "opened_at")`);

    await queryRunner.query(`
      CREATE TABLE "job_runs" (
        "id" BIGSERIAL PRIMARY KEY,
        "job" varchar(100) NOT NULL,
        "instance" varchar(100) NOT NULL,
        "trigger" varchar(20) NOT NULL CONSTRAINT "ck_job_runs_trigger" CHECK ("trigger" IN ('schedule', 'startup', 'manual')),
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        "duration_ms" integer,
        "outcome" varchar(20) NOT NULL DEFAULT 'running' CONSTRAINT "ck_job_runs_outcome" CHECK ("outcome" IN ('running', 'succeeded', 'failed')),
        "detail" jsonb
      )`);
    await queryRunner.query(`CREATE INDEX "ix_job_runs_job_started_at" ON "job_runs" ("job", "started_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "job_runs"`);
    await queryRunner.query(`DROP TABLE "alerts"`);
    await queryRunner.query(`DROP TABLE "cache_audit_log"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
    await queryRunner.query(`DROP TABLE "order_status_changes"`);
  }
}

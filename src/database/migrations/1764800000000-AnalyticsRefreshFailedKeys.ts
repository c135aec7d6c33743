import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analytics-refresh job keeps an entry whose reload failed instead of dropping it, and its
 * recorded detail names those keys `failed`. Runs recorded before name them `dropped`: renamed, so
 * GET /jobs shows every run in the shape its document describes.
 */
export class AnalyticsRefreshFailedKeys1764800000000 implements MigrationInterface {
  name = 'AnalyticsRefreshFailedKeys1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "job_runs" SET "detail" = ("detail" - 'dropped') || jsonb_build_object('failed', "detail" -> 'dropped')
        WHERE "job" = 'analytics-refresh' AND "detail" ? 'dropped'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "job_runs" SET "detail" = ("detail" - 'failed') || jsonb_build_object('dropped', "detail" -> 'failed')
        WHERE "job" = 'analytics-refresh' AND "detail" ? 'failed'`,
    );
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trigram indexes for the menu-item search (`q`): a case-insensitive substring of the name or the
 * description, written as `ILIKE '%…%'` so these GIN indexes can serve it (a `strpos` test cannot
 * use any index and read every row). pg_trgm is a trusted extension: the database owner may
 * create it.
 */
export class MenuItemSearchIndexes1764500000000 implements MigrationInterface {
  name = 'MenuItemSearchIndexes1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE INDEX "ix_menu_items_name_trgm" ON "menu_items" USING gin ("name" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_menu_items_description_trgm" ON "menu_items" USING gin ("description" gin_trgm_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_menu_items_description_trgm"`);
    await queryRunner.query(`DROP INDEX "ix_menu_items_name_trgm"`);
    // The extension stays: other objects may have come to depend on it.
  }
}

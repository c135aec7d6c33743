import type { MigrationInterface, QueryRunner } from 'typeorm';
import { writeFunctions } from './1765200000000-OutboxOnlyWithCache.js';

/** What the entity declares for `is_final` (TypeORM compares the two): the final statuses of src/domain/order-status.ts. */
const IS_FINAL = `"order_status" IN ('delivered', 'cancelled')`;

const COUNT_OPEN = 'SELECT count(*) INTO v_open FROM orders WHERE customer_id = p_customer_id AND order_status = ANY (p_open_statuses);';
const COUNT_OPEN_NOT_FINAL =
  'SELECT count(*) INTO v_open FROM orders WHERE customer_id = p_customer_id AND NOT is_final AND order_status = ANY (p_open_statuses);';

/** place_order as 1765200000000 made it, replacing the existing function, counting open orders through `is_final` or not. */
function placeOrder(throughIsFinal: boolean): string {
  const [definition] = writeFunctions(true);
  if (!definition.includes(COUNT_OPEN)) throw new Error('place_order no longer counts open orders as this migration expects');
  const replacing = definition.replace('CREATE FUNCTION place_order(', 'CREATE OR REPLACE FUNCTION place_order(');
  return throughIsFinal ? replacing.replace(COUNT_OPEN, COUNT_OPEN_NOT_FINAL) : replacing;
}

/**
 * A status change that does not end the order rewrites no index entry of `orders` (a HOT update).
 *
 * Postgres updates a row in place on its page, without a new entry in every index of the table,
 * only when no indexed column changes, predicates of partial indexes included. `order_status` was
 * in three indexes (`ix_orders_order_status`, `ix_orders_customer_id_order_status` and the
 * predicate of `ix_orders_delivered_delivery_time`), so each status change of an order added an
 * entry to every index of the table and left the old ones for vacuum:
 * the customer with the most orders had 15,086 entries in `ix_orders_customer_id_order_status`
 * for 5,863 orders in the benchmark's plans, and counting a customer's open orders visited them.
 *
 * Now no index holds `order_status`. The open orders are found through `is_final`, a stored column
 * Postgres computes from the status, which changes only when the order is delivered or cancelled:
 * - a customer's open orders (place_order's limit) through `ix_orders_open_customer_id`;
 * - a restaurant's orders in progress and the platform's (real time) through `ix_orders_open_restaurant_id`;
 * - delivered orders by delivery time (revenue analytics) through `ix_orders_delivery_time`, set
 *   only when an order is delivered.
 * `fillfactor` 90 leaves a tenth of each page the table writes from now on (the column's rewrite
 * included) for the new versions of its rows. Measured at 1M orders (bench/write-statements.mjs,
 * bench/results/write-statements-*-{508360b,b529342}-full.md): change_order_status's UPDATE hits
 * 9.7 shared buffers and writes 190 bytes of WAL, against 23 and 555.
 *
 * Adding a stored column rewrites the table under an exclusive lock (seconds per million orders).
 */
export class OrderStatusOutsideIndexes1765800000000 implements MigrationInterface {
  name = 'OrderStatusOutsideIndexes1765800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orders" SET (fillfactor = 90)`);
    await queryRunner.query(`ALTER TABLE "orders" ADD "is_final" boolean GENERATED ALWAYS AS (${IS_FINAL}) STORED NOT NULL`);
    // TypeORM compares a generated column's expression with the one it recorded here.
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text)`,
    );
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value")
       VALUES (current_database(), current_schema(), 'orders', 'GENERATED_COLUMN', 'is_final', $1)`,
      [IS_FINAL],
    );
    await queryRunner.query(`DROP INDEX "ix_orders_order_status"`);
    await queryRunner.query(`DROP INDEX "ix_orders_customer_id_order_status"`);
    await queryRunner.query(`DROP INDEX "ix_orders_delivered_delivery_time"`);
    await queryRunner.query(`CREATE INDEX "ix_orders_open_customer_id" ON "orders" ("customer_id") WHERE NOT "is_final"`);
    await queryRunner.query(`CREATE INDEX "ix_orders_open_restaurant_id" ON "orders" ("restaurant_id") WHERE NOT "is_final"`);
    await queryRunner.query(`CREATE INDEX "ix_orders_delivery_time" ON "orders" ("delivery_time") WHERE "delivery_time" IS NOT NULL`);
    await queryRunner.query(placeOrder(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(placeOrder(false));
    await queryRunner.query(`DROP INDEX "ix_orders_delivery_time"`);
    await queryRunner.query(`DROP INDEX "ix_orders_open_restaurant_id"`);
    await queryRunner.query(`DROP INDEX "ix_orders_open_customer_id"`);
    await queryRunner.query(
      `CREATE INDEX "ix_orders_delivered_delivery_time" ON "orders" ("delivery_time") WHERE "order_status" = 'delivered'`,
    );
    await queryRunner.query(`CREATE INDEX "ix_orders_customer_id_order_status" ON "orders" ("customer_id", "order_status")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_order_status" ON "orders" ("order_status")`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'orders' AND "name" = 'is_final' AND "schema" = current_schema()`,
    );
    await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "is_final"`);
    await queryRunner.query(`ALTER TABLE "orders" RESET (fillfactor)`);
  }
}

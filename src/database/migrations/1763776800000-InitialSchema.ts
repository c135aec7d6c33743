import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763776800000 implements MigrationInterface {
  name = 'InitialSchema1763776800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "restaurants" (
        "id" SERIAL PRIMARY KEY,
        "name" varchar(100) NOT NULL,
        "description" text,
        "cuisine_type" varchar(50) NOT NULL,
        "address" text NOT NULL,
        "phone_number" varchar(20) NOT NULL,
        "rating" numeric(3,2) NOT NULL DEFAULT 0 CONSTRAINT "ck_restaurants_rating" CHECK ("rating" BETWEEN 0 AND 5),
        "is_active" boolean NOT NULL DEFAULT true,
        "opening_time" time,
        "closing_time" time,
        "capacity" integer NOT NULL DEFAULT 20 CONSTRAINT "ck_restaurants_capacity" CHECK ("capacity" > 0),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_restaurants_name_lower" ON "restaurants" (lower("name"))`);
    await queryRunner.query(`CREATE INDEX "ix_restaurants_cuisine_type_lower" ON "restaurants" (lower("cuisine_type"))`);
    await queryRunner.query(`CREATE INDEX "ix_restaurants_rating" ON "restaurants" ("rating")`);
    await queryRunner.query(`CREATE INDEX "ix_restaurants_is_active" ON "restaurants" ("is_active")`);

    await queryRunner.query(`
      CREATE TABLE "menu_items" (
        "id" SERIAL PRIMARY KEY,
        "name" varchar(100) NOT NULL,
        "description" text,
        "price" numeric(10,2) NOT NULL CONSTRAINT "ck_menu_items_price" CHECK ("price" > 0),
        "category" varchar(50) NOT NULL,
        "is_vegetarian" boolean NOT NULL DEFAULT false,
        "is_vegan" boolean NOT NULL DEFAULT false,
        "is_gluten_free" boolean NOT NULL DEFAULT false,
        "is_available" boolean NOT NULL DEFAULT true,
        "preparation_time" integer CONSTRAINT "ck_menu_items_preparation_time" CHECK ("preparation_time" > 0),
        "restaurant_id" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "fk_menu_items_restaurant" FOREIGN KEY ("restaurant_id")
          REFERENCES "restaurants" ("id") ON DELETE CASCADE
      )`);
    for (const column of ['restaurant_id', 'category', 'price', 'is_vegetarian', 'is_vegan', 'is_gluten_free', 'is_available']) {
      await queryRunner.query(`CREATE INDEX "ix_menu_items_${column}" ON "menu_items" ("${column}")`);
    }

    await queryRunner.query(`
      CREATE TABLE "customers" (
        "id" SERIAL PRIMARY KEY,
        "name" varchar(100) NOT NULL,
        "email" varchar(255) NOT NULL,
        "phone_number" varchar(20) NOT NULL,
        "address" text NOT NULL,
        "is_active" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_customers_email_lower" ON "customers" (lower("email"))`);
    await queryRunner.query(`CREATE INDEX "ix_customers_is_active" ON "customers" ("is_active")`);

    await queryRunner.query(
      `CREATE TYPE "order_status" AS ENUM ('placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered', 'cancelled')`,
    );
    await queryRunner.query(`
      CREATE TABLE "orders" (
        "id" SERIAL PRIMARY KEY,
        "customer_id" integer NOT NULL,
        "restaurant_id" integer NOT NULL,
        "order_status" "order_status" NOT NULL DEFAULT 'placed',
        "total_amount" numeric(10,2) NOT NULL CONSTRAINT "ck_orders_total_amount" CHECK ("total_amount" >= 0),
        "delivery_address" text NOT NULL,
        "special_instructions" text,
        "order_date" timestamptz NOT NULL DEFAULT now(),
        "delivery_time" timestamptz,
        CONSTRAINT "fk_orders_customer" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_orders_restaurant" FOREIGN KEY ("restaurant_id") REFERENCES "restaurants" ("id") ON DELETE RESTRICT
      )`);
    await queryRunner.query(`CREATE INDEX "ix_orders_order_status" ON "orders" ("order_status")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_order_date" ON "orders" ("order_date")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_restaurant_id_order_date" ON "orders" ("restaurant_id", "order_date")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_customer_id_order_date" ON "orders" ("customer_id", "order_date")`);

    await queryRunner.query(`
      CREATE TABLE "order_items" (
        "id" SERIAL PRIMARY KEY,
        "order_id" integer NOT NULL,
        "menu_item_id" integer NOT NULL,
        "quantity" integer NOT NULL CONSTRAINT "ck_order_items_quantity" CHECK ("quantity" BETWEEN 1 AND 99),
        "item_price" numeric(10,2) NOT NULL CONSTRAINT "ck_order_items_item_price" CHECK ("item_price" > 0),
        "special_requests" text,
        CONSTRAINT "fk_order_items_order" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_order_items_menu_item" FOREIGN KEY ("menu_item_id") REFERENCES "menu_items" ("id") ON DELETE RESTRICT
      )`);
    await queryRunner.query(`CREATE INDEX "ix_order_items_order_id" ON "order_items" ("order_id")`);
    await queryRunner.query(`CREATE INDEX "ix_order_items_menu_item_id" ON "order_items" ("menu_item_id")`);

    await queryRunner.query(`
      CREATE TABLE "reviews" (
        "id" SERIAL PRIMARY KEY,
        "customer_id" integer NOT NULL,
        "restaurant_id" integer NOT NULL,
        "order_id" integer NOT NULL,
        "rating" smallint NOT NULL CONSTRAINT "ck_reviews_rating" CHECK ("rating" BETWEEN 1 AND 5),
        "comment" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "fk_reviews_customer" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_reviews_restaurant" FOREIGN KEY ("restaurant_id") REFERENCES "restaurants" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_reviews_order" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE RESTRICT
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_reviews_order_id" ON "reviews" ("order_id")`);
    await queryRunner.query(`CREATE INDEX "ix_reviews_customer_id" ON "reviews" ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "ix_reviews_restaurant_id" ON "reviews" ("restaurant_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "reviews"`);
    await queryRunner.query(`DROP TABLE "order_items"`);
    await queryRunner.query(`DROP TABLE "orders"`);
    await queryRunner.query(`DROP TYPE "order_status"`);
    await queryRunner.query(`DROP TABLE "customers"`);
    await queryRunner.query(`DROP TABLE "menu_items"`);
    await queryRunner.query(`DROP TABLE "restaurants"`);
  }
}

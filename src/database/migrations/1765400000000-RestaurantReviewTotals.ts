import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A restaurant's rating from running totals instead of a scan of its reviews.
 *
 * add_review set the rating to the average of every review of the restaurant, read again on each
 * review: a popular restaurant of the benchmark's data has tens of thousands, and the scan grew
 * with them. `restaurants.review_count` and `review_rating_total` now hold the count and the sum
 * of the ratings. Statement-level triggers on reviews keep them, for every way rows arrive or
 * leave (add_review, the bulk seeder's COPY, fixtures, deletes, truncation), so they cannot drift
 * from the table. add_review sets the rating from them; the result is the same number, because
 * avg() of integers is their numeric sum divided by their count.
 *
 * The rating is still written only by add_review (and by whoever sets it through the API), as
 * before: the triggers keep the totals and leave the rating alone.
 */
const COUNT_REVIEWS = `
  CREATE FUNCTION count_reviews_into_restaurants() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      UPDATE restaurants SET review_count = 0, review_rating_total = 0 WHERE review_count <> 0 OR review_rating_total <> 0;
      RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      UPDATE restaurants r
         SET review_count = r.review_count + d.reviews, review_rating_total = r.review_rating_total + d.total
        FROM (SELECT restaurant_id, count(*)::integer AS reviews, sum(rating)::bigint AS total
                FROM new_reviews GROUP BY restaurant_id) d
       WHERE r.id = d.restaurant_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      UPDATE restaurants r
         SET review_count = r.review_count - d.reviews, review_rating_total = r.review_rating_total - d.total
        FROM (SELECT restaurant_id, count(*)::integer AS reviews, sum(rating)::bigint AS total
                FROM old_reviews GROUP BY restaurant_id) d
       WHERE r.id = d.restaurant_id;
    END IF;
    RETURN NULL;
  END
  $$`;

const TRIGGERS = [
  `CREATE TRIGGER reviews_counted_on_insert AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_reviews
     FOR EACH STATEMENT EXECUTE FUNCTION count_reviews_into_restaurants()`,
  `CREATE TRIGGER reviews_counted_on_update AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_reviews NEW TABLE AS new_reviews
     FOR EACH STATEMENT EXECUTE FUNCTION count_reviews_into_restaurants()`,
  `CREATE TRIGGER reviews_counted_on_delete AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_reviews
     FOR EACH STATEMENT EXECUTE FUNCTION count_reviews_into_restaurants()`,
  `CREATE TRIGGER reviews_counted_on_truncate AFTER TRUNCATE ON reviews
     FOR EACH STATEMENT EXECUTE FUNCTION count_reviews_into_restaurants()`,
];

/** add_review (the signature with the outbox flag) with the rating computed by `rating`. */
function addReview(rating: string): string {
  return `
    CREATE OR REPLACE FUNCTION add_review(p_order_id integer, p_customer_id integer, p_rating integer, p_comment text, p_record_outbox boolean)
    RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      v_order_customer_id integer;
      v_order_status order_status;
      v_restaurant_id integer;
      v_cuisine text;
      v_review_id integer;
      v_created_at timestamptz;
      v_outbox_id bigint;
    BEGIN
      SELECT customer_id, order_status, restaurant_id INTO v_order_customer_id, v_order_status, v_restaurant_id
        FROM orders WHERE id = p_order_id;
      IF NOT FOUND THEN RETURN jsonb_build_object('refused', 'missing'); END IF;
      IF v_order_customer_id <> p_customer_id OR v_order_status <> 'delivered' THEN
        RETURN jsonb_build_object('refused', 'not_reviewable', 'customer_id', v_order_customer_id, 'order_status', v_order_status);
      END IF;

      SELECT cuisine_type INTO v_cuisine FROM restaurants WHERE id = v_restaurant_id FOR NO KEY UPDATE;
      INSERT INTO reviews (customer_id, restaurant_id, order_id, rating, comment)
      VALUES (p_customer_id, v_restaurant_id, p_order_id, p_rating, p_comment)
      RETURNING id, created_at INTO v_review_id, v_created_at;
      UPDATE restaurants SET rating = ${rating}, updated_at = now() WHERE id = v_restaurant_id;
      IF p_record_outbox THEN
        INSERT INTO cache_invalidation_outbox (event)
        VALUES (jsonb_build_object('type', 'review.added', 'review_id', v_review_id, 'order_id', p_order_id,
                                   'customer_id', p_customer_id, 'restaurant_id', v_restaurant_id, 'cuisine_type', v_cuisine))
        RETURNING id INTO v_outbox_id;
      END IF;
      RETURN jsonb_build_object('id', v_review_id, 'restaurant_id', v_restaurant_id,
                                'created_at', v_created_at::text, 'cuisine_type', v_cuisine, 'outbox_id', v_outbox_id::text);
    END
    $$`;
}

export class RestaurantReviewTotals1765400000000 implements MigrationInterface {
  name = 'RestaurantReviewTotals1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE restaurants
        ADD COLUMN review_count integer NOT NULL DEFAULT 0 CONSTRAINT ck_restaurants_review_count CHECK (review_count >= 0),
        ADD COLUMN review_rating_total bigint NOT NULL DEFAULT 0`);
    // Reviews are locked first: none arrives between the totals and the triggers.
    await queryRunner.query('LOCK TABLE reviews IN SHARE MODE');
    await queryRunner.query(`
      UPDATE restaurants r SET review_count = v.reviews, review_rating_total = v.total
        FROM (SELECT restaurant_id, count(*)::integer AS reviews, sum(rating)::bigint AS total FROM reviews GROUP BY restaurant_id) v
       WHERE r.id = v.restaurant_id`);
    await queryRunner.query(COUNT_REVIEWS);
    for (const trigger of TRIGGERS) await queryRunner.query(trigger);
    // The rating as avg() gave it: round(sum / count, 2); the review just inserted makes count >= 1.
    await queryRunner.query(addReview('round(review_rating_total::numeric / review_count, 2)'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(addReview('(SELECT coalesce(round(avg(rating), 2), 0) FROM reviews WHERE restaurant_id = v_restaurant_id)'));
    for (const name of ['insert', 'update', 'delete', 'truncate'])
      await queryRunner.query(`DROP TRIGGER reviews_counted_on_${name} ON reviews`);
    await queryRunner.query('DROP FUNCTION count_reviews_into_restaurants()');
    await queryRunner.query('ALTER TABLE restaurants DROP COLUMN review_rating_total, DROP COLUMN review_count');
  }
}

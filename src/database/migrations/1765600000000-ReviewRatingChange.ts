import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * add_review reports the restaurant's rating before and after the review, in its result and in
 * the event of the cache invalidation outbox row. A review changes which searches list its
 * restaurant only where a search's minimum rating is at most the higher of the two: the cache
 * drops those searches and keeps the ones filtering above both (see CacheTags.restaurantSearch).
 * The row was already locked by the SELECT; reading its rating there costs nothing more.
 */
export function addReview(reportRatings: boolean): string {
  const ratingBefore = reportRatings ? ', rating' : '';
  const intoBefore = reportRatings ? ', v_rating_before' : '';
  const returningAfter = reportRatings ? ' RETURNING rating INTO v_rating_after' : '';
  const ratings = reportRatings ? `, 'rating_before', v_rating_before, 'rating_after', v_rating_after` : '';
  return `
    CREATE OR REPLACE FUNCTION add_review(p_order_id integer, p_customer_id integer, p_rating integer, p_comment text, p_record_outbox boolean)
    RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      v_order_customer_id integer;
      v_order_status order_status;
      v_restaurant_id integer;
      v_cuisine text;
      v_rating_before numeric;
      v_rating_after numeric;
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

      SELECT cuisine_type${ratingBefore} INTO v_cuisine${intoBefore} FROM restaurants WHERE id = v_restaurant_id FOR NO KEY UPDATE;
      INSERT INTO reviews (customer_id, restaurant_id, order_id, rating, comment)
      VALUES (p_customer_id, v_restaurant_id, p_order_id, p_rating, p_comment)
      RETURNING id, created_at INTO v_review_id, v_created_at;
      UPDATE restaurants SET rating = round(review_rating_total::numeric / review_count, 2), updated_at = now()
       WHERE id = v_restaurant_id${returningAfter};
      IF p_record_outbox THEN
        INSERT INTO cache_invalidation_outbox (event)
        VALUES (jsonb_build_object('type', 'review.added', 'review_id', v_review_id, 'order_id', p_order_id,
                                   'customer_id', p_customer_id, 'restaurant_id', v_restaurant_id, 'cuisine_type', v_cuisine${ratings}))
        RETURNING id INTO v_outbox_id;
      END IF;
      RETURN jsonb_build_object('id', v_review_id, 'restaurant_id', v_restaurant_id,
                                'created_at', v_created_at::text, 'cuisine_type', v_cuisine, 'outbox_id', v_outbox_id::text${ratings});
    END
    $$`;
}

export class ReviewRatingChange1765600000000 implements MigrationInterface {
  name = 'ReviewRatingChange1765600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(addReview(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(addReview(false));
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The three busy writes as functions, so each is one round trip: a function call is one
 * statement, run atomically as its own transaction. They are plpgsql, not one CTE, because each
 * locks a row and must then read with a snapshot taken after the lock (the open orders of the
 * customer; the reviews behind the rating): inside a function every statement takes a new
 * snapshot, inside one statement none does. A rule a request breaks is answered, not raised,
 * as {"refused": <rule>, ...the facts the error message names}: nothing was written by then.
 *
 * order_details_json is the order as GET /orders/{id} returns it (dates as Postgres text, which
 * the driver's own parser reads, so they equal a row read through TypeORM).
 */
export class WriteFunctions1764900000000 implements MigrationInterface {
  name = 'WriteFunctions1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION order_details_json(p_order_id integer) RETURNS jsonb LANGUAGE sql STABLE AS $$
        SELECT jsonb_build_object(
                 'id', o.id, 'customer_id', o.customer_id, 'restaurant_id', o.restaurant_id,
                 'order_status', o.order_status, 'total_amount', o.total_amount,
                 'delivery_address', o.delivery_address, 'special_instructions', o.special_instructions,
                 'order_date', o.order_date::text, 'delivery_time', o.delivery_time::text,
                 'restaurant', jsonb_build_object('id', r.id, 'name', r.name),
                 'customer', jsonb_build_object('id', c.id, 'name', c.name),
                 'order_items', coalesce((
                   SELECT jsonb_agg(jsonb_build_object(
                            'id', oi.id, 'order_id', oi.order_id, 'menu_item_id', oi.menu_item_id,
                            'quantity', oi.quantity, 'item_price', oi.item_price,
                            'special_requests', oi.special_requests,
                            'menu_item', jsonb_build_object('id', m.id, 'name', m.name)) ORDER BY oi.id)
                     FROM order_items oi JOIN menu_items m ON m.id = oi.menu_item_id
                    WHERE oi.order_id = o.id), '[]'::jsonb))
          FROM orders o
          JOIN restaurants r ON r.id = o.restaurant_id
          JOIN customers c ON c.id = o.customer_id
         WHERE o.id = p_order_id
      $$`);

    // The customer's row is locked (FOR NO KEY UPDATE: other placements for the customer wait,
    // reviews and foreign keys do not) before its open orders are counted. Prices are the menu's
    // now; the total is summed in integer cents. The notification template takes the
    // restaurant's name (%1$s) and the order's id (%2$s).
    await queryRunner.query(`
      CREATE FUNCTION place_order(
        p_customer_id integer, p_restaurant_id integer, p_delivery_address text, p_special_instructions text,
        p_lines jsonb, p_open_statuses order_status[], p_max_open integer, p_max_total_cents bigint,
        p_notification_kind varchar, p_notification_title varchar, p_notification_template text
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_customer_active boolean;
        v_restaurant_active boolean;
        v_open integer;
        v_refused boolean;
        v_total_cents bigint;
        v_order_id integer;
      BEGIN
        SELECT is_active INTO v_customer_active FROM customers WHERE id = p_customer_id FOR NO KEY UPDATE;
        IF NOT FOUND THEN RETURN jsonb_build_object('refused', 'customer_missing'); END IF;
        IF NOT v_customer_active THEN RETURN jsonb_build_object('refused', 'customer_inactive'); END IF;

        SELECT count(*) INTO v_open FROM orders WHERE customer_id = p_customer_id AND order_status = ANY (p_open_statuses);
        IF v_open >= p_max_open THEN RETURN jsonb_build_object('refused', 'open_orders', 'open', v_open); END IF;

        SELECT is_active INTO v_restaurant_active FROM restaurants WHERE id = p_restaurant_id;
        IF NOT FOUND THEN RETURN jsonb_build_object('refused', 'restaurant_missing'); END IF;
        IF NOT v_restaurant_active THEN RETURN jsonb_build_object('refused', 'restaurant_inactive'); END IF;

        SELECT coalesce(bool_or(m.id IS NULL OR m.restaurant_id <> p_restaurant_id OR NOT m.is_available), true),
               sum((m.price * 100)::bigint * (l.line ->> 'quantity')::bigint)
          INTO v_refused, v_total_cents
          FROM jsonb_array_elements(p_lines) AS l(line)
          LEFT JOIN menu_items m ON m.id = (l.line ->> 'menu_item_id')::integer;
        IF v_refused OR v_total_cents > p_max_total_cents THEN
          RETURN jsonb_build_object('refused', 'menu', 'menu_items', (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                     'id', m.id, 'name', m.name, 'price', m.price, 'is_available', m.is_available,
                     'restaurant_id', m.restaurant_id)), '[]'::jsonb)
              FROM menu_items m
             WHERE m.id IN (SELECT (l.line ->> 'menu_item_id')::integer FROM jsonb_array_elements(p_lines) AS l(line))));
        END IF;

        INSERT INTO orders (customer_id, restaurant_id, delivery_address, special_instructions, total_amount)
        VALUES (p_customer_id, p_restaurant_id, p_delivery_address, p_special_instructions, v_total_cents / 100.0)
        RETURNING id INTO v_order_id;
        INSERT INTO order_status_changes (order_id, from_status, to_status) VALUES (v_order_id, NULL, 'placed');
        INSERT INTO order_items (order_id, menu_item_id, quantity, item_price, special_requests)
        SELECT v_order_id, m.id, (l.line ->> 'quantity')::integer, m.price, l.line ->> 'special_requests'
          FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS l(line, line_number)
          JOIN menu_items m ON m.id = (l.line ->> 'menu_item_id')::integer
         ORDER BY l.line_number;
        INSERT INTO notifications (customer_id, order_id, kind, title, message)
        SELECT p_customer_id, v_order_id, p_notification_kind, p_notification_title,
               format(p_notification_template, r.name, v_order_id)
          FROM restaurants r WHERE r.id = p_restaurant_id;
        RETURN jsonb_build_object('order', order_details_json(v_order_id));
      END
      $$`);

    // The update is conditional on the status read first: of concurrent changes from one status
    // exactly one matches (the others see the winner's row and update nothing). A delivery takes
    // the reported time (or now), which may not lie ahead of now beyond the clock skew nor before
    // the order was placed; its history row is dated then.
    await queryRunner.query(`
      CREATE FUNCTION change_order_status(
        p_order_id integer, p_to order_status, p_allowed_from order_status[], p_delivery_time timestamptz,
        p_clock_skew_ms integer, p_notification_kind varchar, p_notification_title varchar, p_notification_template text
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_from order_status;
        v_order_date timestamptz;
        v_delivery_time timestamptz;
      BEGIN
        SELECT order_status, order_date INTO v_from, v_order_date FROM orders WHERE id = p_order_id;
        IF NOT FOUND THEN RETURN jsonb_build_object('refused', 'missing'); END IF;
        IF NOT (v_from = ANY (p_allowed_from)) THEN RETURN jsonb_build_object('refused', 'transition', 'from', v_from); END IF;
        IF p_to = 'delivered' THEN
          v_delivery_time := coalesce(p_delivery_time, now());
          IF v_delivery_time > now() + p_clock_skew_ms * interval '1 millisecond' OR v_delivery_time < v_order_date THEN
            RETURN jsonb_build_object('refused', 'delivery_time', 'order_date', v_order_date::text);
          END IF;
        END IF;

        UPDATE orders SET order_status = p_to, delivery_time = coalesce(v_delivery_time, delivery_time)
         WHERE id = p_order_id AND order_status = v_from;
        IF NOT FOUND THEN
          RETURN jsonb_build_object('refused', 'race', 'from', v_from,
                                    'now', (SELECT order_status FROM orders WHERE id = p_order_id));
        END IF;
        INSERT INTO order_status_changes (order_id, from_status, to_status, changed_at)
        VALUES (p_order_id, v_from, p_to, coalesce(v_delivery_time, now()));
        INSERT INTO notifications (customer_id, order_id, kind, title, message)
        SELECT o.customer_id, o.id, p_notification_kind, p_notification_title, format(p_notification_template, r.name, o.id)
          FROM orders o JOIN restaurants r ON r.id = o.restaurant_id
         WHERE o.id = p_order_id;
        RETURN jsonb_build_object('from', v_from, 'order', order_details_json(p_order_id));
      END
      $$`);

    // The restaurant's row is locked before its reviews are averaged, so reviews of one restaurant
    // recompute its rating one after another, each seeing every review committed before it. A
    // second review of the order raises the unique violation of uq_reviews_order_id.
    await queryRunner.query(`
      CREATE FUNCTION add_review(p_order_id integer, p_customer_id integer, p_rating integer, p_comment text)
      RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_order_customer_id integer;
        v_order_status order_status;
        v_restaurant_id integer;
        v_cuisine text;
        v_review_id integer;
        v_created_at timestamptz;
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
        UPDATE restaurants
           SET rating = (SELECT coalesce(round(avg(rating), 2), 0) FROM reviews WHERE restaurant_id = v_restaurant_id),
               updated_at = now()
         WHERE id = v_restaurant_id;
        RETURN jsonb_build_object('id', v_review_id, 'restaurant_id', v_restaurant_id,
                                  'created_at', v_created_at::text, 'cuisine_type', v_cuisine);
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION add_review(integer, integer, integer, text)');
    await queryRunner.query(
      'DROP FUNCTION change_order_status(integer, order_status, order_status[], timestamptz, integer, varchar, varchar, text)',
    );
    await queryRunner.query(
      'DROP FUNCTION place_order(integer, integer, text, text, jsonb, order_status[], integer, bigint, varchar, varchar, text)',
    );
    await queryRunner.query('DROP FUNCTION order_details_json(integer)');
  }
}

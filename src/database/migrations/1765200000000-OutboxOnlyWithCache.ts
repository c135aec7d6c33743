import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * place_order, change_order_status and add_review take `p_record_outbox`: false (the app's cache is
 * disabled, so nothing would ever apply the row) inserts no cache invalidation outbox row and
 * answers `outbox_id` null. Before, every call inserted one, which only the outbox-replay job
 * deleted: with JOBS_ENABLED=false everywhere the rows piled up. With the cache on the app passes
 * true, and the functions do exactly what 1765000000000 made them do.
 *
 * The bodies are those of 1765000000000 with the outbox insert under that condition; down()
 * creates them again without it (and without the parameter). The overloads of 1765100000000 that
 * also mark the request's Idempotency-Key call these functions, so they are made again with the
 * flag before the key (and, by down(), without it).
 */

/** The outbox insert of one function, under `p_record_outbox` or (for down) unconditional. */
function outboxInsert(conditional: boolean, event: string): string {
  const insert = `INSERT INTO cache_invalidation_outbox (event) VALUES (${event}) RETURNING id INTO v_outbox_id;`;
  return conditional ? `IF p_record_outbox THEN ${insert} END IF;` : insert;
}

export function writeFunctions(conditional: boolean): string[] {
  const flag = conditional ? ', p_record_outbox boolean' : '';
  return [
    `
      CREATE FUNCTION place_order(
        p_customer_id integer, p_restaurant_id integer, p_delivery_address text, p_special_instructions text,
        p_lines jsonb, p_open_statuses order_status[], p_max_open integer, p_max_total_cents bigint,
        p_notification_kind varchar, p_notification_title varchar, p_notification_template text${flag}
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_customer_active boolean;
        v_restaurant_active boolean;
        v_open integer;
        v_refused boolean;
        v_total_cents bigint;
        v_order_id integer;
        v_outbox_id bigint;
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
        ${outboxInsert(
          conditional,
          `jsonb_build_object('type', 'order.placed', 'order_id', v_order_id,
                                   'customer_id', p_customer_id, 'restaurant_id', p_restaurant_id)`,
        )}
        RETURN jsonb_build_object('order', order_details_json(v_order_id), 'outbox_id', v_outbox_id::text);
      END
      $$`,
    `
      CREATE FUNCTION change_order_status(
        p_order_id integer, p_to order_status, p_allowed_from order_status[], p_delivery_time timestamptz,
        p_clock_skew_ms integer, p_notification_kind varchar, p_notification_title varchar, p_notification_template text${flag}
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_from order_status;
        v_order_date timestamptz;
        v_delivery_time timestamptz;
        v_customer_id integer;
        v_restaurant_id integer;
        v_delivered_at timestamptz;
        v_outbox_id bigint;
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
         WHERE id = p_order_id AND order_status = v_from
        RETURNING customer_id, restaurant_id, delivery_time INTO v_customer_id, v_restaurant_id, v_delivered_at;
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
        ${outboxInsert(
          conditional,
          `jsonb_build_object('type', 'order.status-changed', 'order_id', p_order_id,
                                   'customer_id', v_customer_id, 'restaurant_id', v_restaurant_id,
                                   'from', v_from, 'to', p_to, 'delivery_time', v_delivered_at)`,
        )}
        RETURN jsonb_build_object('from', v_from, 'order', order_details_json(p_order_id), 'outbox_id', v_outbox_id::text);
      END
      $$`,
    `
      CREATE FUNCTION add_review(p_order_id integer, p_customer_id integer, p_rating integer, p_comment text${flag})
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
        UPDATE restaurants
           SET rating = (SELECT coalesce(round(avg(rating), 2), 0) FROM reviews WHERE restaurant_id = v_restaurant_id),
               updated_at = now()
         WHERE id = v_restaurant_id;
        ${outboxInsert(
          conditional,
          `jsonb_build_object('type', 'review.added', 'review_id', v_review_id, 'order_id', p_order_id,
                                   'customer_id', p_customer_id, 'restaurant_id', v_restaurant_id, 'cuisine_type', v_cuisine)`,
        )}
        RETURN jsonb_build_object('id', v_review_id, 'restaurant_id', v_restaurant_id,
                                  'created_at', v_created_at::text, 'cuisine_type', v_cuisine, 'outbox_id', v_outbox_id::text);
      END
      $$`,
  ];
}

/**
 * The overloads that run a write and then mark the request's Idempotency-Key in the same
 * transaction (as 1765100000000 made them), calling the functions with or without the flag.
 */
function idempotentWrappers(withFlag: boolean): string[] {
  const flag = withFlag ? ', p_record_outbox boolean' : '';
  const passFlag = withFlag ? ', p_record_outbox' : '';
  return [
    `
      CREATE FUNCTION place_order(
        p_customer_id integer, p_restaurant_id integer, p_delivery_address text, p_special_instructions text,
        p_lines jsonb, p_open_statuses order_status[], p_max_open integer, p_max_total_cents bigint,
        p_notification_kind varchar, p_notification_title varchar, p_notification_template text${flag}, p_idempotency_key jsonb
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_outcome jsonb;
      BEGIN
        v_outcome := place_order(p_customer_id, p_restaurant_id, p_delivery_address, p_special_instructions, p_lines,
                                 p_open_statuses, p_max_open, p_max_total_cents, p_notification_kind, p_notification_title,
                                 p_notification_template${passFlag});
        IF v_outcome ? 'order' THEN
          PERFORM commit_idempotency_key(p_idempotency_key, (v_outcome #>> '{order,id}')::integer);
        END IF;
        RETURN v_outcome;
      END
      $$`,
    `
      CREATE FUNCTION change_order_status(
        p_order_id integer, p_to order_status, p_allowed_from order_status[], p_delivery_time timestamptz,
        p_clock_skew_ms integer, p_notification_kind varchar, p_notification_title varchar, p_notification_template text${flag},
        p_idempotency_key jsonb
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_outcome jsonb;
      BEGIN
        v_outcome := change_order_status(p_order_id, p_to, p_allowed_from, p_delivery_time, p_clock_skew_ms,
                                         p_notification_kind, p_notification_title, p_notification_template${passFlag});
        IF v_outcome ? 'order' THEN PERFORM commit_idempotency_key(p_idempotency_key, p_order_id); END IF;
        RETURN v_outcome;
      END
      $$`,
    `
      CREATE FUNCTION add_review(p_order_id integer, p_customer_id integer, p_rating integer, p_comment text${flag}, p_idempotency_key jsonb)
      RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_outcome jsonb;
      BEGIN
        v_outcome := add_review(p_order_id, p_customer_id, p_rating, p_comment${passFlag});
        IF NOT v_outcome ? 'refused' THEN
          PERFORM commit_idempotency_key(p_idempotency_key, (v_outcome ->> 'id')::integer);
        END IF;
        RETURN v_outcome;
      END
      $$`,
  ];
}

const PLACE = 'integer, integer, text, text, jsonb, order_status[], integer, bigint, varchar, varchar, text';
const CHANGE = 'integer, order_status, order_status[], timestamptz, integer, varchar, varchar, text';
const REVIEW = 'integer, integer, integer, text';
/** The three functions' argument lists, with or without the flag, and with or without the key after it. */
const signatures = (withFlag: boolean, withKey: boolean) =>
  [`place_order(${PLACE}`, `change_order_status(${CHANGE}`, `add_review(${REVIEW}`].map(
    (start) => `${start}${withFlag ? ', boolean' : ''}${withKey ? ', jsonb' : ''})`,
  );

export class OutboxOnlyWithCache1765200000000 implements MigrationInterface {
  name = 'OutboxOnlyWithCache1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Dropped first: with another argument list, CREATE OR REPLACE would add overloads instead.
    for (const signature of [...signatures(false, true), ...signatures(false, false)])
      await queryRunner.query(`DROP FUNCTION ${signature}`);
    for (const sql of [...writeFunctions(true), ...idempotentWrappers(true)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const signature of [...signatures(true, true), ...signatures(true, false)]) await queryRunner.query(`DROP FUNCTION ${signature}`);
    for (const sql of [...writeFunctions(false), ...idempotentWrappers(false)]) await queryRunner.query(sql);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outcome of an idempotent write is recorded on its Idempotency-Key's row in the write's own
 * transaction: either the write committed and its key names the resource it wrote, or neither.
 * Before, the answer was stored by a separate statement after the commit, and a process that died
 * between the two left a key that a retry took over once its lease ran out, writing again.
 *
 * resource_kind and resource_id: the resource the committed write made or changed ('order' or
 * 'review', and its id); NULL while the write has not committed. A key with them set is never
 * taken over or released, and a retry that finds no stored answer rebuilds it from the resource.
 *
 * place_order, change_order_status and add_review get an overload with one more argument, the
 * key the request holds (jsonb: scope, key, claim, resource; NULL without a key): the function as
 * 1765000000000 made it, then commit_idempotency_key, in the same statement and transaction (no
 * extra round trip). A request whose key was taken over meanwhile (its lease ran out and a retry
 * claimed it) cannot mark it: its write is rolled back (SQLSTATE TF001) rather than committed a
 * second time next to the retry's.
 */
export class IdempotentWriteCommit1765100000000 implements MigrationInterface {
  name = 'IdempotentWriteCommit1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE idempotency_keys ADD COLUMN resource_kind character varying(16), ADD COLUMN resource_id integer,
         ADD CONSTRAINT ck_idempotency_keys_resource CHECK ((resource_kind IS NULL) = (resource_id IS NULL))`,
    );

    await queryRunner.query(`
      CREATE FUNCTION commit_idempotency_key(p_key jsonb, p_resource_id integer) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF p_key IS NULL THEN RETURN; END IF;
        UPDATE idempotency_keys SET resource_kind = p_key ->> 'resource', resource_id = p_resource_id
         WHERE scope = p_key ->> 'scope' AND key = p_key ->> 'key' AND claim = (p_key ->> 'claim')::uuid
           AND response_status IS NULL AND resource_id IS NULL;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'Idempotency-Key % is no longer held by this request', p_key ->> 'key' USING ERRCODE = 'TF001';
        END IF;
      END
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION place_order(
        p_customer_id integer, p_restaurant_id integer, p_delivery_address text, p_special_instructions text,
        p_lines jsonb, p_open_statuses order_status[], p_max_open integer, p_max_total_cents bigint,
        p_notification_kind varchar, p_notification_title varchar, p_notification_template text, p_idempotency_key jsonb
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_outcome jsonb;
      BEGIN
        v_outcome := place_order(p_customer_id, p_restaurant_id, p_delivery_address, p_special_instructions, p_lines,
                                 p_open_statuses, p_max_open, p_max_total_cents, p_notification_kind, p_notification_title,
                                 p_notification_template);
        IF v_outcome ? 'order' THEN
          PERFORM commit_idempotency_key(p_idempotency_key, (v_outcome #>> '{order,id}')::integer);
        END IF;
        RETURN v_outcome;
      END
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION change_order_status(
        p_order_id integer, p_to order_status, p_allowed_from order_status[], p_delivery_time timestamptz,
        p_clock_skew_ms integer, p_notification_kind varchar, p_notification_title varchar, p_notification_template text,
        p_idempotency_key jsonb
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_outcome jsonb;
      BEGIN
        v_outcome := change_order_status(p_order_id, p_to, p_allowed_from, p_delivery_time, p_clock_skew_ms,
                                         p_notification_kind, p_notification_title, p_notification_template);
        IF v_outcome ? 'order' THEN PERFORM commit_idempotency_key(p_idempotency_key, p_order_id); END IF;
        RETURN v_outcome;
      END
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION add_review(p_order_id integer, p_customer_id integer, p_rating integer, p_comment text, p_idempotency_key jsonb)
      RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_outcome jsonb;
      BEGIN
        v_outcome := add_review(p_order_id, p_customer_id, p_rating, p_comment);
        IF NOT v_outcome ? 'refused' THEN
          PERFORM commit_idempotency_key(p_idempotency_key, (v_outcome ->> 'id')::integer);
        END IF;
        RETURN v_outcome;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION add_review(integer, integer, integer, text, jsonb)');
    await queryRunner.query(
      'DROP FUNCTION change_order_status(integer, order_status, order_status[], timestamptz, integer, varchar, varchar, text, jsonb)',
    );
    await queryRunner.query(
      'DROP FUNCTION place_order(integer, integer, text, text, jsonb, order_status[], integer, bigint, varchar, varchar, text, jsonb)',
    );
    await queryRunner.query('DROP FUNCTION commit_idempotency_key(jsonb, integer)');
    await queryRunner.query(
      'ALTER TABLE idempotency_keys DROP CONSTRAINT ck_idempotency_keys_resource, DROP COLUMN resource_kind, DROP COLUMN resource_id',
    );
  }
}

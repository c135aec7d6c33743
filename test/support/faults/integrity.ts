/** Anything that runs SQL and returns rows: a TypeORM DataSource, or {@link sqlOf}'s pool. */
export interface Sql {
  query(sql: string, parameters?: unknown[]): Promise<any[]>;
}

/**
 * The invariants every fault must leave intact, each a query returning the rows that break it
 * (at most 5, with the ids to look at).
 */
const CHECKS: Record<string, string> = {
  'order total differs from the sum of its lines': `
    SELECT o.id, o.total_amount::text AS total, coalesce(sum(oi.quantity * oi.item_price), 0)::text AS lines
      FROM orders o LEFT JOIN order_items oi ON oi.order_id = o.id
     GROUP BY o.id
    HAVING o.total_amount <> coalesce(sum(oi.quantity * oi.item_price), 0)
     LIMIT 5`,
  'restaurant rating differs from the average of its reviews': `
    SELECT r.id, r.rating::text AS rating, coalesce(round(avg(v.rating), 2), 0)::text AS average
      FROM restaurants r LEFT JOIN reviews v ON v.restaurant_id = r.id
     GROUP BY r.id
    HAVING r.rating <> coalesce(round(avg(v.rating), 2), 0)
     LIMIT 5`,
  'order without items': `
    SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = o.id) LIMIT 5`,
  'review of an order that is not delivered': `
    SELECT v.id, v.order_id, o.order_status FROM reviews v JOIN orders o ON o.id = v.order_id
     WHERE o.order_status <> 'delivered' LIMIT 5`,
  'order status differs from the last step of its history': `
    SELECT o.id, o.order_status, last.to_status FROM orders o
      LEFT JOIN LATERAL (
        SELECT to_status FROM order_status_changes c WHERE c.order_id = o.id ORDER BY c.changed_at DESC, c.id DESC LIMIT 1
      ) last ON true
     WHERE last.to_status IS DISTINCT FROM o.order_status
     LIMIT 5`,
};

/** Every broken invariant, one line each with sample rows; empty when the data is whole. */
export async function integrityViolations(sql: Sql): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, query] of Object.entries(CHECKS)) {
    const rows = await sql.query(query);
    if (rows.length > 0) problems.push(`${name}: ${JSON.stringify(rows)}`);
  }
  return problems;
}

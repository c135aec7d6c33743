// EXPLAIN (ANALYZE, BUFFERS) of the menu-item search on an already seeded database, without the
// throughput benchmark: `npm run build && node bench/explain-search.mjs --database-url <url> [--q curry,pistachio]`
// (comma-separated searches: a common word, where reading the table is the right plan, and a rare one).
// Writes bench/results/search-explain.md. `npm run bench` includes the same plans in bench-explain.md.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { explainAll, menuItemSearchStatements } from './lib/explain.mjs';

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, q: { type: 'string', default: 'curry,pistachio' } } });
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('Set DATABASE_URL or pass --database-url');

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  const sizes = (
    await client.query(`SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM menu_items)::int AS menu_items`)
  ).rows[0];
  const plans = [];
  for (const q of values.q.split(',')) plans.push(...(await explainAll(client, await menuItemSearchStatements({ databaseUrl, q }))));
  const sections = plans.map(
    (plan) => `## ${plan.route}

Parameters: \`${JSON.stringify(plan.parameters)}\`; execution ${plan.execution_ms.toFixed(1)} ms; sequential scans: ${plan.sequential_scans.join(', ') || 'none'}.

\`\`\`
${plan.plan}
\`\`\`
`,
  );
  writeFileSync(
    join(import.meta.dirname, 'results', 'search-explain.md'),
    `# EXPLAIN (ANALYZE, BUFFERS) of the menu-item search

${new Date().toISOString()}, a database seeded by \`npm run seed:bulk\` (${sizes.orders.toLocaleString('en')} orders, ${sizes.menu_items.toLocaleString('en')} menu items), Postgres ${(await client.query('SHOW server_version')).rows[0].server_version}.
Each statement is the app's own SQL, from MenuItemsRepository.pageQuery.

${sections.join('\n')}`,
  );
  for (const plan of plans)
    console.error(`${plan.route}: ${plan.execution_ms.toFixed(1)} ms, sequential scans: ${plan.sequential_scans.join(', ') || 'none'}`);
} finally {
  await client.end();
}

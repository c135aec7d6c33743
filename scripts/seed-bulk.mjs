// Bulk data generator: `npm run seed:bulk -- --restaurants 10000 --customers 100000 --orders 1000000`.
// Fills DATABASE_URL (or --database-url) with COPY, constraints and indexes in place; see bench/README.md.
import { parseArgs } from 'node:util';
import { DEFAULT_SIZES, describeResult, SeedFailure, seedBulk } from './seed/bulk-seed.mjs';

const USAGE = `Usage: npm run seed:bulk -- [options]
  --database-url <url>   the database to fill (default: $DATABASE_URL; one of them is required)
  --restaurants <n>      default ${DEFAULT_SIZES.restaurants}
  --customers <n>        default ${DEFAULT_SIZES.customers}
  --orders <n>           default ${DEFAULT_SIZES.orders}
  --days <n>             history the orders are spread over, ending now (default ${DEFAULT_SIZES.days})
  --seed <n>             the same seed and sizes give the same data (default ${DEFAULT_SIZES.seed})
  --force                empty the tables first if they hold rows (otherwise a non-empty database is refused)
  --no-verify            skip the business-rule checks at the end
  --help                 this text
Runs the app's pending migrations first (build first: npm run build). Progress goes to stderr.`;

const LIMITS = {
  restaurants: [1, 1_000_000],
  customers: [1, 10_000_000],
  orders: [0, 50_000_000],
  days: [1, 3650],
  seed: [0, 2 ** 32 - 1],
};

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'database-url': { type: 'string' },
      ...Object.fromEntries(Object.keys(LIMITS).map((name) => [name, { type: 'string' }])),
      force: { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 0) throw new Error(`Unexpected argument "${positionals[0]}"`);
  if (values.help) return { help: true };
  const sizes = { ...DEFAULT_SIZES };
  for (const [name, [min, max]] of Object.entries(LIMITS)) {
    if (values[name] === undefined) continue;
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name} needs a whole number from ${min} to ${max}, got "${values[name]}"`);
    }
    sizes[name] = value;
  }
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL or pass --database-url');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('The database URL must start with postgres:// or postgresql://');
  return { url, sizes, force: values.force, verify: !values['no-verify'] };
}

let options;
try {
  options = parse(process.argv.slice(2));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const redacted = options.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
const { restaurants, customers, orders, days, seed } = options.sizes;
console.error(
  `seeding ${redacted}: ${restaurants.toLocaleString('en-US')} restaurants, ${customers.toLocaleString('en-US')} customers, ` +
    `${orders.toLocaleString('en-US')} orders over ${days} days (seed ${seed})`,
);
try {
  const result = await seedBulk(options);
  console.log(describeResult(result));
} catch (error) {
  console.error(`seed:bulk FAILED: ${error instanceof SeedFailure ? error.message : (error.stack ?? error)}`);
  process.exit(1);
}

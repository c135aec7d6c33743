import { BenchFailure } from './failure.mjs';
/** Command-line options of the bench scripts: `--name value` or `--name=value`. */

const DEFINITIONS = {
  duration: { default: 10, min: 1, max: 600, help: 'measured window per scenario, in seconds' },
  warmup: { default: 3, min: 0, max: 120, help: 'warm-up before each measured window, in seconds' },
  rounds: { default: 3, min: 1, max: 20, help: 'each window split into this many slices, the scenarios taking turns' },
  connections: { default: 32, min: 1, max: 10_000, help: 'concurrent connections of the load generator' },
  scenario: { default: 'l1', choices: ['l1', 'l2', 'off', 'constant', 'bare'], help: 'what to load' },
  workload: {
    default: 'mixed',
    choices: ['hot_reads', 'mixed', 'writes', 'place', 'advance', 'review', 'analytics'],
    help: 'the suite scenario to profile (writes: the mixed writes alone; place, advance, review: one kind alone)',
  },
  scale: { default: 'small', choices: ['tiny', 'small', 'medium', 'full'], help: 'data sizes and windows (tiny: a 1-2 minute check)' },
  restaurants: { default: undefined, min: 1, max: 1_000_000, help: 'restaurants to seed (overrides the scale)' },
  customers: { default: undefined, min: 1, max: 10_000_000, help: 'customers to seed (overrides the scale)' },
  orders: { default: undefined, min: 1, max: 50_000_000, help: 'orders to seed (overrides the scale)' },
  requests: { default: 2000, min: 100, max: 1_000_000, help: 'requests counted (N, then 2N) per scenario' },
  'warmup-requests': { default: 30_000, min: 0, max: 10_000_000, help: 'requests before counting starts (the JIT settles)' },
  scenarios: { default: 'l1,health,l2,bare', text: '<l1,health,l1-after-health,l2,bare>', help: 'what to count, in this order' },
  top: { default: 25, min: 1, max: 500, help: 'rows per table' },
  a: {
    default: undefined,
    text: '<checkout>',
    help: 'build A: a checkout whose dist/main.js is built (git worktree add ... && npm run build)',
  },
  b: { default: undefined, text: '<checkout>', help: 'build B (default: this checkout)' },
  pairs: { default: 6, min: 1, max: 50, help: 'alternated pairs of windows, one of each build' },
  compare: { default: undefined, text: '<baseline.cpuprofile>', help: 'show the difference per request from this profile' },
  profile: {
    default: 'none',
    choices: ['none', 'cache-on'],
    help: 'run the cache-on server under node --cpu-prof; the results go to bench/profiles/ with each window, not to bench/results/',
  },
  window: {
    default: undefined,
    text: '<scenario>',
    help: 'count only this scenario of a profiled suite run (its <file>.windows.json): hot reads, mixed, writes, ...',
  },
};

function describe(name) {
  const definition = DEFINITIONS[name];
  const value = definition.text ?? (definition.choices ? `<${definition.choices.join('|')}>` : '<n>');
  const byDefault = definition.default === undefined ? '' : ` (default ${definition.default})`;
  return `  --${name} ${value}`.padEnd(36) + `${definition.help}${byDefault}`;
}

export function usage(script, names, extra = '') {
  const help = '  --help'.padEnd(36) + 'this text';
  return [`Usage: node ${script} [options]`, ...names.map(describe), help, extra].filter(Boolean).join('\n');
}

function parseValue(name, raw) {
  const definition = DEFINITIONS[name];
  if (definition.text) {
    if (!raw) throw new Error(`--${name} needs a value`);
    return raw;
  }
  if (definition.choices) {
    if (!definition.choices.includes(raw)) throw new Error(`--${name} must be one of ${definition.choices.join(', ')}, got "${raw ?? ''}"`);
    return raw;
  }
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value < definition.min || value > definition.max) {
    throw new Error(`--${name} needs a whole number from ${definition.min} to ${definition.max}, got "${raw ?? ''}"`);
  }
  return value;
}

/**
 * Parses `argv` for the options `names`; other `--` arguments are errors, the rest are returned
 * as `positional`. Returns `{ help: true }` for --help; throws an Error naming a bad argument.
 */
export function parseOptions(argv, names) {
  const options = { ...Object.fromEntries(names.map((name) => [name, DEFINITIONS[name].default])), positional: [] };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--help' || argument === '-h') return { help: true };
    if (!argument.startsWith('-')) {
      options.positional.push(argument);
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argument);
    if (!match || !names.includes(match[1])) throw new Error(`Unknown argument "${argument}"`);
    const [, name, inline] = match;
    options[name] = parseValue(name, inline ?? argv[++index]);
  }
  return options;
}

/**
 * The command line of a script that takes only options: parsed, or the script ends here, with
 * exit code 2 and the usage for a bad argument, or 0 after printing the usage for --help.
 */
export function readCommandLine(script, names, helpNote) {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), names);
    if (options.positional?.length > 0) throw new Error(`Unexpected argument "${options.positional[0]}"`);
  } catch (error) {
    console.error(`${error.message}\n\n${usage(script, names)}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage(script, names, helpNote));
    process.exit(0);
  }
  return options;
}

/**
 * Extra variables for Tiffin's apps from BENCH_APP_ENV ("NAME=value NAME=value"), for what-if runs
 * (e.g. another CACHE_REDIS_TIMEOUT_MS); the report records them.
 */
export function appEnvOverrides(env = process.env) {
  const overrides = {};
  for (const pair of (env.BENCH_APP_ENV ?? '').split(/\s+/).filter(Boolean)) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
    if (!match) throw new BenchFailure(`BENCH_APP_ENV: "${pair}" is not NAME=value`);
    overrides[match[1]] = match[2];
  }
  return overrides;
}

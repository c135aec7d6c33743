// The benchmarks measure on the Node.js that package.json's engines asks for, the one production
// runs: figures from another major describe a runtime nobody deploys. Node 20, for one, runs
// promise hooks in the whole process once any AsyncLocalStorage has been entered (the request
// context of every write), which Node 24's AsyncContextFrame does not: an L1 hit measured 2.4 us
// dearer on Node 20 after one POST, and nothing on Node 24.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './app-process.mjs';
import { BenchFailure } from './failure.mjs';

/** Set BENCH_NODE=current to measure on the Node that runs the benchmark, whatever its version. */
const KEEP_CURRENT = process.env.BENCH_NODE === 'current';

/** The lowest version engines.node allows; only the ">=x.y.z" form is understood. */
function enginesMinimum() {
  const range = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).engines?.node ?? '';
  const match = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!match) throw new BenchFailure(`package.json engines.node is "${range}": the benchmarks understand only ">=x.y.z"`);
  return { range, parts: match.slice(1).map(Number) };
}

function satisfies(version, minimum) {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if (parts[i] !== minimum[i]) return parts[i] > minimum[i];
  return true;
}

/**
 * Whether this process runs on the engines' Node. When it does not, the same command is run again
 * on Node 24 LTS (scripts/node24.sh fetches it once per machine) and its exit code returned; with
 * BENCH_NODE=current, or when this already is that Node, undefined: go on here.
 */
export async function rerunOnEnginesNode(log) {
  const { range, parts } = enginesMinimum();
  if (satisfies(process.version, parts)) return undefined;
  if (KEEP_CURRENT) {
    log(`warning: Node ${process.version} is outside package.json's engines (${range}); measuring on it as BENCH_NODE=current asks`);
    return undefined;
  }
  const directory = execFileSync(join(REPO_ROOT, 'scripts', 'node24.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const node = join(directory, 'bin', 'node');
  const version = execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();
  if (!satisfies(version, parts)) throw new BenchFailure(`${node} is ${version}, outside package.json's engines (${range})`);
  log(`Node ${process.version} is outside package.json's engines (${range}): running again on ${version} (BENCH_NODE=current to stay)`);
  const child = spawn(node, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(directory, 'bin')}:${process.env.PATH}` },
  });
  // Ctrl-C reaches the child from the terminal, as it reaches this process: only wait for it.
  process.on('SIGINT', () => {}).on('SIGTERM', (signal) => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

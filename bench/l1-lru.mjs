// The L1's recency bookkeeping, against an exact LRU measured in the same run: the built BoundedLru
// (dist/) and a Map that moves every hit to the recent end. Run with `npm run bench:l1`. See
// bench/README.md.
//
// 1. Cost of a get: an L1 of 10,000 entries read with Zipf-distributed keys (s = 1), every read a
//    hit, timed over 4M gets after a warm-up of 1M.
// 2. Hit ratio under pressure: an L1 holding a tenth of 40,000 keys, read with Zipf-distributed keys
//    (s = 0.7, 0.9, 1.1), a miss storing its key; counted over the last 1.5M of 2M reads.
// The draws come from a fixed-seed generator, so both caches see the same reads.
import { join } from 'node:path';
import { BoundedLru } from '../dist/cache/bounded-lru.js';
import { buildEntry } from '../dist/cache/cache-entry.js';
import { describeMachine, writeAtomically } from './lib/report.mjs';

const RESULTS = join(import.meta.dirname, 'results');

/** The baseline: what an L1 does when every hit moves its entry to the recent end. */
class ExactLru {
  constructor(maxEntries) {
    this.maxEntries = maxEntries;
    this.slots = new Map();
  }

  get(key) {
    const entry = this.slots.get(key);
    if (entry === undefined) return undefined;
    this.slots.delete(key);
    this.slots.set(key, entry);
    return entry;
  }

  set(key, entry) {
    this.slots.delete(key);
    this.slots.set(key, entry);
    if (this.slots.size > this.maxEntries) this.slots.delete(this.slots.keys().next().value);
  }
}

const tiffinLru = (maxEntries) => new BoundedLru({ maxEntries, maxBytes: Number.MAX_SAFE_INTEGER });

/** Keys `key:0`..`key:n-1` drawn by Zipf's law with exponent `s`, from a fixed-seed generator. */
function zipfDraws(n, s, count, seed = 42) {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / Math.pow(i + 1, s);
  const keys = Array.from({ length: n }, (_, i) => `tiffin:v1:restaurants:restaurant:${i}`);
  // mulberry32: 32-bit integer arithmetic throughout, so the sequence is exact in doubles.
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const draws = new Array(count);
  for (let d = 0; d < count; d++) {
    const u = next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    draws[d] = keys[lo];
  }
  return { keys, draws };
}

const entryFor = (key, now) => buildEntry({ body: key, tags: [`r:${key}`], ttlMs: 3_600_000 }, 5, now);

function costOfGet(makeCache) {
  const entries = 10_000;
  const { keys, draws } = zipfDraws(entries, 1, 1 << 20);
  const now = Date.now();
  const cache = makeCache(entries);
  for (const key of keys) cache.set(key, entryFor(key, now));
  for (const key of draws) cache.get(key, now);
  let hits = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < 4; round++) for (const key of draws) if (cache.get(key, now)) hits++;
  const ns = Number(process.hrtime.bigint() - started) / hits;
  if (hits !== 4 * draws.length) throw new Error(`expected every get to hit, ${hits} of ${4 * draws.length} did`);
  return ns;
}

function hitRatio(makeCache, s) {
  const { draws } = zipfDraws(40_000, s, 2_000_000);
  const now = Date.now();
  const cache = makeCache(4_000);
  const counted = 1_500_000;
  let hits = 0;
  draws.forEach((key, index) => {
    const hit = cache.get(key, now) !== undefined;
    if (!hit) cache.set(key, entryFor(key, now));
    if (hit && index >= draws.length - counted) hits++;
  });
  return hits / counted;
}

const machine = describeMachine();
const cost = { tiffin: [], exact: [] };
for (let run = 0; run < 3; run++) {
  cost.exact.push(costOfGet((n) => new ExactLru(n)));
  cost.tiffin.push(costOfGet(tiffinLru));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratios = [0.7, 0.9, 1.1].map((s) => ({ s, exact: hitRatio((n) => new ExactLru(n), s), tiffin: hitRatio(tiffinLru, s) }));

const lines = [
  '# L1 recency bookkeeping against an exact LRU',
  '',
  `${new Date().toISOString()} on ${machine.cpu_model} (${machine.cores} cores), Node ${machine.node}, ${machine.os}; ` +
    `load average ${machine.load_average_at_start.join(' / ')} at start; commit ${machine.git_commit}` +
    `${machine.uncommitted_src_changes ? ' with uncommitted changes in src/' : ''}.`,
  '',
  '## Cost of a get (10,000 entries, Zipf s = 1, every get a hit; 3 runs, alternating)',
  '',
  '| L1 | ns per get (median) | runs |',
  '|---|---:|---|',
  `| exact LRU (every hit moved) | ${median(cost.exact).toFixed(0)} | ${cost.exact.map((ns) => ns.toFixed(0)).join(', ')} |`,
  `| BoundedLru | ${median(cost.tiffin).toFixed(0)} | ${cost.tiffin.map((ns) => ns.toFixed(0)).join(', ')} |`,
  '',
  `BoundedLru / exact: **${(median(cost.tiffin) / median(cost.exact)).toFixed(2)}x** the cost of a get.`,
  '',
  '## Hit ratio with the L1 holding a tenth of the keys (4,000 of 40,000)',
  '',
  '| Zipf s | exact LRU | BoundedLru | difference (points) |',
  '|---:|---:|---:|---:|',
  ...ratios.map(
    ({ s, exact, tiffin }) =>
      `| ${s} | ${(exact * 100).toFixed(2)}% | ${(tiffin * 100).toFixed(2)}% | ${((tiffin - exact) * 100).toFixed(2)} |`,
  ),
  '',
];
const report = lines.join('\n');
console.log(report);
writeAtomically(join(RESULTS, 'l1-lru.md'), report);

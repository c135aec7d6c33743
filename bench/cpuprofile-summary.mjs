// Summarises a V8 .cpuprofile (node --cpu-prof): where the samples fall by function (self and
// inclusive time) and by package. Usage: node bench/cpuprofile-summary.mjs <file> [--top 25]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './lib/app-process.mjs';
import { parseOptions, usage } from './lib/options.mjs';

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  return path.startsWith(`${REPO_ROOT}/`) ? path.slice(REPO_ROOT.length + 1) : path;
}

/** The package (or part of the app) a frame belongs to. */
function areaOf({ functionName, url }) {
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return '(V8 builtins / native)';
  if (url.startsWith('node:')) return 'node core';
  const path = shortUrl(url);
  if (url.includes('/node_modules/')) {
    const [scope, name] = path.split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const app = /^dist\/([^/]+)/.exec(path);
  return app ? `app: ${app[1]}` : path;
}

function frameLabel({ functionName, url, lineNumber }) {
  if (SPECIAL.has(functionName)) return functionName;
  const name = functionName || '(anonymous)';
  return url ? `${name}  ${shortUrl(url)}:${lineNumber + 1}` : `${name}  (native)`;
}

/**
 * Counts the samples taken between `fromUs` and `toUs` (V8's monotonic clock, the one
 * process.hrtime reads), or all of them. Given the number of `requests` served in that time, it
 * also shows the microseconds per request, which compare across scenarios where shares do not.
 */
export function summariseProfile(profile, { fromUs = -Infinity, toUs = Infinity, top = 25, requests } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  const add = (map, key, count = 1) => map.set(key, (map.get(key) ?? 0) + count);
  let total = 0;
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index];
    if (at < fromUs || at > toUs) continue;
    total++;
    const node = nodes.get(profile.samples[index]);
    add(self, frameLabel(node.callFrame));
    add(areas, areaOf(node.callFrame));
    // Inclusive: each function once per sample, however deep it recurses.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parents.get(id)) {
      const label = frameLabel(nodes.get(id).callFrame);
      if (label === '(root)' || seen.has(label)) continue;
      seen.add(label);
      add(inclusive, label);
    }
  }
  if (total === 0) return 'No samples in the window.';

  const windowUs = Math.min(toUs, profile.endTime) - Math.max(fromUs, profile.startTime);
  const perRequest = (count) => (requests ? `${((count / total) * (windowUs / requests)).toFixed(1).padStart(7)} us/req` : '');
  const percent = (count) => `${((100 * count) / total).toFixed(1).padStart(5)}%${perRequest(count)}`;
  const table = (title, map) =>
    [
      title,
      ...[...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([label, count]) => `  ${percent(count)}  ${label}`),
    ].join('\n');
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const served = requests ? ` ${requests} requests: ${(windowUs / requests).toFixed(1)} us of wall time each.` : '';
  return [
    `${total} samples in the window (${profile.samples.length} in the profile, ${seconds.toFixed(1)} s).${served}`,
    '',
    table('Self time by package / area:', areas),
    '',
    table(`Self time by function (top ${top}):`, self),
    '',
    table(`Inclusive time by function (top ${top}):`, inclusive),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const names = ['top'];
  let options;
  try {
    options = parseOptions(process.argv.slice(2), names);
    if (!options.help && options.positional.length !== 1) throw new Error('Give one .cpuprofile file');
  } catch (error) {
    console.error(`${error.message}\n\n${usage('bench/cpuprofile-summary.mjs <file.cpuprofile>', names)}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage('bench/cpuprofile-summary.mjs <file.cpuprofile>', names));
  } else {
    console.log(summariseProfile(JSON.parse(readFileSync(options.positional[0], 'utf8')), { top: options.top }));
  }
}

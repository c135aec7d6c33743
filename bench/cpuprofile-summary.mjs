// Summarises a V8 .cpuprofile (node --cpu-prof): where the samples fall by package and by
// function (self and inclusive time), or how one profile differs per request from another.
// Usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [--window <scenario>] [--compare <baseline.cpuprofile>] [--top 25]
import { existsSync, readFileSync } from 'node:fs';
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

/** Where profile-hit.mjs records the measured window of a profile: `{ fromUs, toUs, requests }`. */
export const windowFileOf = (profileFile) => profileFile.replace(/\.cpuprofile$/, '.window.json');

/** Where `npm run bench -- --profile cache-on` records each scenario's window of its profile. */
export const windowsFileOf = (profileFile) => profileFile.replace(/\.cpuprofile$/, '.windows.json');

/**
 * Counts the samples taken between `fromUs` and `toUs` (V8's monotonic clock, the one
 * process.hrtime reads), or all of them, by area, by function (self) and by function on the stack
 * (inclusive). `requests` served in that time turn counts into microseconds per request.
 */
export function analyseProfile(profile, { fromUs = -Infinity, toUs = Infinity, requests } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let total = 0;
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index];
    if (at < fromUs || at > toUs) continue;
    total++;
    const node = nodes.get(profile.samples[index]);
    add(self, frameLabel(node.callFrame));
    add(areas, areaOf(node.callFrame));
    // Each function once per sample, however deep it recurses.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parents.get(id)) {
      const label = frameLabel(nodes.get(id).callFrame);
      if (label === '(root)' || seen.has(label)) continue;
      seen.add(label);
      add(inclusive, label);
    }
  }
  const windowUs = Math.min(toUs, profile.endTime) - Math.max(fromUs, profile.startTime);
  const usPerRequest = requests && total > 0 ? (count) => (count / total) * (windowUs / requests) : undefined;
  return { total, samples: profile.samples.length, windowUs, requests, usPerRequest, self, inclusive, areas };
}

const byCount = (map, top) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);

export function summariseProfile(profile, { top = 25, ...window } = {}) {
  const analysis = analyseProfile(profile, window);
  const { total, usPerRequest, requests, windowUs } = analysis;
  if (total === 0) return 'No samples in the window.';
  const cell = (count) =>
    `${((100 * count) / total).toFixed(1).padStart(5)}%` + (usPerRequest ? `${usPerRequest(count).toFixed(1).padStart(7)} us/req` : '');
  const table = (title, map) => [title, ...byCount(map, top).map(([label, count]) => `  ${cell(count)}  ${label}`)].join('\n');
  const served = requests ? ` ${requests} requests: ${(windowUs / requests).toFixed(1)} us of wall time each.` : '';
  return [
    `${total} samples in the window (${analysis.samples} in the profile).${served}`,
    '',
    table('Self time by package / area:', analysis.areas),
    '',
    table(`Self time by function (top ${top}):`, analysis.self),
    '',
    table(`Inclusive time by function (top ${top}):`, analysis.inclusive),
  ].join('\n');
}

/** Microseconds per request of each area and function in `profile` and `baseline`, largest differences first. */
export function compareProfiles(profile, baseline, { top = 25 } = {}) {
  const [a, b] = [profile, baseline].map(({ data, window }) => analyseProfile(data, window));
  if (!a.usPerRequest || !b.usPerRequest) return "Comparing needs both profiles' .window.json (written by profile-hit.mjs).";
  const table = (title, key) => {
    const labels = new Set([...a[key].keys(), ...b[key].keys()]);
    const rows = [...labels]
      .map((label) => {
        const [mine, theirs] = [a.usPerRequest(a[key].get(label) ?? 0), b.usPerRequest(b[key].get(label) ?? 0)];
        return { label, mine, theirs, difference: mine - theirs };
      })
      .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference))
      .slice(0, top)
      .map(({ label, mine, theirs, difference }) => {
        const numbers = [mine, theirs].map((value) => value.toFixed(1).padStart(7)).join('');
        return `${numbers}${(difference >= 0 ? '+' : '') + difference.toFixed(1)}`.padEnd(24) + `  ${label}`;
      });
    return [title, '  profile baseline difference (us per request)', ...rows].join('\n');
  };
  const perRequest = (analysis) => (analysis.windowUs / analysis.requests).toFixed(1);
  return [
    `Wall time per request: ${perRequest(a)} us in the profile, ${perRequest(b)} us in the baseline.`,
    '',
    table('Self time by package / area:', 'areas'),
    '',
    table(`Self time by function (top ${top} differences):`, 'self'),
    '',
    table(`Inclusive time by function (top ${top} differences):`, 'inclusive'),
  ].join('\n');
}

/** The profile and the window to count: a suite run's scenario (`scenario`), or the one window profile-*.mjs recorded. */
function load(file, scenario) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (scenario !== undefined) {
    const windows = JSON.parse(readFileSync(windowsFileOf(file), 'utf8'));
    if (!windows[scenario]) throw new Error(`No window "${scenario}" in ${windowsFileOf(file)}: ${Object.keys(windows).join(', ')}`);
    return { data, window: windows[scenario] };
  }
  const windowFile = windowFileOf(file);
  return { data, window: existsSync(windowFile) ? JSON.parse(readFileSync(windowFile, 'utf8')) : {} };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const names = ['top', 'compare', 'window'];
  const script = 'bench/cpuprofile-summary.mjs <file.cpuprofile>';
  let options;
  try {
    options = parseOptions(process.argv.slice(2), names);
    if (!options.help && options.positional.length !== 1) throw new Error('Give one .cpuprofile file');
  } catch (error) {
    console.error(`${error.message}\n\n${usage(script, names)}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage(script, names, 'Uses <file>.window.json, when present, to count only the measured window.'));
  } else {
    const profile = load(options.positional[0], options.window);
    console.log(
      options.compare
        ? compareProfiles(profile, load(options.compare, options.window), { top: options.top })
        : summariseProfile(profile.data, { ...profile.window, top: options.top }),
    );
  }
}

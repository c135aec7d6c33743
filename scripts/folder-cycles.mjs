#!/usr/bin/env node
// Folder-level cycles between the top-level folders of src/, which dependency-cruiser's module-level
// `circular` rule cannot see (a -> b in one file, b -> a in another). Reads dependency-cruiser's JSON
// (`depcruise src --output-type json`) on stdin, prints each cycle with one import per edge, and
// exits 1 when there is any.
import { readFileSync } from 'node:fs';

const result = JSON.parse(readFileSync(0, 'utf8'));
const folderOf = (path) => /^src\/([^/]+)\//.exec(path)?.[1];
const edges = new Map(); // folder -> Map(folder -> example import)
for (const module of result.modules) {
  const from = folderOf(module.source);
  if (!from) continue;
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} -> ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of more than one folder is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const components = [];
const visit = (folder) => {
  const entry = { index, low: index, onStack: true };
  index++;
  state.set(folder, entry);
  stack.push(folder);
  for (const next of edges.get(folder)?.keys() ?? []) {
    if (!state.has(next)) {
      visit(next);
      entry.low = Math.min(entry.low, state.get(next).low);
    } else if (state.get(next).onStack) entry.low = Math.min(entry.low, state.get(next).index);
  }
  if (entry.low === entry.index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) components.push(component.sort());
  }
};
for (const folder of edges.keys()) if (!state.has(folder)) visit(folder);

for (const component of components) {
  console.error(`folder cycle: ${component.join(', ')}`);
  for (const from of component) {
    for (const [to, example] of edges.get(from) ?? []) if (component.includes(to)) console.error(`  ${from} -> ${to}: ${example}`);
  }
}
if (components.length > 0) process.exit(1);
console.log(
  `no folder-level cycles among ${new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]).size} folders of src/`,
);

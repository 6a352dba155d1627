#!/usr/bin/env node
// The layout's guard: which top-level folder of src/ may import which, and no import cycle between any two
// folders (at any depth). Reads the relative imports of every .ts file; a wrong-way import or a cycle is printed
// with the file that makes it, and the exit code is 1. Run by `npm run lint`.
// Usage: node scripts/check-layers.mjs [--root <dir containing src/>]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// A folder may import itself and what it lists here, nothing else. Lower layers first; `common` and `config`
// know no feature. The files at the root of src/ (the composition root, bootstrap) may import anything.
const BASE = ['common', 'config'];
const STORE = [...BASE, 'database'];
// The retention engine sits just above the database: every module that owns a table adds its rules to it.
const TABLES = [...STORE, 'retention'];
const FOUNDATION = [...TABLES, 'i18n', 'users', 'mail', 'events', 'erasure', 'rate-limit', 'security-notices'];
export const ALLOWED = {
  config: [],
  common: [],
  database: BASE,
  retention: STORE,
  i18n: BASE,
  users: [...TABLES, 'i18n'],
  mail: [...TABLES, 'i18n'],
  events: TABLES,
  erasure: [...TABLES, 'users', 'events'],
  'rate-limit': BASE,
  'security-notices': [...TABLES, 'users', 'mail'],
  auth: FOUNDATION,
  password: [...FOUNDATION, 'auth'],
  'second-factors': [...FOUNDATION, 'auth'],
  takeback: [...FOUNDATION, 'auth', 'password', 'second-factors'],
  'sign-in': [...FOUNDATION, 'auth', 'password', 'second-factors'],
  registration: [...FOUNDATION, 'password'],
  'step-up': [...FOUNDATION, 'auth', 'password', 'second-factors'],
  'identity-providers': [...FOUNDATION, 'auth', 'second-factors', 'step-up', 'takeback'],
  'email-change': [...FOUNDATION, 'auth', 'takeback'],
  avatar: [...FOUNDATION, 'auth'],
  profile: [...FOUNDATION, 'auth', 'second-factors', 'avatar'],
  webhooks: [...TABLES, 'events'],
  health: [...STORE, 'events', 'webhooks', 'erasure'],
  openapi: [...BASE, 'auth'],
};

function tsFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

// Relative imports, and `#src/…` (package.json "imports": src/'s own alias, used between top-level folders).
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]((?:\.{1,2}|#src)\/[^'"]+)['"]|import\(\s*['"]((?:\.{1,2}|#src)\/[^'"]+)['"]\s*\)/g;

/** Every import of one file of src/ by another: [importing file, imported file], both relative to src/. */
export function importsOf(srcDir) {
  const edges = [];
  for (const file of tsFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2]).replace(/\.js$/, '');
      const target = specifier.startsWith('#src/') ? join(srcDir, specifier.slice('#src/'.length)) : resolve(dirname(file), specifier);
      edges.push([relative(srcDir, file), relative(srcDir, target), specifier]);
    }
  }
  return edges;
}

const topOf = (path) => (path.includes(sep) ? path.split(sep)[0] : null);

/** The import style: `#src/…` between top-level folders, relative paths inside one (and from src/'s root files). */
export function misspelledImports(edges) {
  const problems = [];
  for (const [from, to, specifier] of edges) {
    const a = topOf(from);
    const b = topOf(to) ?? to;
    if (a === null) continue;
    const aliased = specifier.startsWith('#src/');
    if (a !== b && !aliased) problems.push(`${from}: import '${specifier}' reaches into src/${b}/; write it as '#src/${to}'`);
    if (a === b && aliased) problems.push(`${from}: import '${specifier}' stays inside src/${a}/; write it as a relative path`);
  }
  return problems;
}

/** Imports against the table: a folder reaching one it may not (or a folder the table does not know). */
export function wrongWayImports(edges) {
  const problems = [];
  for (const [from, to] of edges) {
    const a = topOf(from);
    const b = topOf(to) ?? to;
    if (a === null || a === b) continue;
    const allowed = ALLOWED[a];
    if (!allowed) problems.push(`${from}: src/${a}/ is not in the layer table (scripts/check-layers.mjs)`);
    else if (!allowed.includes(b)) problems.push(`${from} imports ${to}: src/${a}/ may not depend on src/${b}/`);
  }
  return problems;
}

/**
 * Cycles between sibling folders, at every depth: an import from a/x/… to a/y/… is an edge x → y among a's
 * children. A folder's own files importing its subfolders (a module composing its parts), and a subfolder
 * importing its parent's files, are not edges: parent and child are one capability.
 */
export function folderCycles(edges) {
  const graph = new Map();
  const witness = new Map();
  for (const [from, to] of edges) {
    const a = dirname(from).split(sep);
    const b = dirname(to).split(sep);
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    if (common === a.length || common === b.length) continue; // the same folder, or parent and child
    const x = a.slice(0, common + 1).join(sep);
    const y = b.slice(0, common + 1).join(sep);
    if (!graph.has(x)) graph.set(x, new Set());
    graph.get(x).add(y);
    if (!witness.has(`${x}>${y}`)) witness.set(`${x}>${y}`, `${from} -> ${to}`);
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const stack = [];
  const state = new Map();
  const cycles = [];
  const visit = (node) => {
    state.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!state.has(next)) {
        visit(next);
        state.get(node).low = Math.min(state.get(node).low, state.get(next).low);
      } else if (state.get(next).onStack) state.get(node).low = Math.min(state.get(node).low, state.get(next).index);
    }
    if (state.get(node).low !== state.get(node).index) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) {
      const inside = new Set(component);
      const closing = [...witness.entries()].filter(([key]) => key.split('>').every((end) => inside.has(end))).map(([, edge]) => edge);
      cycles.push(`cycle between ${component.sort().join(', ')} (e.g. ${closing.slice(0, 2).join('; ')})`);
    }
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag > 0 ? resolve(process.argv[rootFlag + 1]) : resolve(new URL('..', import.meta.url).pathname);
  const edges = importsOf(join(root, 'src'));
  const problems = [...wrongWayImports(edges), ...misspelledImports(edges), ...folderCycles(edges)];
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} problem(s); the allowed directions are the table in scripts/check-layers.mjs (docs/architecture.md explains them)`);
    process.exit(1);
  }
  console.log(`check-layers: ${edges.length} imports, every one in an allowed direction, no cycle between folders`);
}

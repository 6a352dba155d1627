#!/usr/bin/env node
// Runs the compiled test files with Node's own test runner: unit specs next to the code
// (dist/src/**/*.spec.js) and e2e specs (dist/test/**/*.e2e-spec.js). Each file runs in its own process.
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (/\.(e2e-)?spec\.js$/.test(name)) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [join(root, 'dist/src'), join(root, 'dist/test')]
  .flatMap((dir) => collect(dir))
  .filter((file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files found: run "nest build" first');
  process.exit(1);
}
console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'} · ${files.length} test files`);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(result.status ?? 1);

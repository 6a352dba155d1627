/**
 * One build on several Node versions, side by side (issue #35): `node dist/bench/node-versions.js <node>=<checkout> …`
 * starts each checkout's built service on its Node binary (SQLite, pinned to the same core) and runs GET
 * /api/auth/users/me in alternating rounds (20 connections; the first target of a cycle rotates). Each checkout
 * must be installed and built by its own Node (better-sqlite3 is built for one Node ABI): `scripts/node-copies.sh
 * 22 24` makes such copies of this checkout. Prints each target's req/s, p50, p99 and CPU per request (medians of
 * its rounds) and its req/s against the first target's, paired round by round.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { type Child, type LoadResult, ROOT, load, median, signIn, startProcess, table } from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

interface Target {
  label: string;
  child: Child;
  headers: Record<string, string>;
  rounds: LoadResult[];
}

async function start(node: string, checkout: string, port: number): Promise<Target> {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-node-')), DATABASE_URL: '', BCRYPT_COST: '10', PUBLIC_URL: `http://localhost:${port}` };
  const child = await startProcess(relative(ROOT, join(checkout, 'dist/src/main.js')), port, env, '/api/health', [], node);
  return { label: `${version} (${checkout})`, child, headers: await signIn(child.url, 'node'), rounds: [] };
}

async function main(): Promise<void> {
  const specs = process.argv.slice(2).map((arg) => {
    const [node, checkout] = arg.split('=');
    if (!node || !checkout) throw new Error('usage: node dist/bench/node-versions.js <node binary>=<built checkout> …');
    return { node: resolve(node), checkout: resolve(checkout) };
  });
  if (specs.length < 2) throw new Error('give two or more <node binary>=<built checkout>');
  const targets: Target[] = [];
  for (const [index, spec] of specs.entries()) targets.push(await start(spec.node, spec.checkout, 4940 + index));
  const round = (target: Target, duration: number) =>
    load(`${target.child.url}/api/auth/users/me`, target.child.process.pid as number, { connections: CONNECTIONS, duration, headers: target.headers });
  for (const target of targets) await round(target, WARMUP);
  for (let cycle = 0; cycle < ROUNDS; cycle++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(cycle + i) % targets.length];
      target.rounds.push(await round(target, DURATION));
    }
  }
  await Promise.all(targets.map((target) => target.child.stop()));
  const first = targets[0];
  const rows = targets.map((target) => {
    const ratios = target.rounds.map((r, i) => r.requestsPerSecond / first.rounds[i].requestsPerSecond);
    return {
      node: target.label,
      'req/s': Math.round(median(target.rounds.map((r) => r.requestsPerSecond))),
      'p50 ms': median(target.rounds.map((r) => r.p50)),
      'p99 ms': median(target.rounds.map((r) => r.p99)),
      'cpu µs/req': Math.round(median(target.rounds.map((r) => r.cpuMicrosPerRequest))),
      'req/s ÷ first': median(ratios).toFixed(3),
      non2xx: target.rounds.reduce((sum, r) => sum + r.non2xx, 0),
    };
  });
  console.log(`GET /api/auth/users/me on SQLite, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s each, alternating`);
  console.log(table(rows));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

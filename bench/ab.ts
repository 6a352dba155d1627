/**
 * Two builds of the service side by side: `node dist/bench/ab.js <other checkout>` starts the other checkout's
 * built service (A) and this one (B), both on SQLite and pinned to the same core, and alternates short load
 * rounds of GET /api/auth/users/me between them. Prints the median of the paired B/A ratios (req/s, CPU per
 * request) and each side's p50/p99. Adjacent rounds share the machine's state, so a change of a few percent
 * shows here when whole runs of `bench/me.ts` vary by more than that. The other checkout needs `npm ci` and
 * `npm run build` of its own. `BENCH_AB_ROUTE=login` compares POST /api/auth/login instead (8 connections, the
 * same account, rate limits lifted); refreshes, whose every answer feeds the next request, are bench/refresh.ts'.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BENCH_PASSWORD, type Child, type LoadResult, ROOT, json, load, median, signIn, startProcess } from './support';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 16);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = 10;

const ROUTE = process.env.BENCH_AB_ROUTE === 'login' ? 'login' : 'me';

interface Target {
  child: Child;
  headers: Record<string, string>;
  credentials: string;
}

/** Node flags for B only (`BENCH_B_NODE_ARGS="--flag …"`): to measure a V8 setting against the same build. */
const B_NODE_ARGS = (process.env.BENCH_B_NODE_ARGS ?? '').split(' ').filter(Boolean);

async function start(checkout: string, port: number, nodeArgs: string[] = []): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ab-'));
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    BCRYPT_COST: '10',
    PUBLIC_URL: `http://localhost:${port}`,
    AUTH_RATE_LIMIT_IP: '100000000/1m',
    AUTH_RATE_LIMIT_ACCOUNT: '100000000/1m',
    NEW_SIGNIN_ALERTS: 'false',
  };
  const child = await startProcess(relative(ROOT, join(checkout, 'dist/src/main.js')), port, env, '/api/health', nodeArgs);
  const credentials = JSON.stringify({ email: `bench-ab-login-${Date.now()}@example.com`, password: BENCH_PASSWORD });
  if (ROUTE === 'login') await json(`${child.url}/api/auth/register`, { method: 'POST', body: credentials });
  return { child, headers: await signIn(child.url, 'ab'), credentials };
}

const round = (target: Target, duration: number): Promise<LoadResult> =>
  ROUTE === 'login'
    ? load(`${target.child.url}/api/auth/login`, target.child.process.pid as number, {
        connections: 8,
        duration,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: target.credentials,
      })
    : load(`${target.child.url}/api/auth/users/me`, target.child.process.pid as number, { connections: 20, duration, headers: target.headers });

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error('usage: node dist/bench/ab.js <path of another built checkout>');
  const a = await start(resolve(other), 4600);
  const b = await start(ROOT, 4601, B_NODE_ARGS);
  await round(a, WARMUP);
  await round(b, WARMUP);
  const pairs: Array<[LoadResult, LoadResult]> = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which side goes first, so that neither always follows the other.
    if (i % 2 === 0) {
      const ra = await round(a, DURATION);
      pairs.push([ra, await round(b, DURATION)]);
    } else {
      const rb = await round(b, DURATION);
      pairs.push([await round(a, DURATION), rb]);
    }
  }
  await Promise.all([a.child.stop(), b.child.stop()]);
  const side = (index: 0 | 1) =>
    `p50 ${median(pairs.map((p) => p[index].p50))} ms, p99 ${median(pairs.map((p) => p[index].p99))} ms, ` +
    `${Math.round(median(pairs.map((p) => p[index].cpuMicrosPerRequest)))} µs/req`;
  console.log(`A (${resolve(other)}): ${side(0)}`);
  console.log(`B (${ROOT}): ${side(1)}`);
  const ratios = pairs.map(([ra, rb]) => rb.requestsPerSecond / ra.requestsPerSecond);
  console.log(`B/A req/s = ${median(ratios).toFixed(3)} (pairs ${ratios.map((r) => r.toFixed(2)).join(' ')})`);
  console.log(`B/A CPU per request = ${median(pairs.map(([ra, rb]) => rb.cpuMicrosPerRequest / ra.cpuMicrosPerRequest)).toFixed(3)}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * GET /api/auth/users/me against the built service and against the ceiling server (bench/ceiling-server.ts),
 * on SQLite, and on PostgreSQL too when DATABASE_URL is set. Prints req/s, p50, p99 and CPU µs per request,
 * memory, and last `me/ceiling = <ratio>` (SQLite, 20 connections, median of 3 rounds).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, type LoadResult, PROBE_ARGS, json, load, median, memoryMb, readProbe, startProcess, table } from './support';

const ROUNDS = 3;
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
// Long enough for V8 to optimise the hot path: with 3 s the first configuration measured ~40% slow.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const MEMORY_REQUESTS = 200_000;
const PASSWORD = 'Vq8#mZt!rW2p';

async function run(database: 'sqlite' | 'postgres', basePort: number): Promise<{ ratio: number; rows: Array<Record<string, string | number>> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-me-${database}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir, BCRYPT_COST: '10', PUBLIC_URL: `http://localhost:${basePort}` };
  if (database === 'postgres') env.DATABASE_URL = process.env.DATABASE_URL as string;
  else env.DATABASE_URL = '';
  const probeFile = join(dataDir, 'probe.json');
  const service = await startProcess('dist/src/main.js', basePort, { ...env, PROBE_FILE: probeFile }, '/api/health', PROBE_ARGS);
  const email = `bench-${Date.now()}@example.com`;
  await json(`${service.url}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const { accessToken } = await json<{ accessToken: string }>(`${service.url}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const ceiling = await startProcess('dist/bench/ceiling-server.js', basePort + 1, {
    ...env,
    SERVICE_PORT: String(basePort),
    JWT_ISSUER: `http://localhost:${basePort}`,
  });
  const headers = { authorization: `Bearer ${accessToken}` };
  const pid = service.process.pid as number;
  const idle = memoryMb(pid).rss;

  const rows: Array<Record<string, string | number>> = [];
  let ratio = 0;
  let totalRequests = 0;
  for (const connections of [20, 64]) {
    const results: Record<string, LoadResult[]> = { service: [], ceiling: [] };
    const targets: Array<[string, Child]> = [
      ['service', service],
      ['ceiling', ceiling],
    ];
    for (const [, target] of targets) await load(`${target.url}/api/auth/users/me`, target.process.pid as number, { connections, duration: WARMUP, headers });
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, target] of targets) {
        const result = await load(`${target.url}/api/auth/users/me`, target.process.pid as number, { connections, duration: DURATION, headers });
        results[name].push(result);
        if (name === 'service') totalRequests += result.requests;
      }
    }
    for (const [name, list] of Object.entries(results)) {
      rows.push({
        database,
        target: name,
        connections,
        'req/s': Math.round(median(list.map((r) => r.requestsPerSecond))),
        'p50 ms': median(list.map((r) => r.p50)),
        'p99 ms': median(list.map((r) => r.p99)),
        'cpu µs/req': Math.round(median(list.map((r) => r.cpuMicrosPerRequest))),
        non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
      });
    }
    if (connections === 20) ratio = median(results.service.map((r) => r.requestsPerSecond)) / median(results.ceiling.map((r) => r.requestsPerSecond));
  }
  // Leak check: memory after a full GC once warm, then after another 200 000 requests.
  const warm = await readProbe(pid, probeFile);
  let served = 0;
  while (served < MEMORY_REQUESTS) served += (await load(`${service.url}/api/auth/users/me`, pid, { connections: 20, duration: 5, headers })).requests;
  const after = await readProbe(pid, probeFile);
  const growth = (from: number, to: number) => `${(((to - from) / from) * 100).toFixed(1)}%`;
  console.log(
    `${database}: idle RSS ${idle.toFixed(1)} MB; after GC, warm (${totalRequests} requests): RSS ${warm.rssMb.toFixed(1)} MB, heap ${warm.heapUsedMb.toFixed(1)} MB; ` +
      `after ${served} more: RSS ${after.rssMb.toFixed(1)} MB (${growth(warm.rssMb, after.rssMb)}), heap ${after.heapUsedMb.toFixed(1)} MB (${growth(warm.heapUsedMb, after.heapUsedMb)})`,
  );
  await Promise.all([service.stop(), ceiling.stop()]);
  return { ratio, rows };
}

async function main(): Promise<void> {
  // BENCH_ONLY=postgres skips the SQLite half (for quick iterations on the PostgreSQL path).
  const sqlite = process.env.BENCH_ONLY === 'postgres' ? { ratio: NaN, rows: [] } : await run('sqlite', 4100);
  const rows = [...sqlite.rows];
  if (process.env.DATABASE_URL) {
    const postgres = await run('postgres', 4200);
    rows.push(...postgres.rows);
    console.log(table(rows));
    console.log(`me/ceiling (postgres) = ${postgres.ratio.toFixed(2)}`);
  } else {
    console.log(table(rows));
  }
  if (!Number.isNaN(sqlite.ratio)) console.log(`me/ceiling = ${sqlite.ratio.toFixed(2)}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

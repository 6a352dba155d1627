/**
 * GET /api/auth/users/me against the built service and against the ceiling server (bench/ceiling-server.ts),
 * on SQLite, and on PostgreSQL too when DATABASE_URL is set. Prints req/s, p50, p99 and CPU µs per request,
 * memory, and last `me/ceiling = <ratio>` (SQLite, 20 connections), and the same against the no-database ceiling
 * (the ceiling answering from memory: CEILING_DB=off), for req/s and for CPU per request.
 *
 * The ratio is the median of per-round ratios: service and ceiling alternate round by round, so a slow
 * spell of a shared machine hits both halves of a pair rather than one side's median. Throughput rounds run
 * with the probe idle; loop delay and GC pauses come from one more monitored round per target.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, type LoadResult, PROBE_ARGS, type ProbeReading, load, median, memoryMb, readProbe, signIn, startProcess, table } from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
// Long enough for V8 to optimise the hot path: with 3 s the first configuration measured ~40% slow.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
// For quick A/B runs: BENCH_CONNECTIONS=20 BENCH_MEMORY=0 (the full run, for BENCHMARKS.md, uses neither).
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '20,64').split(',').map(Number);
const MEMORY_REQUESTS = process.env.BENCH_MEMORY === '0' ? 0 : 200_000;

interface Run {
  ratios: number[];
  /** service ÷ no-database ceiling, req/s and (inverted) CPU per request, round by round. */
  noDbRatios: number[];
  cpuRatios: number[];
  rows: Array<Record<string, string | number>>;
}

async function run(database: 'sqlite' | 'postgres', basePort: number): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-me-${database}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir, BCRYPT_COST: '10', PUBLIC_URL: `http://localhost:${basePort}` };
  if (database === 'postgres') env.DATABASE_URL = process.env.DATABASE_URL as string;
  else env.DATABASE_URL = '';
  const probeFile = join(dataDir, 'probe.json');
  const service = await startProcess('dist/src/main.js', basePort, { ...env, PROBE_FILE: probeFile }, '/api/health', PROBE_ARGS);
  const headers = await signIn(service.url, 'me');
  const ceilingProbeFile = join(dataDir, 'ceiling-probe.json');
  const ceiling = await startProcess(
    'dist/bench/ceiling-server.js',
    basePort + 1,
    { ...env, SERVICE_PORT: String(basePort), JWT_ISSUER: `http://localhost:${basePort}`, PROBE_FILE: ceilingProbeFile },
    '/api/health',
    PROBE_ARGS,
  );
  // The no-database ceiling (issue #35): the same token verification and JSON, the rows answered from memory.
  const noDbProbeFile = join(dataDir, 'no-db-ceiling-probe.json');
  const noDbCeiling = await startProcess(
    'dist/bench/ceiling-server.js',
    basePort + 2,
    { ...env, CEILING_DB: 'off', SERVICE_PORT: String(basePort), JWT_ISSUER: `http://localhost:${basePort}`, PROBE_FILE: noDbProbeFile },
    '/api/health',
    PROBE_ARGS,
  );
  const pid = service.process.pid as number;
  const idle = memoryMb(pid).rss;

  const rows: Array<Record<string, string | number>> = [];
  let ratios: number[] = [];
  let noDbRatios: number[] = [];
  let cpuRatios: number[] = [];
  let totalRequests = 0;
  for (const connections of CONNECTIONS) {
    const results: Record<string, LoadResult[]> = { service: [], ceiling: [], 'no-db ceiling': [] };
    const targets: Array<[string, Child, string]> = [
      ['service', service, probeFile],
      ['ceiling', ceiling, ceilingProbeFile],
      ['no-db ceiling', noDbCeiling, noDbProbeFile],
    ];
    // Bodies checked: every answer must be the one this target gave first (the same account, nothing changing).
    const bodies = new Map<Child, string>();
    for (const [, target] of targets) bodies.set(target, await (await fetch(`${target.url}/api/auth/users/me`, { headers })).text());
    const opts = (target: Child, duration: number) => ({ connections, duration, headers, expectBody: bodies.get(target) });
    for (const [, target] of targets) await load(`${target.url}/api/auth/users/me`, target.process.pid as number, opts(target, WARMUP));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, target] of targets) {
        const result = await load(`${target.url}/api/auth/users/me`, target.process.pid as number, opts(target, DURATION));
        results[name].push(result);
        if (name === 'service') totalRequests += result.requests;
      }
    }
    const probes: Record<string, ProbeReading> = {};
    for (const [name, target, probe] of targets) {
      const targetPid = target.process.pid as number;
      await readProbe(targetPid, probe, true);
      const monitored = await load(`${target.url}/api/auth/users/me`, targetPid, opts(target, DURATION));
      if (name === 'service') totalRequests += monitored.requests;
      probes[name] = await readProbe(targetPid, probe);
    }
    for (const [name, list] of Object.entries(results)) {
      const { p99, gc } = probes[name];
      rows.push({
        database,
        target: name,
        connections,
        'req/s': Math.round(median(list.map((r) => r.requestsPerSecond))),
        'p50 ms': median(list.map((r) => r.p50)).toFixed(2),
        'p99 ms': median(list.map((r) => r.p99)).toFixed(2),
        'p99/p50': median(list.map((r) => r.p99 / r.p50)).toFixed(2),
        'cpu µs/req': Math.round(median(list.map((r) => r.cpuMicrosPerRequest))),
        'loop p99 ms': p99.toFixed(1),
        'scavenge p50/max ms': `${gc.scavenge.p50.toFixed(1)}/${gc.scavenge.max.toFixed(1)}`,
        'mark-compacts': gc.markCompact.count,
        non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
      });
    }
    if (connections === 20) {
      ratios = results.service.map((r, round) => r.requestsPerSecond / results.ceiling[round].requestsPerSecond);
      noDbRatios = results.service.map((r, round) => r.requestsPerSecond / results['no-db ceiling'][round].requestsPerSecond);
      cpuRatios = results.service.map((r, round) => results['no-db ceiling'][round].cpuMicrosPerRequest / r.cpuMicrosPerRequest);
    }
  }
  if (MEMORY_REQUESTS > 0) {
    // Leak check: memory after a full GC once warm, then after another 200 000 requests. Both readings follow
    // the same 5 s of load, so that neither comes after an idle spell (or a second forced GC) the other lacks.
    const memoryLoad = () => load(`${service.url}/api/auth/users/me`, pid, { connections: 20, duration: 5, headers });
    await memoryLoad();
    const warm = await readProbe(pid, probeFile);
    let served = 0;
    while (served < MEMORY_REQUESTS) served += (await memoryLoad()).requests;
    const after = await readProbe(pid, probeFile);
    const growth = (from: number, to: number) => `${(((to - from) / from) * 100).toFixed(1)}%`;
    console.log(
      `${database}: idle RSS ${idle.toFixed(1)} MB; after GC, warm (${totalRequests} requests): RSS ${warm.rssMb.toFixed(1)} MB, heap ${warm.heapUsedMb.toFixed(1)} MB; ` +
        `after ${served} more: RSS ${after.rssMb.toFixed(1)} MB (${growth(warm.rssMb, after.rssMb)}), heap ${after.heapUsedMb.toFixed(1)} MB (${growth(warm.heapUsedMb, after.heapUsedMb)})`,
    );
  } else {
    console.log(`${database}: idle RSS ${idle.toFixed(1)} MB (leak check skipped: BENCH_MEMORY=0)`);
  }
  await Promise.all([service.stop(), ceiling.stop(), noDbCeiling.stop()]);
  return { ratios, noDbRatios, cpuRatios, rows };
}

/** `0.66 (rounds 0.61 0.66 0.70 …)`: the median of the paired rounds, then each of them. */
function ratioLine(ratios: number[]): string {
  return `${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')})`;
}

async function main(): Promise<void> {
  // BENCH_ONLY=postgres skips the SQLite half (for quick iterations on the PostgreSQL path).
  const none: Run = { ratios: [], noDbRatios: [], cpuRatios: [], rows: [] };
  const sqlite = process.env.BENCH_ONLY === 'postgres' ? none : await run('sqlite', 4100);
  const postgres = process.env.DATABASE_URL ? await run('postgres', 4200) : none;
  console.log(table([...sqlite.rows, ...postgres.rows]));
  for (const [name, result] of [
    ['', sqlite],
    [' (postgres)', postgres],
  ] as const) {
    if (result.ratios.length === 0) continue;
    console.log(`me/ceiling${name} = ${ratioLine(result.ratios)}`);
    // Issue #35's goals: 0.6 on SQLite, 0.55 on PostgreSQL, for req/s and for CPU per request.
    console.log(`me/no-db-ceiling${name} req/s = ${ratioLine(result.noDbRatios)}; CPU per request (ceiling ÷ service) = ${ratioLine(result.cpuRatios)}`);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

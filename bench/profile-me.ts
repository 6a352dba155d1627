/**
 * Where a GET /api/auth/users/me spends its CPU (issue #35): the service under the bench's load (20 connections)
 * with a CPU profile (the V8 sampling profiler, 100 µs, through the probe) taken over the load alone, after a
 * warm-up; every sample is put in one bucket by the code it is in (its innermost frame with a known home) and each
 * bucket is shown as µs per request. The no-database ceiling runs the same way beside it.
 * A second round samples what each request allocates (the sampling heap profiler, freed objects counted too), by
 * the same buckets as bytes per request, beside the young-generation collections that allocation causes: on
 * GET /me those pauses, not the code, are what set the p99 (BENCHMARKS.md, session 15).
 * Usage: node dist/bench/profile-me.js   (BENCH_DURATION=10 BENCH_WARMUP=10; DATABASE_URL=… for PostgreSQL)
 * Writes the profiles to DATA_DIR (printed), to open in Chrome's DevTools.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_ARGS, load, readProbe, signIn, startProcess, table } from './support';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
/** A node of a sampling heap profile: a tree of frames, each with the bytes allocated in it. */
interface HeapProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapProfileNode[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Buckets by where code lives, first match wins; the order puts our own folders before the packages they call. */
const BUCKETS: Array<[string, RegExp]> = [
  ['request id', /src\/common\/http\/request-id/],
  ['security headers', /helmet|src\/common\/http\/security-headers|\/@nestjs\/platform-fastify\/.*helmet/],
  ['logging', /pino|sonic-boom|abstract-logging|src\/common\/logging/],
  ['token verification', /\/jose\/|src\/auth\/tokens|src\/auth\/keys|node:internal\/crypto|passport-jwt|jsonwebtoken/],
  ['passport', /\/passport\/|@nestjs\/passport|src\/auth\/guards/],
  ['the query (ORM, driver)', /typeorm|better-sqlite3|\/pg\/|pg-protocol|pg-pool|src\/database|src\/users\/.*repository|src\/auth\/sessions/],
  ['serialisation', /class-transformer|fast-json-stringify|src\/users\/profile\.mapper|src\/users\/dto/],
  ['Nest: guards, pipes, interceptors, router', /@nestjs\/core|@nestjs\/common|rxjs|reflect-metadata|src\/common\/(errors|http|decorators)/],
  ['our handler (profile)', /src\/profile\//],
  ['Fastify: routing, hooks, reply', /fastify|find-my-way|avvio|light-my-request|@fastify\/|toad-cache|fast-decode-uri|process-warning|abstract-cache/],
  ['Node: HTTP, sockets, streams, timers', /^node:/],
];

/** What bucketOf reads of a CPU or heap profile's node. */
type Frame = Pick<ProfileNode, 'id' | 'callFrame'>;

function bucketOf(node: Frame, parents: Map<number, Frame>): string {
  const name = node.callFrame.functionName;
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8 and native (program)';
  if (/^(stringify|JSON\.stringify)$/.test(name) && node.callFrame.url === '') return 'serialisation';
  // The innermost frame with a home: a builtin (no url) counts for the code that called it.
  for (let at: Frame | undefined = node; at; at = parents.get(at.id)) {
    const url = at.callFrame.url;
    if (!url) continue;
    for (const [bucket, pattern] of BUCKETS) if (pattern.test(url)) return bucket;
    return 'other';
  }
  return 'V8 and native (program)';
}

function summarise(profile: CpuProfile, requests: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const bucketOfNode = new Map<number, string>();
  const micros = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    let bucket = bucketOfNode.get(id);
    if (bucket === undefined) bucketOfNode.set(id, (bucket = bucketOf(byId.get(id) as ProfileNode, parents)));
    micros.set(bucket, (micros.get(bucket) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return new Map([...micros].map(([bucket, total]) => [bucket, total / requests]));
}

/** Bytes allocated per request, by bucket (the innermost frame with a home, as for the CPU). */
function summariseAllocations(head: HeapProfileNode, requests: number): Map<string, number> {
  const parents = new Map<number, Frame>();
  const bytes = new Map<string, number>();
  const visit = (node: HeapProfileNode): void => {
    for (const child of node.children) {
      parents.set(child.id, node);
      visit(child);
    }
    if (node.selfSize === 0) return;
    const bucket = bucketOf(node, parents);
    bytes.set(bucket, (bytes.get(bucket) ?? 0) + node.selfSize);
  };
  visit(head);
  return new Map([...bytes].map(([bucket, total]) => [bucket, total / requests]));
}

async function profileTarget(name: string, script: string, port: number, env: Record<string, string>, headers: Record<string, string>, dir: string) {
  const probe = join(dir, `${name}-probe.json`);
  const target = await startProcess(script, port, { ...env, PROBE_FILE: probe }, '/api/health', PROBE_ARGS);
  const pid = target.process.pid as number;
  const url = `${target.url}/api/auth/users/me`;
  await load(url, pid, { connections: CONNECTIONS, duration: WARMUP, headers });
  const to = join(dir, `${name}.cpuprofile`);
  await readProbe(pid, probe, false, { profile: 'start' });
  const result = await load(url, pid, { connections: CONNECTIONS, duration: DURATION, headers });
  await readProbe(pid, probe, false, { profile: 'stop', to });
  const written = (file: string) => existsSync(file);
  for (let i = 0; i < 250 && !written(to); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  // The allocation round, monitored: the probe counts the young-generation pauses of the same load.
  const heapTo = join(dir, `${name}.heapprofile`);
  await readProbe(pid, probe, true, { profile: 'allocations' });
  const allocating = await load(url, pid, { connections: CONNECTIONS, duration: DURATION, headers });
  const gc = (await readProbe(pid, probe, false, { profile: 'stop', to: heapTo })).gc;
  for (let i = 0; i < 250 && !written(heapTo); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  await target.stop();
  if (result.non2xx + allocating.non2xx > 0) throw new Error(`${name}: ${result.non2xx + allocating.non2xx} answers were not 2xx`);
  const heapProfile = JSON.parse(readFileSync(heapTo, 'utf8')) as { head: HeapProfileNode };
  return {
    result,
    buckets: summarise(JSON.parse(readFileSync(to, 'utf8')) as CpuProfile, result.requests),
    allocations: summariseAllocations(heapProfile.head, allocating.requests),
    scavenges: { perThousandRequests: (gc.scavenge.count / allocating.requests) * 1000, p50: gc.scavenge.p50, max: gc.scavenge.max },
    to: [to, heapTo],
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-me-'));
  const env: Record<string, string> = { DATA_DIR: dir, BCRYPT_COST: '10', PUBLIC_URL: 'http://localhost:4930', DATABASE_URL: process.env.DATABASE_URL ?? '' };
  // The service makes the keys and the account; the ceilings read them.
  const first = await startProcess('dist/src/main.js', 4930, env);
  const headers = await signIn(first.url, 'profile');
  await first.stop();
  const service = await profileTarget('service', 'dist/src/main.js', 4930, env, headers, dir);
  const ceiling = await profileTarget(
    'no-db-ceiling',
    'dist/bench/ceiling-server.js',
    4931,
    { ...env, CEILING_DB: 'off', SERVICE_PORT: '4930', JWT_ISSUER: 'http://localhost:4930' },
    headers,
    dir,
  );

  const buckets = [...new Set([...service.buckets.keys(), ...ceiling.buckets.keys()])].filter((b) => b !== 'idle');
  const rows = buckets
    .map((bucket) => ({ bucket, service: service.buckets.get(bucket) ?? 0, ceiling: ceiling.buckets.get(bucket) ?? 0 }))
    .sort((a, b) => b.service - a.service)
    .map((row) => ({ 'where the CPU goes': row.bucket, 'service µs/req': row.service.toFixed(1), 'no-db ceiling µs/req': row.ceiling.toFixed(1) }));
  const busy = (m: Map<string, number>) => [...m].filter(([b]) => b !== 'idle').reduce((sum, [, v]) => sum + v, 0);
  rows.push({
    'where the CPU goes': 'all (profiled, main thread)',
    'service µs/req': busy(service.buckets).toFixed(1),
    'no-db ceiling µs/req': busy(ceiling.buckets).toFixed(1),
  });
  rows.push({
    'where the CPU goes': 'process CPU (all threads, /proc)',
    'service µs/req': service.result.cpuMicrosPerRequest.toFixed(1),
    'no-db ceiling µs/req': ceiling.result.cpuMicrosPerRequest.toFixed(1),
  });
  console.log(
    `GET /api/auth/users/me, ${CONNECTIONS} connections, ${DURATION} s profiled after ${WARMUP} s of warm-up (${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`,
  );
  console.log(`service ${Math.round(service.result.requestsPerSecond)} req/s, no-db ceiling ${Math.round(ceiling.result.requestsPerSecond)} req/s`);
  console.log(table(rows));

  const allocationBuckets = [...new Set([...service.allocations.keys(), ...ceiling.allocations.keys()])];
  const allocationRows = allocationBuckets
    .map((bucket) => ({ bucket, service: service.allocations.get(bucket) ?? 0, ceiling: ceiling.allocations.get(bucket) ?? 0 }))
    .sort((a, b) => b.service - a.service)
    .map((row) => ({ 'what allocates': row.bucket, 'service bytes/req': Math.round(row.service), 'no-db ceiling bytes/req': Math.round(row.ceiling) }));
  const allocated = (m: Map<string, number>) => [...m.values()].reduce((sum, v) => sum + v, 0);
  allocationRows.push({
    'what allocates': 'all (sampled, freed objects too)',
    'service bytes/req': Math.round(allocated(service.allocations)),
    'no-db ceiling bytes/req': Math.round(allocated(ceiling.allocations)),
  });
  console.log(table(allocationRows));
  for (const [name, target] of [
    ['service', service],
    ['no-db ceiling', ceiling],
  ] as const) {
    const { perThousandRequests, p50, max } = target.scavenges;
    console.log(
      `${name}: ${perThousandRequests.toFixed(2)} young-generation collections per 1 000 requests, pause p50 ${p50.toFixed(2)} ms, max ${max.toFixed(2)} ms`,
    );
  }
  console.log(`profiles: ${[...service.to, ...ceiling.to].join(' ')}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * What each young-generation collection costs under GET /me's load, phase by phase: the built service on SQLite
 * under `--trace-gc-nvp`, 20 connections (BENCH_CONNECTIONS), a warm-up, then one measured round. Prints the round's
 * p50/p99, then the mean of every field V8 reports per scavenge (times in ms, sizes in bytes), largest first, and
 * how the heap moved. `nodes_died_in_new` counts the global handles (native objects such as a crypto Hash) that
 * died young: each one is processed by the scavenge (`heap.external_weak_global_handles`), BENCHMARKS.md session 16.
 * Extra V8 flags for the service: BENCH_NODE_ARGS="--flag …".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, signIn, startProcess } from './support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PORT = 4300;

/** One `--trace-gc-nvp` line's numeric fields. */
function fields(line: string): Map<string, number> {
  return new Map([...line.matchAll(/([\w.]+)=([\d.]+)/g)].map((match) => [match[1], Number(match[2])]));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-scavenges-'));
  const env = { DATA_DIR: dataDir, DATABASE_URL: '', BCRYPT_COST: '10', PUBLIC_URL: `http://localhost:${PORT}` };
  const service = await startProcess('dist/src/main.js', PORT, env, '/api/health', ['--trace-gc-nvp', ...NODE_ARGS], process.execPath, true);
  try {
    const headers = await signIn(service.url, 'scavenges');
    const pid = service.process.pid as number;
    const url = `${service.url}/api/auth/users/me`;
    await load(url, pid, { connections: CONNECTIONS, duration: WARMUP, headers });
    const before = service.stdout().length;
    const round = await load(url, pid, { connections: CONNECTIONS, duration: DURATION, headers });
    const lines = service.stdout().slice(before).split('\n');
    const scavenges = lines.filter((line) => line.includes(' gc=s ')).map(fields);
    const others = lines.filter((line) => /\bgc=(?!s )\w+ /.test(line)).map(fields);
    if (scavenges.length === 0) throw new Error('no scavenge in the round: is --trace-gc-nvp on?');
    const sums = new Map<string, number>();
    for (const scavenge of scavenges) for (const [name, value] of scavenge) sums.set(name, (sums.get(name) ?? 0) + value);
    console.log(
      `${CONNECTIONS} connections, ${DURATION} s: ${round.requests} requests, p50 ${round.p50.toFixed(2)} ms, p99 ${round.p99.toFixed(2)} ms (${(round.p99 / round.p50).toFixed(2)}), non-2xx ${round.non2xx}`,
    );
    console.log(`${scavenges.length} scavenges (one per ${Math.round(round.requests / scavenges.length)} requests), ${others.length} other collections`);
    const heapAfter = (scavenge: Map<string, number>) => ((scavenge.get('total_size_after') ?? 0) / 1048576).toFixed(1);
    console.log(`heap after the first and the last scavenge: ${heapAfter(scavenges[0])} MB, ${heapAfter(scavenges[scavenges.length - 1])} MB`);
    const means = [...sums].map(([name, sum]) => [name, sum / scavenges.length] as const).filter(([, mean]) => mean >= 0.001);
    for (const [name, mean] of means.sort((a, b) => b[1] - a[1])) console.log(`${name.padEnd(48)} ${mean >= 100 ? Math.round(mean) : mean.toFixed(3)}`);
  } finally {
    await service.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

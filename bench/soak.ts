/**
 * Soak: 20 000 mixed requests (reads, profile writes, refreshes, logins at a low BCRYPT_COST) at 64 connections
 * against one instance, after a warm-up; every answer must be 2xx, and RSS must not grow by more than 10 % over the run.
 * Runs on PostgreSQL when DATABASE_URL is set (as in BENCHMARKS.md), on a fresh SQLite file otherwise.
 *   npm run bench:soak   (SOAK_REQUESTS, SOAK_CONNECTIONS to change the size)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, PROBE_ARGS, json, memoryMb, readProbe, startProcess, table } from './support';

const PORT = 4700;
const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 20_000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 64);
const WARMUP = Number(process.env.SOAK_WARMUP ?? 4_000);

interface Worker {
  email: string;
  accessToken: string;
  refreshToken: string;
}

type Kind = 'read' | 'write' | 'refresh' | 'login';
const MIX: Kind[] = ['read', 'read', 'read', 'read', 'read', 'read', 'write', 'write', 'refresh', 'login'];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-soak-'));
  const probeFile = join(dataDir, 'probe.json');
  const service = await startProcess(
    'dist/src/main.js',
    PORT,
    { DATA_DIR: dataDir, BCRYPT_COST: '4', AUTH_RATE_LIMIT_IP: '10000000/15m', NODE_ENV: 'test', PROBE_FILE: probeFile },
    '/api/health',
    PROBE_ARGS,
  );
  const pid = service.process.pid!;
  const base = service.url;
  try {
    const workers: Worker[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const email = `soak-${i}-${Date.now()}@example.com`;
      await json(`${base}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
      const tokens = await json<{ accessToken: string; refreshToken: string }>(`${base}/api/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ email, password: BENCH_PASSWORD }),
      });
      workers.push({ email, ...tokens });
    }
    const statuses = new Map<string, number>();
    const counts = new Map<Kind, number>();
    let issued = 0;
    const one = async (worker: Worker, kind: Kind): Promise<void> => {
      const auth = { authorization: `Bearer ${worker.accessToken}`, 'content-type': 'application/json' };
      let response: Response;
      if (kind === 'read') response = await fetch(`${base}/api/auth/users/me`, { headers: auth });
      else if (kind === 'write')
        response = await fetch(`${base}/api/auth/users/me`, { method: 'PUT', headers: auth, body: JSON.stringify({ displayName: `Soak ${issued}` }) });
      else if (kind === 'refresh') {
        response = await fetch(`${base}/api/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: worker.refreshToken }),
        });
      } else {
        response = await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: worker.email, password: BENCH_PASSWORD }),
        });
      }
      const text = await response.text();
      if (response.ok && (kind === 'refresh' || kind === 'login')) {
        const tokens = JSON.parse(text) as { accessToken: string; refreshToken: string };
        // A login opens another session; the worker goes on with the newest tokens either way.
        worker.accessToken = tokens.accessToken;
        worker.refreshToken = tokens.refreshToken;
      }
      const key = response.ok ? '2xx' : `${response.status} ${kind} ${text.slice(0, 80)}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    };
    const run = async (total: number) => {
      issued = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        workers.map(async (worker) => {
          while (issued < total) {
            issued += 1;
            await one(worker, MIX[issued % MIX.length]);
          }
        }),
      );
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    await run(WARMUP);
    statuses.clear();
    counts.clear();
    // Under load RSS saw-tooths with the garbage collector (155–240 MB in one run): growth is read after a
    // full collection (the probe's), before and after the run.
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(memoryMb(pid).rss), 100);
    const before = await readProbe(pid, probeFile);
    const seconds = await run(REQUESTS);
    clearInterval(sampler);
    const after = await readProbe(pid, probeFile);
    const [warm, end] = [before.rssMb, after.rssMb];
    const ok = statuses.get('2xx') ?? 0;
    console.log(
      table([
        {
          requests: REQUESTS,
          connections: CONNECTIONS,
          database: process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite',
          'req/s': Math.round(REQUESTS / seconds),
          '2xx': ok,
          other: REQUESTS - ok,
          'RSS MB before (after GC)': warm.toFixed(1),
          after: end.toFixed(1),
          'heap MB before/after': `${before.heapUsedMb.toFixed(1)}/${after.heapUsedMb.toFixed(1)}`,
          'RSS MB under load, min–max': `${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)}`,
          'RSS growth': `${(((end - warm) / warm) * 100).toFixed(1)}%`,
        },
      ]),
    );
    console.log(`mix: ${[...counts].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
    for (const [key, count] of statuses) if (key !== '2xx') console.log(`  ${count} × ${key}`);
    if (ok !== REQUESTS || end > warm * 1.1) process.exitCode = 1;
  } finally {
    await service.stop();
  }
}

void main();

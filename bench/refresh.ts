/**
 * Refreshes per second on PostgreSQL: 32 sessions, each rotating its own refresh token in a chain (every answer's
 * token is the next request's), for BENCH_DURATION seconds. With a second checkout's path, the same run against
 * its build, one after the other on the same database server: `node dist/bench/refresh.js /tmp/base`.
 * Needs DATABASE_URL (a database of its own: each build runs its migrations on a fresh schema in it).
 */
import { join, relative, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BENCH_PASSWORD, ROOT, json, startProcess, table } from './support';

const DURATION_MS = Number(process.env.BENCH_DURATION ?? 10) * 1000;
const CHAINS = 32;

interface Tokens {
  refreshToken: string;
}

async function run(label: string, script: string, port: number, databaseUrl: string): Promise<Record<string, string | number>> {
  const service = await startProcess(script, port, {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-refresh-')),
    DATABASE_URL: databaseUrl,
    BCRYPT_COST: '10',
    AUTH_RATE_LIMIT_IP: '100000000/1m',
    AUTH_RATE_LIMIT_ACCOUNT: '100000/1m',
  });
  try {
    const email = `bench-refresh-${label}-${Date.now()}@example.com`;
    await json(`${service.url}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
    const chains = await Promise.all(
      Array.from({ length: CHAINS }, () =>
        json<Tokens>(`${service.url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email, password: BENCH_PASSWORD }) }),
      ),
    );
    const latencies: number[] = [];
    let failures = 0;
    const refresh = async (token: string): Promise<string> => {
      const started = performance.now();
      const response = await fetch(`${service.url}/api/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: token }),
      });
      const body = (await response.json()) as Tokens;
      latencies.push(performance.now() - started);
      if (response.status !== 200) failures += 1;
      return body.refreshToken;
    };
    // Warm-up, then the measured window.
    const warmUntil = Date.now() + 2000;
    await Promise.all(
      chains.map(async (chain) => {
        while (Date.now() < warmUntil) chain.refreshToken = await refresh(chain.refreshToken);
      }),
    );
    latencies.length = 0;
    const until = Date.now() + DURATION_MS;
    await Promise.all(
      chains.map(async (chain) => {
        while (Date.now() < until) chain.refreshToken = await refresh(chain.refreshToken);
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(1);
    return { build: label, 'refreshes/s': (latencies.length / (DURATION_MS / 1000)).toFixed(0), 'p50 ms': at(0.5), 'p99 ms': at(0.99), failures };
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('set DATABASE_URL to a PostgreSQL database of its own');
  const other = process.argv[2];
  if (!other) {
    console.log(table([await run('this', 'dist/src/main.js', 4900, databaseUrl)]));
    return;
  }
  // The other (older) build first on the fresh database, then alternating, so neither always runs warm.
  const otherScript = relative(ROOT, join(resolve(other), 'dist', 'src', 'main.js'));
  const rows: Array<Record<string, string | number>> = [];
  for (let round = 0; round < 2; round += 1) {
    rows.push(await run('other', otherScript, 4901, databaseUrl));
    rows.push(await run('this', 'dist/src/main.js', 4900, databaseUrl));
  }
  console.log(table(rows));
  const rate = (label: string) => rows.filter((row) => row.build === label).reduce((sum, row) => sum + Number(row['refreshes/s']), 0);
  console.log(`refreshes/s ratio this/other (both rounds): ${(rate('this') / rate('other')).toFixed(3)}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

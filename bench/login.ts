/**
 * Logins per second and the service's event-loop delay while 8 logins run at once (bcrypt at the default
 * cost 12): hashing runs on the thread pool, so the loop must stay responsive.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BENCH_PASSWORD, PROBE_ARGS, json, readProbe, runPinned, startProcess, table } from './support';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-login-'));
  const probeFile = join(dataDir, 'loop.json');
  const service = await startProcess(
    'dist/src/main.js',
    4400,
    { DATA_DIR: dataDir, DATABASE_URL: '', BCRYPT_COST: '12', AUTH_RATE_LIMIT_IP: '1000000/1m', PROBE_FILE: probeFile },
    '/api/health',
    PROBE_ARGS,
  );
  const pid = service.process.pid as number;
  const email = `bench-login-${Date.now()}@example.com`;
  await json(`${service.url}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
  const login = {
    url: `${service.url}/api/auth/login`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  };

  await autocannon({ ...login, connections: 8, duration: 3 });
  await readProbe(pid, probeFile, true);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const quiet = await readProbe(pid, probeFile, true);
  const result = await autocannon({ ...login, connections: 8, duration: DURATION });
  const busy = await readProbe(pid, probeFile);
  await service.stop();
  console.log(
    table([
      {
        phase: 'idle',
        'logins/s': '-',
        'loop p50 ms': quiet.p50.toFixed(1),
        'loop p99 ms': quiet.p99.toFixed(1),
        'loop max ms': quiet.max.toFixed(1),
        non2xx: '-',
      },
      {
        phase: '8 logins at once',
        'logins/s': result.requests.average.toFixed(1),
        'loop p50 ms': busy.p50.toFixed(1),
        'loop p99 ms': busy.p99.toFixed(1),
        'loop max ms': busy.max.toFixed(1),
        non2xx: result.non2xx + result.errors,
      },
    ]),
  );
  console.log(`login p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  // The ceiling: bcrypt alone, 8 comparisons in flight, on the service's core (one login = one comparison).
  const ceiling = JSON.parse(runPinned('dist/bench/bcrypt-ceiling.js')) as { comparesPerSecond: number };
  console.log(
    `bcrypt-only ceiling ${ceiling.comparesPerSecond.toFixed(2)}/s; logins/s ÷ ceiling = ${(result.requests.average / ceiling.comparesPerSecond).toFixed(3)}`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Logins per second and the service's event-loop delay while 8 logins run at once (bcrypt at the default
 * cost 12): hashing runs on the thread pool, so the loop must stay responsive.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ROOT, json, startProcess, table } from './support';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const PASSWORD = 'Vq8#mZt!rW2p';

async function loopDelay(pid: number, file: string): Promise<{ p50: number; p99: number; max: number }> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return JSON.parse(readFileSync(file, 'utf8')) as { p50: number; p99: number; max: number };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-login-'));
  const probeFile = join(dataDir, 'loop.json');
  const service = await startProcess(
    'dist/src/main.js',
    4400,
    { DATA_DIR: dataDir, DATABASE_URL: '', BCRYPT_COST: '12', AUTH_RATE_LIMIT_IP: '1000000/1m', LOOP_PROBE_FILE: probeFile },
    '/api/health',
    ['--require', join(ROOT, 'dist/bench/loop-probe.js')],
  );
  const pid = service.process.pid as number;
  const email = `bench-login-${Date.now()}@example.com`;
  await json(`${service.url}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const login = { url: `${service.url}/api/auth/login`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) };

  await autocannon({ ...login, connections: 8, duration: 3 });
  const idle = await loopDelay(pid, probeFile);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const quiet = await loopDelay(pid, probeFile);
  const result = await autocannon({ ...login, connections: 8, duration: DURATION });
  const busy = await loopDelay(pid, probeFile);
  await service.stop();
  void idle;
  console.log(
    table([
      { phase: 'idle', 'logins/s': '-', 'loop p50 ms': quiet.p50.toFixed(1), 'loop p99 ms': quiet.p99.toFixed(1), 'loop max ms': quiet.max.toFixed(1), non2xx: '-' },
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
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

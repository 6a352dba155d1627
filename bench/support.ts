import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export const ROOT = join(__dirname, '..', '..');
const CLOCK_TICKS_PER_SECOND = 100;

export interface Child {
  process: ChildProcess;
  url: string;
  /** What the process wrote to stdout so far, when it was started with `captureStdout` (else empty). */
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * On a machine with two or more cores the load generator (this process) runs on core 0 and the servers on
 * core 1, so that they do not take turns on the same core: without it, run-to-run spread was ±20% and the
 * p99 of even the ceiling was 4× its p50.
 */
const PIN = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
if (PIN) execFileSync('/usr/bin/taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

/** Starts a node script as a separate process and waits until `readyPath` answers 200. */
export async function startProcess(
  script: string,
  port: number,
  env: Record<string, string>,
  readyPath = '/api/health',
  nodeArgs: string[] = [],
  /** The Node binary to run it on (bench/node-versions.ts); default: the one running the bench. */
  node = process.execPath,
  /** Keep stdout for `Child.stdout()` (V8's --trace-gc-nvp lines, bench/scavenges.ts) instead of passing it through. */
  captureStdout = false,
): Promise<Child> {
  const url = `http://127.0.0.1:${port}`;
  // A server left over from an interrupted run would answer the readiness check below in this one's place.
  const taken = await fetch(url + readyPath).then(
    () => true,
    () => false,
  );
  if (taken) throw new Error(`port ${port} is already in use: stop the process listening there`);
  const command = [node, ...nodeArgs, join(ROOT, script)];
  const [file, ...args] = PIN ? ['/usr/bin/taskset', '-c', '1', ...command] : command;
  const child = spawn(file, args, {
    // MALLOC_ARENA_MAX as `npm run start:prod` sets it (see README): with glibc's default of one arena per
    // thread, RSS swung by ±30% between runs with a flat heap; with 2 it moved by a few percent.
    // No breach check: benches measure this machine, never a call out of it.
    env: {
      MALLOC_ARENA_MAX: '2',
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      MAIL_TRANSPORT: 'file',
      PWNED_PASSWORDS_URL: '',
      ...env,
    },
    stdio: ['ignore', captureStdout ? 'pipe' : 'inherit', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const ok = await fetch(url + readyPath).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      return {
        process: child,
        url,
        stdout: () => output,
        stop: () =>
          new Promise((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${script} did not become ready`);
}

/** A node script in a process of its own on the core the service runs on (as startProcess pins it); its last output line. */
export function runPinned(script: string, ...args: string[]): string {
  const command = [process.execPath, join(ROOT, script), ...args];
  const [file, ...rest] = PIN ? ['/usr/bin/taskset', '-c', '1', ...command] : command;
  return execFileSync(file, rest, { encoding: 'utf8' }).trim().split('\n').pop() as string;
}

/** User + system CPU time of a process, in microseconds (from /proc). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1e6;
}

/** Resident set size and its peak so far, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  requests: number;
  cpuMicrosPerRequest: number;
}

/**
 * One autocannon run against a URL, with the target process's CPU time per request. p50 and p99 are exact (from
 * every 2xx answer's time, to the µs), not autocannon's whole-millisecond buckets: at a 3 ms median, "p99 within 2×"
 * is a question of fractions of a millisecond. `expectBody`: an answer with another body counts as a failure.
 */
export async function load(
  url: string,
  pid: number,
  options: { connections: number; duration: number; headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: string; expectBody?: string },
): Promise<LoadResult> {
  const cpuBefore = cpuMicros(pid);
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    headers: options.headers,
    method: options.method ?? 'GET',
    body: options.body,
    pipelining: 1,
    ...(options.expectBody === undefined ? {} : { expectBody: options.expectBody }),
  });
  // Without a callback autocannon returns its instance, an event emitter that is also a promise of the result.
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const cpu = cpuMicros(pid) - cpuBefore;
  const requests = result.requests.total;
  const sorted = Float64Array.from(latencies).sort();
  const percentile = (p: number) =>
    sorted.length > 0 ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100 : 0;
  return {
    requestsPerSecond: result.requests.average,
    p50: percentile(50),
    p99: percentile(99),
    non2xx: result.non2xx + result.errors + result.timeouts + (result.mismatches ?? 0),
    requests,
    cpuMicrosPerRequest: requests > 0 ? cpu / requests : 0,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function json<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const BENCH_PASSWORD = 'Vq8#mZt!rW2p quiet lantern';

/** Registers a fresh user on the service at `baseUrl`, logs in, and returns the access token's header. */
export async function signIn(baseUrl: string, label: string): Promise<{ authorization: string }> {
  const credentials = JSON.stringify({ email: `bench-${label}-${Date.now()}@example.com`, password: BENCH_PASSWORD });
  await json(`${baseUrl}/api/auth/register`, { method: 'POST', body: credentials });
  const { accessToken } = await json<{ accessToken: string }>(`${baseUrl}/api/auth/login`, { method: 'POST', body: credentials });
  return { authorization: `Bearer ${accessToken}` };
}

export function table(rows: Array<Record<string, string | number>>): string {
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => String(r[c]))))].join('\n');
}

export interface PauseSummary {
  count: number;
  p50: number;
  max: number;
}

export interface ProbeReading {
  p50: number;
  p99: number;
  max: number;
  gc: { scavenge: PauseSummary; markCompact: PauseSummary };
  rssMb: number;
  heapUsedMb: number;
}

/** Node flags that preload bench/loop-probe.js into a service started by startProcess. */
export const PROBE_ARGS = ['--expose-gc', '--require', join(ROOT, 'dist/bench/loop-probe.js')];

/**
 * Asks the probe in `pid` for its readings since the last call (see bench/loop-probe.ts); with `monitor`,
 * loop delay and GC pauses are recorded from now until the next call.
 */
export async function readProbe(
  pid: number,
  file: string,
  monitor = false,
  profile?: { profile: 'start' | 'allocations' | 'stop'; to?: string },
): Promise<ProbeReading> {
  rmSync(file, { force: true });
  writeFileSync(`${file}.cmd`, JSON.stringify({ monitor, ...profile }));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeReading;
}

/**
 * Preloaded into the servers by the benchmarks (node --require), never by the service itself. On SIGUSR2 it
 * writes to PROBE_FILE: the event-loop delay (p50/p99/max) and garbage-collection pauses seen since the last
 * signal, then RSS and heap after a full GC (when started with --expose-gc), so that memory growth measures
 * leaks rather than where the collector happened to be.
 *
 * A `{"profile":"start"}` command starts a CPU profile (the V8 sampling profiler, through the inspector);
 * `{"profile":"stop","to":"<file>"}` writes it there (a .cpuprofile), so a profile covers the load alone.
 * `{"profile":"allocations"}` starts the sampling heap profiler instead, counting what the collector has already
 * freed too (every byte a request allocates, not only what survives); the same stop writes it (a .heapprofile).
 *
 * Monitoring is off until asked for (PROBE_FILE.cmd says `{"monitor":true}` when the signal arrives): a 1 ms
 * loop-delay timer costs a saturated server measurable throughput, so throughput rounds run without it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { type PerformanceEntry, PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';

const probeFile = process.env.PROBE_FILE as string;
const histogram = monitorEventLoopDelay({ resolution: 1 });

// Pause durations (ms) of young-generation (scavenge) and full (mark-compact) collections. The probe's own
// forced collections are left out: they are not the server's.
let scavenges: number[] = [];
let markCompacts: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { kind, flags } = (entry as PerformanceEntry & { detail: { kind: number; flags: number } }).detail;
    if (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(entry.duration);
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) markCompacts.push(entry.duration);
  }
});

let monitoring = false;
function setMonitoring(on: boolean): void {
  if (on === monitoring) return;
  monitoring = on;
  if (on) {
    histogram.enable();
    gcObserver.observe({ entryTypes: ['gc'] });
  } else {
    histogram.disable();
    gcObserver.disconnect();
  }
}

function summary(pauses: number[]): { count: number; p50: number; max: number } {
  const sorted = [...pauses].sort((a, b) => a - b);
  return { count: sorted.length, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

process.on('SIGUSR2', () => {
  const ms = (ns: number) => (histogram.count > 0 ? ns / 1e6 : 0);
  const loop = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  const gc = { scavenge: summary(scavenges), markCompact: summary(markCompacts) };
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  writeFileSync(probeFile, JSON.stringify({ ...loop, gc, rssMb: memory.rss / 1048576, heapUsedMb: memory.heapUsed / 1048576 }));
  histogram.reset();
  scavenges = [];
  markCompacts = [];
  const command = existsSync(`${probeFile}.cmd`)
    ? (JSON.parse(readFileSync(`${probeFile}.cmd`, 'utf8')) as { monitor?: boolean; profile?: 'start' | 'allocations' | 'stop'; to?: string })
    : {};
  setMonitoring(command.monitor === true);
  if (command.profile === 'start') startProfile();
  if (command.profile === 'allocations') startAllocationProfile();
  if (command.profile === 'stop' && command.to) stopProfile(command.to);
});

let session: Session | undefined;
let profiling: 'cpu' | 'allocations' = 'cpu';
function startProfile(): void {
  profiling = 'cpu';
  session = new Session();
  session.connect();
  session.post('Profiler.enable');
  // 100 µs between samples: fine enough for a request of a few hundred µs, cheap enough not to change it much.
  session.post('Profiler.setSamplingInterval', { interval: 100 });
  session.post('Profiler.start');
}

function startAllocationProfile(): void {
  profiling = 'allocations';
  session = new Session();
  session.connect();
  // One sample per 1 KiB allocated on average: a GET /me allocates tens of KiB, so each request is seen.
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as never);
}

function stopProfile(to: string): void {
  if (profiling === 'allocations') {
    session?.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) writeFileSync(to, JSON.stringify(result.profile));
      session?.disconnect();
      session = undefined;
    });
    return;
  }
  session?.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(to, JSON.stringify(result.profile));
    session?.disconnect();
    session = undefined;
  });
}

/**
 * Preloaded into the service by the benchmarks (node --require), never by the service itself. Records
 * event-loop delay and, on SIGUSR2, writes to PROBE_FILE: loop delay p50/p99/max in ms since the last
 * signal, and RSS and heap after a full GC (when started with --expose-gc), so that memory growth
 * measures leaks rather than where the collector happened to be.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns: number) => ns / 1e6;
  const loop = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  writeFileSync(process.env.PROBE_FILE as string, JSON.stringify({ ...loop, rssMb: memory.rss / 1048576, heapUsedMb: memory.heapUsed / 1048576 }));
  histogram.reset();
});

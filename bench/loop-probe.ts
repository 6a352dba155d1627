/**
 * Preloaded into the service by bench/login.ts (node --require): records event-loop delay and, on SIGUSR2,
 * writes p50/p99/max in ms to LOOP_PROBE_FILE and starts a fresh histogram. Not part of the service.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns: number) => ns / 1e6;
  writeFileSync(
    process.env.LOOP_PROBE_FILE as string,
    JSON.stringify({ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) }),
  );
  histogram.reset();
});

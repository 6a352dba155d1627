/**
 * The login bench's ceiling: bcrypt comparisons per second at cost 12 with 8 in flight on libuv's pool, and
 * nothing else (no HTTP, no database, no tokens). Run by bench/login.ts in a process of its own, on the core
 * the service runs on; prints one JSON line.
 */
import * as bcrypt from 'bcrypt';

const DURATION_MS = Number(process.env.BENCH_DURATION ?? 10) * 1000;
const IN_FLIGHT = 8;

async function main(): Promise<void> {
  const hash = await bcrypt.hash('Vq8#mZt!rW2p', 12);
  const until = Date.now() + DURATION_MS;
  let compares = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < until) {
        await bcrypt.compare('Vq8#mZt!rW2p', hash);
        // Only what finished inside the window, as autocannon counts the service's answers: the comparisons
        // still running at the end (up to 8, a whole second's worth) were counted before, inflating the ceiling.
        if (Date.now() <= until) compares += 1;
      }
    }),
  );
  console.log(JSON.stringify({ comparesPerSecond: compares / (DURATION_MS / 1000) }));
}

void main();

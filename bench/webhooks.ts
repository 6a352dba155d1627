/**
 * Webhook delivery: events per second from the outbox to a local receiver, and GET /me while 1 000 deliveries
 * are queued. The receiver (in this process) first holds every request without answering, so the relay has its
 * WEBHOOK_CONCURRENCY requests in flight and the rest of the 1 000 deliveries wait in the table; GET /me is
 * measured then, and before any event, in alternating rounds. Then the receiver answers 204 to everything (also
 * the held requests) and the time until the last of the 1 000 arrives gives events/s. Prints `webhooks: <events/s>` and `me queued/empty = <ratio>`.
 */
import { createServer, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, json, load, median, signIn, startProcess, table } from './support';

const PORT = 4920;
const RECEIVER_PORT = 4921;
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
const ACCOUNTS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);

async function main(): Promise<void> {
  let holding = true;
  const held: ServerResponse[] = [];
  const arrived = new Set<string>();
  let lastArrival = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrived.add(String(request.headers['webhook-id']));
      if (holding) {
        held.push(response);
        return;
      }
      lastArrival = performance.now();
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, '127.0.0.1', resolve));

  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const service = await startProcess('dist/src/main.js', PORT, {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-webhooks-')),
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    BCRYPT_COST: '4',
    NODE_ENV: 'development',
    AUTH_RATE_LIMIT_IP: '1000000/1m',
    PUBLIC_URL: `http://localhost:${PORT}`,
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    WEBHOOK_TIMEOUT: '10m',
    WEBHOOKS: JSON.stringify([{ url: `http://127.0.0.1:${RECEIVER_PORT}/hooks`, events: ['>'], secrets: [secret] }]),
  });
  const pid = service.process.pid as number;
  const me = `${service.url}/api/auth/users/me`;
  const headers = await signIn(service.url, 'webhooks-me');
  const measure = async () => (await load(me, pid, { connections: 20, duration: DURATION, headers })).requestsPerSecond;
  await load(me, pid, { connections: 20, duration: 10, headers });
  const empty: number[] = [];
  for (let round = 0; round < ROUNDS; round++) empty.push(await measure());

  // 1 000 events from 100 accounts (deliveries of one account go one after the other).
  const tokens: string[] = [];
  for (let index = 0; index < ACCOUNTS; index++) {
    const credentials = JSON.stringify({ email: `bench-hook-${index}-${Date.now()}@example.com`, password: BENCH_PASSWORD });
    await json(`${service.url}/api/auth/register`, { method: 'POST', body: credentials });
    tokens.push((await json<{ accessToken: string }>(`${service.url}/api/auth/login`, { method: 'POST', body: credentials })).accessToken);
  }
  const perAccount = Math.ceil(EVENTS / ACCOUNTS);
  await Promise.all(
    tokens.map(async (token) => {
      for (let change = 0; change < perAccount; change++) {
        await json(me, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ bio: `change ${change}` }) });
      }
    }),
  );
  const events = perAccount * ACCOUNTS;
  const queued: number[] = [];
  for (let round = 0; round < ROUNDS; round++) queued.push(await measure());

  // Open the gate: answer what is held, then everything as it comes.
  holding = false;
  const released = performance.now();
  for (const response of held.splice(0)) response.writeHead(204).end();
  const deadline = Date.now() + 600_000;
  while (arrived.size < events && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (lastArrival - released) / 1000;
  const rate = arrived.size / seconds;
  // The same database after the 1 000 writes, with nothing queued: what the queue itself costs, apart from the writes.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const delivered: number[] = [];
  for (let round = 0; round < ROUNDS; round++) delivered.push(await measure());

  console.log(
    table([
      { state: 'no event yet', 'GET /me req/s': Math.round(median(empty)) },
      { state: `${events} deliveries queued`, 'GET /me req/s': Math.round(median(queued)) },
      { state: 'all delivered', 'GET /me req/s': Math.round(median(delivered)) },
    ]),
  );
  console.log(`webhooks: ${arrived.size} deliveries in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} events/s (WEBHOOK_CONCURRENCY 8, ${ACCOUNTS} accounts)`);
  console.log(`me queued/empty = ${(median(queued) / median(empty)).toFixed(2)} (rounds ${queued.map((q, i) => (q / empty[i]).toFixed(2)).join(' ')})`);
  console.log(
    `me queued/delivered = ${(median(queued) / median(delivered)).toFixed(2)} (rounds ${queued.map((q, i) => (q / delivered[i]).toFixed(2)).join(' ')})`,
  );
  await service.stop();
  receiver.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Cost at size (`npm run bench:scale`): the same requests against a database of 1 000 accounts and one of
 * 1 000 000 (3 sessions each, a third of them revoked or expired; a linked identity each; 10 security events
 * each; an outbox row each), side by side, and the retention purge of the dead third on both, with GET /me's
 * latency measured while it runs.
 *
 * The databases are made fresh next to DATABASE_URL's (default: the local `test` database), migrated by the
 * service itself, then seeded with set-based SQL (`generate_series`), and dropped at the end (BENCH_KEEP=1 keeps
 * them). Requests go to random seeded accounts, whose sessions' refresh tokens the seed knows, so that the big
 * tables are read all over rather than one hot row. BENCH_SCALE_ACCOUNTS sets the big size, BENCH_DURATION the
 * seconds per path (default 5). Ports 4910 (the service) and 4911 (a second instance that purges).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bcrypt from 'bcrypt';
import { Client } from 'pg';
import { BENCH_PASSWORD, type Child, startProcess, table } from './support';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_SCALE_ACCOUNTS ?? 1_000_000);
const DURATION_MS = Number(process.env.BENCH_DURATION ?? 5) * 1000;
const CONCURRENCY = 16;
/** Accounts the requests spread over: each is signed in once through its seeded session. */
const SAMPLE = 256;
const EXPORT_EVENTS = 10_000;
const CHUNK = 250_000;
const BCRYPT_COST = 4;

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

interface SignedInAccount {
  index: number;
  email: string;
  accessToken: string;
}

function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  url.pathname = `/${name}`;
  return url.toString();
}

/** A connection to DATABASE_URL's own database, to create and drop the bench's. */
async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

const seededUser = (i: number | string) => `md5('seed-user-' || ${i})::uuid`;
/**
 * Ids in insertion order for the two biggest tables (10 M security events, 1 M outbox rows), so that their
 * primary-key index is appended to rather than split at random (the seed took a fifth less time). Nothing reads
 * either table by id on a hot path; sessions and users, read by id on every request, keep random ids.
 */
const orderedId = (table: number, n: string) => `('0000000${table}-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

/**
 * Seeds `accounts` accounts and what belongs to them, in chunks (progress on stderr). Refresh token of seeded
 * session (i, k) is `seed-<i>-<k>`: the service stores SHA-256 hex of a refresh token. Sessions k = 0, 1 are
 * live; k = 2 is dead (revoked 30 days ago for even i, expired 30 days ago for odd i), past RETENTION_GRACE.
 */
async function seed(client: Client, accounts: number): Promise<number> {
  const started = performance.now();
  const hash = await bcrypt.hash(BENCH_PASSWORD, BCRYPT_COST);
  await client.query('SET synchronous_commit = off');
  for (let from = 1; from <= accounts; from += CHUNK) {
    const to = Math.min(accounts, from + CHUNK - 1);
    const range = [from, to];
    await client.query(
      `INSERT INTO users (id, email, email_normalized, email_verified, username, locale, timezone, password_hash, password_changed_at, created_at, updated_at)
       SELECT ${seededUser('i')}, 'seed' || i || '@example.com', 'seed' || i || '@example.com', true, 'seed' || i, 'en', 'UTC', $3,
              now() - interval '200 days', now() - interval '200 days', now() - interval '100 days'
       FROM generate_series($1::int, $2::int) i`,
      [...range, hash],
    );
    await client.query(
      `INSERT INTO sessions (id, user_id, refresh_token_hash, user_agent, ip, created_at, last_used_at, expires_at, revoked_at, amr)
       SELECT md5('seed-session-' || i || '-' || k)::uuid, ${seededUser('i')}, encode(sha256(convert_to('seed-' || i || '-' || k, 'UTF8')), 'hex'),
              'Mozilla/5.0 (X11; Linux x86_64) seed', '10.0.' || (i % 250) || '.' || k, now() - interval '60 days', now() - interval '40 days',
              CASE WHEN k = 2 AND i % 2 = 1 THEN now() - interval '30 days' ELSE now() + interval '20 days' END,
              CASE WHEN k = 2 AND i % 2 = 0 THEN now() - interval '30 days' END,
              'pwd'
       FROM generate_series($1::int, $2::int) i, generate_series(0, 2) k`,
      range,
    );
    await client.query(
      `INSERT INTO user_identities (id, user_id, provider, subject, email, created_at, last_used_at)
       SELECT md5('seed-identity-' || i)::uuid, ${seededUser('i')}, 'acme', 'seed-subject-' || i, 'seed' || i || '@example.com', now() - interval '150 days', now() - interval '10 days'
       FROM generate_series($1::int, $2::int) i`,
      range,
    );
    await client.query(
      `INSERT INTO security_events (id, user_id, type, ip, user_agent, created_at, details)
       SELECT ${orderedId(1, 'i * 10 + j')}, ${seededUser('i')}, (ARRAY['login', 'login_failed', 'step_up', 'logout', 'profile_updated'])[1 + j % 5],
              '10.0.' || (i % 250) || '.' || (j % 250), 'Mozilla/5.0 (X11; Linux x86_64) seed', now() - make_interval(days => j * 30, secs => i % 86400), NULL
       FROM generate_series($1::int, $2::int) i, generate_series(0, 9) j`,
      range,
    );
    await client.query(
      `INSERT INTO outbox_events (id, name, payload, created_at, published_at, attempts)
       SELECT ${orderedId(2, 'i')}, 'profile.updated', '{"userId":"' || ${seededUser('i')} || '","changed":["bio"]}',
              now() - make_interval(secs => i % 86400), now() - make_interval(secs => i % 86400), 1
       FROM generate_series($1::int, $2::int) i`,
      range,
    );
    if (accounts > CHUNK)
      process.stderr.write(
        `  seeded ${to.toLocaleString('en')} of ${accounts.toLocaleString('en')} accounts (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
      );
  }
  // The account whose export is measured: EXPORT_EVENTS more events, in milliseconds as the service writes them
  // (a cursor is a JavaScript Date: rows a microsecond past it would come twice).
  await client.query(
    `INSERT INTO security_events (id, user_id, type, ip, user_agent, created_at, details)
     SELECT gen_random_uuid(), ${seededUser(1)}, 'login', '10.1.' || (j % 250) || '.1', 'Mozilla/5.0 (X11; Linux x86_64) seed', date_trunc('milliseconds', now()) - make_interval(mins => j), NULL
     FROM generate_series(1, $1::int) j`,
    [EXPORT_EVENTS],
  );
  // As a live database is: vacuumed (visibility map set) and analysed, so that autovacuum does not start on the
  // fresh rows in the middle of a measurement; then checkpointed, so that the gigabytes the seed and the vacuum
  // dirtied are not written out during the measurement (a checkpoint spreads them over minutes, and the first
  // change to each page after one logs the whole page).
  await client.query('VACUUM (ANALYZE)');
  await client.query('CHECKPOINT');
  return (performance.now() - started) / 1000;
}

/** `workers` loops calling `request` until the time is up; each call answers whether it succeeded. */
async function measure(workers: number, request: (worker: number, n: number) => Promise<boolean>, durationMs = DURATION_MS): Promise<Measured> {
  const latencies: number[] = [];
  let failures = 0;
  const loop = async (worker: number, until: number, record: boolean) => {
    for (let n = 0; Date.now() < until; n++) {
      const started = performance.now();
      const ok = await request(worker, n);
      if (!record) continue;
      latencies.push(performance.now() - started);
      if (!ok) failures += 1;
    }
  };
  const warm = Date.now() + Math.min(1000, durationMs / 4);
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker, warm, false)));
  const until = Date.now() + durationMs;
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker, until, true)));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  return { rps: latencies.length / (durationMs / 1000), p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0, failures };
}

async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json: body, ...rest } = init;
  return fetch(url, {
    ...rest,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(rest.headers ?? {}) },
    body: body === undefined ? rest.body : JSON.stringify(body),
  });
}

/**
 * Random seeded accounts not drawn before for this session slot (a seeded refresh token works once: a second
 * use would be taken for a stolen token and end the session). Account 1 (the export's) is never drawn.
 */
const drawn = new Map<string, Set<number>>();
function sample(accounts: number, count: number, slot: string): number[] {
  const used = drawn.get(`${accounts}/${slot}`) ?? new Set<number>();
  drawn.set(`${accounts}/${slot}`, used);
  if (used.size + count > accounts - 1) throw new Error(`not enough seeded accounts left for ${count} more`);
  const picked: number[] = [];
  while (picked.length < count) {
    const index = 2 + Math.floor(Math.random() * (accounts - 1));
    if (used.has(index)) continue;
    used.add(index);
    picked.push(index);
  }
  return picked;
}

/** Signs the sampled accounts in by refreshing their seeded session 0 (the service sees a real refresh). */
async function signInSample(service: Child, indexes: number[]): Promise<SignedInAccount[]> {
  return Promise.all(
    indexes.map(async (index) => {
      const response = await call(`${service.url}/api/auth/refresh`, { method: 'POST', json: { refreshToken: `seed-${index}-0` } });
      if (response.status !== 200) throw new Error(`refresh of seeded session ${index}: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { accessToken: string };
      return { index, email: `seed${index}@example.com`, accessToken: body.accessToken };
    }),
  );
}

const SERVICE_ENV = {
  // A low cost, so that the database's part of a login shows; production refuses one below 10.
  NODE_ENV: 'development',
  BCRYPT_COST: String(BCRYPT_COST),
  AUTH_RATE_LIMIT_IP: '100000000/1m',
  AUTH_RATE_LIMIT_ACCOUNT: '100000000/1m',
  EXPORT_RATE_LIMIT: '100000000/1m',
  NEW_SIGNIN_ALERTS: 'false',
  MAIL_ENABLED: 'false',
};

async function startService(url: string, port: number, env: Record<string, string> = {}): Promise<Child> {
  return startProcess('dist/src/main.js', port, {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-scale-')),
    DATABASE_URL: url,
    RETENTION_INTERVAL: '0',
    ...SERVICE_ENV,
    ...env,
  });
}

type Paths = Record<string, Measured>;

/** Every per-request path once, against the service on this database. */
async function measurePaths(service: Child, accounts: number): Promise<Paths> {
  const signedIn = await signInSample(service, sample(accounts, SAMPLE, 'session 0'));
  const pick = (worker: number, n: number) => signedIn[(worker * 7919 + n * 104729) % signedIn.length];
  const bearer = (account: SignedInAccount) => ({ authorization: `Bearer ${account.accessToken}` });
  const ok = async (response: Promise<Response>) => {
    const answer = await response;
    await answer.arrayBuffer();
    return answer.ok;
  };
  const paths: Paths = {};
  paths['GET /me'] = await measure(CONCURRENCY, (w, n) => ok(call(`${service.url}/api/auth/users/me`, { headers: bearer(pick(w, n)) })));
  paths['PUT /me'] = await measure(CONCURRENCY, (w, n) =>
    ok(call(`${service.url}/api/auth/users/me`, { method: 'PUT', headers: bearer(pick(w, n)), json: { bio: `scale ${w} ${n}` } })),
  );
  // Each worker rotates its own chains, from seeded sessions 1 of accounts not otherwise used.
  const chains = sample(accounts, CONCURRENCY * 4, 'session 1').map((index) => `seed-${index}-1`);
  paths.refresh = await measure(CONCURRENCY, async (w, n) => {
    const slot = w * 4 + (n % 4);
    const response = await call(`${service.url}/api/auth/refresh`, { method: 'POST', json: { refreshToken: chains[slot] } });
    const body = (await response.json()) as { refreshToken?: string };
    if (body.refreshToken) chains[slot] = body.refreshToken;
    return response.ok;
  });
  paths[`login (cost ${BCRYPT_COST})`] = await measure(CONCURRENCY, (w, n) =>
    ok(call(`${service.url}/api/auth/login`, { method: 'POST', json: { email: pick(w, n).email, password: BENCH_PASSWORD } })),
  );
  paths['GET /me/sessions'] = await measure(CONCURRENCY, (w, n) => ok(call(`${service.url}/api/auth/users/me/sessions`, { headers: bearer(pick(w, n)) })));
  paths['GET /me/security-events'] = await measure(CONCURRENCY, (w, n) =>
    ok(call(`${service.url}/api/auth/users/me/security-events?limit=20`, { headers: bearer(pick(w, n)) })),
  );
  // The export of account 1 (10 000 + 10 events), signed in with its password, with a step-up of that session.
  const login = (await (
    await call(`${service.url}/api/auth/login`, { method: 'POST', json: { email: 'seed1@example.com', password: BENCH_PASSWORD } })
  ).json()) as { accessToken: string };
  const exporter = { index: 1, email: 'seed1@example.com', accessToken: login.accessToken };
  const stepUp = (await (
    await call(`${service.url}/api/auth/step-up`, { method: 'POST', headers: bearer(exporter), json: { password: BENCH_PASSWORD } })
  ).json()) as { stepUpToken: string };
  // Twice as long: at about 15 a second, 5 s is too few exports for a stable figure.
  paths[`export (${EXPORT_EVENTS.toLocaleString('en')} events)`] = await measure(
    2,
    () => ok(call(`${service.url}/api/auth/users/me/export`, { headers: { ...bearer(exporter), 'x-step-up-token': stepUp.stepUpToken } })),
    DURATION_MS * 2,
  );
  return paths;
}

interface PurgeResult {
  seconds: number;
  removed: number;
  /** Samples that saw a backend waiting for a lock, of all samples. */
  lockWaits: string;
  during: Measured;
}

const DEAD_SESSIONS = `SELECT COUNT(*)::int AS n FROM sessions WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'`;

/** A second instance purges (RETENTION_INTERVAL=1s); GET /me on the first is measured until nothing dead is left. */
async function measurePurge(service: Child, url: string, accounts: number): Promise<PurgeResult> {
  const client = await connect(url);
  try {
    const dead = (await client.query<{ n: number }>(DEAD_SESSIONS)).rows[0].n;
    const signedIn = await signInSample(service, sample(accounts, 64, 'session 0'));
    const purger = await startService(url, 4911, { RETENTION_INTERVAL: '1s' });
    // From the purger's readiness: its first purge starts a second later.
    const started = performance.now();
    let done = false;
    const watching = (async () => {
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if ((await client.query<{ n: number }>(DEAD_SESSIONS)).rows[0].n === 0) done = true;
      }
    })();
    // Whether anything waits on a lock meanwhile: every 20 ms, the backends of this database waiting for one.
    const lockWatcher = await connect(url);
    let samples = 0;
    let lockWaits = 0;
    const sampling = (async () => {
      while (!done) {
        const { rows } = await lockWatcher.query<{ n: number }>(
          `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        samples += 1;
        if (rows[0].n > 0) lockWaits += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const latencies: number[] = [];
    let failures = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let n = 0; !done; n++) {
          const account = signedIn[(worker * 31 + n) % signedIn.length];
          const t0 = performance.now();
          const response = await call(`${service.url}/api/auth/users/me`, { headers: { authorization: `Bearer ${account.accessToken}` } });
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (!response.ok) failures += 1;
        }
      }),
    );
    await watching;
    await sampling;
    await lockWatcher.end();
    const seconds = (performance.now() - started) / 1000;
    await purger.stop();
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
    return {
      seconds,
      removed: dead,
      lockWaits: `${lockWaits} of ${samples}`,
      during: { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0, failures },
    };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const stamp = `${Date.now()}_${randomUUID().slice(0, 6)}`;
  const sizes = [
    { label: 'small', accounts: SMALL, name: `bench_scale_small_${stamp}` },
    { label: 'large', accounts: LARGE, name: `bench_scale_large_${stamp}` },
  ];
  const runStarted = performance.now();
  await admin(async (client) => {
    for (const size of sizes) await client.query(`CREATE DATABASE "${size.name}"`);
  });
  try {
    for (const size of sizes) {
      // The service migrates its fresh database on start; then the seed fills the real schema.
      const service = await startService(databaseUrl(size.name), 4910);
      await service.stop();
      const client = await connect(databaseUrl(size.name));
      try {
        console.log(`seeded ${size.accounts.toLocaleString('en')} accounts in ${(await seed(client, size.accounts)).toFixed(0)} s`);
      } finally {
        await client.end();
      }
    }
    // Two rounds, alternating, so that neither size always runs on a warmer machine.
    const rounds: Record<string, Paths[]> = { small: [], large: [] };
    for (let round = 0; round < 2; round++) {
      for (const size of sizes) {
        const service = await startService(databaseUrl(size.name), 4910);
        try {
          rounds[size.label].push(await measurePaths(service, size.accounts));
        } finally {
          await service.stop();
        }
      }
    }
    const pathNames = Object.keys(rounds.small[0]);
    const averaged = (label: string, path: string, field: keyof Measured) => mean(rounds[label].map((paths) => paths[path][field]));
    const rows = pathNames.map((path) => ({
      path,
      'small req/s': averaged('small', path, 'rps').toFixed(0),
      'large req/s': averaged('large', path, 'rps').toFixed(0),
      'speed large/small': (averaged('large', path, 'rps') / averaged('small', path, 'rps')).toFixed(2),
      'small p99 ms': averaged('small', path, 'p99').toFixed(1),
      'large p99 ms': averaged('large', path, 'p99').toFixed(1),
      'p99 large/small': (averaged('large', path, 'p99') / averaged('small', path, 'p99')).toFixed(2),
      failures: rounds.small.concat(rounds.large).reduce((sum, paths) => sum + paths[path].failures, 0),
    }));
    console.log(`\n${CONCURRENCY} clients per path, ${DURATION_MS / 1000} s each; each figure is the mean of two alternating rounds`);
    console.log(table(rows));

    const purges: Array<Record<string, string | number>> = [];
    for (const size of sizes) {
      const service = await startService(databaseUrl(size.name), 4910);
      try {
        const purge = await measurePurge(service, databaseUrl(size.name), size.accounts);
        purges.push({
          size: size.label,
          'dead sessions': purge.removed.toLocaleString('en'),
          'purge s': purge.seconds.toFixed(1),
          'GET /me during: req/s': purge.during.rps.toFixed(0),
          'p50 ms': purge.during.p50.toFixed(1),
          'p99 ms': purge.during.p99.toFixed(1),
          'max ms': purge.during.max.toFixed(1),
          failures: purge.during.failures,
          'lock waits seen': purge.lockWaits,
        });
      } finally {
        await service.stop();
      }
    }
    console.log('\nretention purge of the dead third of the sessions (a second instance), GET /me on the first meanwhile (4 clients)');
    console.log(table(purges));
    console.log(`\nwhole run: ${((performance.now() - runStarted) / 60000).toFixed(1)} min`);
  } finally {
    if (process.env.BENCH_KEEP !== '1') {
      await admin(async (client) => {
        for (const size of sizes) await client.query(`DROP DATABASE IF EXISTS "${size.name}" WITH (FORCE)`);
      });
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

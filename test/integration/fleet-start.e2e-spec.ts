import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { Client } from 'pg';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { type ChildService, startChildService } from '../helpers/child-service';
import { freePort } from '../helpers/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const MIGRATIONS = readdirSync(join(ROOT, 'dist', 'src', 'database', 'migrations')).filter((file) => file.endsWith('.js')).length;
const pgSkip = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set (the fleet test on PostgreSQL needs a server to make fresh databases on)';
if (pgSkip) console.log(`# skipping the PostgreSQL fleet tests: ${pgSkip}`);

/** What every instance of one deployment shares: the public address (the JWT issuer), the signing key, the TOTP key. */
function fleetSettings(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    PUBLIC_URL: 'http://localhost:3000',
    JWT_PRIVATE_KEYS: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BCRYPT_COST: '4',
    RETENTION_INTERVAL: '0',
  };
}

/** `count` instances started at the same moment, each with its own DATA_DIR unless `env` names one. */
async function startAtOnce(count: number, env: Record<string, string>): Promise<ChildService[]> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const started = await Promise.allSettled(ports.map((port) => startChildService(port, { DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-fleet-')), ...env })));
  const failed = started.filter((result) => result.status === 'rejected');
  const up = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (failed.length > 0) {
    await Promise.all(up.map((instance) => instance.stop()));
    assert.fail(`${failed.length} of ${count} instances did not start: ${failed.map((result) => String(result.reason)).join('; ')}`);
  }
  return up;
}

/** A user registered and signed in on each instance; each token answers on every instance. */
async function assertTokensValidEverywhere(instances: ChildService[]): Promise<void> {
  for (const issuer of instances) {
    const email = uniqueEmail('fleet');
    const post = (path: string) =>
      fetch(`${issuer.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: STRONG_PASSWORD }),
      });
    assert.equal((await post('/api/auth/register')).status, 201);
    const { accessToken } = (await (await post('/api/auth/login')).json()) as { accessToken: string };
    for (const verifier of instances) {
      const me = await fetch(`${verifier.url}/api/auth/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(me.status, 200, `a token of ${issuer.url} on ${verifier.url}`);
    }
  }
}

describe('a fleet that starts together: migrations under a lock', () => {
  const running: ChildService[] = [];
  const databases: string[] = [];
  after(async () => {
    await Promise.all(running.map((instance) => instance.stop()));
    if (databases.length === 0) return;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  /** A new, empty PostgreSQL database on the server of DATABASE_URL, dropped after the tests. */
  async function freshDatabase(): Promise<string> {
    const name = `profile_fleet_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    databases.push(name);
    const url = new URL(process.env.DATABASE_URL as string);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async function appliedMigrations(url: string): Promise<string[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    await client.end();
    return rows.map((row) => row.name);
  }

  it('starts two, then four instances at once on a fresh PostgreSQL database: one set of migrations, tokens valid everywhere', { skip: pgSkip }, async () => {
    const settings = fleetSettings();
    for (const size of [2, 4]) {
      const url = await freshDatabase();
      const instances = await startAtOnce(size, { ...settings, DATABASE_URL: url });
      running.push(...instances);
      const applied = await appliedMigrations(url);
      assert.equal(applied.length, MIGRATIONS, `every migration once: ${applied.join(', ')}`);
      assert.equal(new Set(applied).size, applied.length);
      await assertTokensValidEverywhere(instances);
      await Promise.all(instances.map((instance) => instance.stop()));
      running.length = 0;
    }
  });

  it(
    'upgrades: on the schema of the release before (every migration but the last), two new instances at once apply the last once',
    { skip: pgSkip },
    async () => {
      const url = await freshDatabase();
      const env = { ...process.env, DATABASE_URL: url, DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-fleet-cli-')) };
      await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'scripts', 'migrate.js')], { cwd: ROOT, env });
      await promisify(execFile)(process.execPath, [require.resolve('typeorm/cli.js'), 'migration:revert', '-d', join(ROOT, 'dist', 'ormconfig.js')], {
        cwd: ROOT,
        env,
      });
      assert.equal((await appliedMigrations(url)).length, MIGRATIONS - 1);
      const instances = await startAtOnce(2, { ...fleetSettings(), DATABASE_URL: url });
      running.push(...instances);
      const applied = await appliedMigrations(url);
      assert.equal(applied.length, MIGRATIONS);
      assert.equal(new Set(applied).size, MIGRATIONS);
      await assertTokensValidEverywhere(instances);
    },
  );

  // Its instances run on SQLite and their own rate limits whatever this run is on: with the run's Redis they
  // would spend the registration limit later specs register under.
  it('on SQLite, instances started at once on one shared DATA_DIR wait for each other’s migrations', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-fleet-sqlite-'));
    const instances = await startAtOnce(3, { ...fleetSettings(), DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' });
    running.push(...instances);
    await assertTokensValidEverywhere(instances);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type SignedIn, registerAndLogin } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';
import { WebhookReceiver, webhookSecret } from '../helpers/webhook-receiver';

const ME = '/api/auth/users/me';
const run = promisify(execFile);

describe('npm run webhooks: the operators see failed deliveries and replay them', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const secret = webhookSecret();
  /** The CLI on the app's database: its DATA_DIR (SQLite) or the suite's DATABASE_URL. */
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(__dirname, '..', '..', 'scripts', 'webhooks.js'), ...args], {
        env: { ...process.env, DATA_DIR: t.dataDir },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const bearer = (user: SignedIn) => ({ Authorization: `Bearer ${user.accessToken}` });
  // On PostgreSQL other test files share the tables: this endpoint's lines only.
  const endpointId = () => createHash('sha256').update(new URL(receiver.url).toString()).digest('hex').slice(0, 16);
  const ownLines = (stdout: string) => stdout.split('\n').filter((line) => /^\d+ /.test(line) && line.includes(`endpoint ${endpointId()}`));
  const ownSummary = (stdout: string) => stdout.split('\n')[stdout.split('\n').findIndex((line) => line.startsWith(`${endpointId()}  `)) + 1] ?? '';
  const failedIds = async () => ownLines((await cli('failed')).stdout).map((line) => Number(line.split(' ')[0]));

  before(async () => {
    receiver = await new WebhookReceiver(secret).start();
    receiver.mode = { answer: 503 };
    t = await startTestApp({
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS: JSON.stringify([{ url: receiver.url, events: ['profile.updated'], secrets: [secret] }]),
      // One quick retry, then the delivery has failed.
      WEBHOOK_RETRY_SCHEDULE: '100ms',
    });
  });
  after(async () => {
    await t?.close();
    await receiver?.stop();
  });

  it('lists the endpoint and the failed deliveries, and a replay delivers them with their webhook-id', async () => {
    const user = await registerAndLogin(t);
    for (const displayName of ['One', 'Two']) assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName })).status, 200);
    const deadline = Date.now() + 15_000;
    while ((await failedIds()).length < 2 && Date.now() < deadline) await delay(100);

    const failed = await cli('failed');
    assert.equal(failed.code, 0, failed.stderr);
    const lines = ownLines(failed.stdout);
    assert.equal(lines.length, 2, failed.stdout);
    assert.match(lines[0], /profile\.updated {2}webhook-id [0-9a-f-]{36} {2}endpoint [0-9a-f]{16} {2}2 attempt\(s\).*HTTP 503: answered 503/);
    const listed = await cli('list');
    assert.match(listed.stdout, new RegExp(`${receiver.url.replace(/[/.]/g, '\\$&')} {2}enabled`));
    assert.match(ownSummary(listed.stdout), /pending 0 \(retrying 0\) {2}delivered 0 {2}failed 2/);

    receiver.mode = { answer: 204 };
    const [newest, oldest] = lines.map((line) => Number(line.split(' ')[0]));
    const firstId = lines[1].match(/webhook-id ([0-9a-f-]{36})/)![1];
    const one = await cli('replay', String(oldest));
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`Replayed 1 delivery: ${oldest}`));
    const hook = await receiver.waitFor((h) => h.data.userId === user.userId);
    assert.equal(hook.id, firstId, 'the same webhook-id as before');
    assert.deepEqual(await failedIds(), [newest]);

    const since = await cli('replay', '--since', '1h');
    assert.match(since.stdout, new RegExp(`Replayed \\d+ deliver(y|ies): .*\\b${newest}\\b`));
    await receiver.waitFor((h) => h.data.userId === user.userId && (h.data.after as { displayName: string }).displayName === 'Two');
    assert.deepEqual(await failedIds(), []);
    assert.match(ownSummary((await cli('list')).stdout), /delivered 2 {2}failed 0/);
  });

  it('says what is wrong with a bad command, in the exit code too', async () => {
    const unknown = await cli('replay', '999999');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no delivery 999999/);
    const bad = await cli('replay', '--since', 'yesterday-ish');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--since takes an ISO time/);
    const nonsense = await cli('frobnicate');
    assert.equal(nonsense.code, 1);
    assert.match(nonsense.stderr, /unknown command "frobnicate"[\s\S]*usage: npm run webhooks/);
    assert.match((await cli('--help')).stdout, /replay --since <time>/);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Secret, TOTP } from 'otpauth';
import { Webhook } from 'standardwebhooks';
import { OTHER_STRONG_PASSWORD, type SignedIn, login, registerAndLogin, stepUp, uniqueEmail } from '../helpers/factories';
import { solid } from '../helpers/images';
import { type TestApp, linkToken, readOutbox, startTestApp } from '../helpers/test-app';
import { WebhookReceiver, webhookSecret } from '../helpers/webhook-receiver';

const ME = '/api/auth/users/me';
/** Receivers are on 127.0.0.1 over plain HTTP: the tests allow both, as the settings say. */
const LOCAL = { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_ALLOW_PRIVATE: 'true' };

const bearer = (user: SignedIn) => ({ Authorization: `Bearer ${user.accessToken}` });
const endpoint = (url: string, secrets: string[], events = ['>'], personalData?: boolean) => ({
  url,
  events,
  secrets,
  ...(personalData === undefined ? {} : { personalData }),
});

interface DeliveryRow {
  id: number | string;
  event_id: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

async function deliveriesOf(t: TestApp, userId: string): Promise<DeliveryRow[]> {
  const sql = `SELECT id, event_id, status, attempts, last_status, last_error FROM webhook_deliveries WHERE user_id = ${t.db.options.type === 'postgres' ? '$1' : '?'} ORDER BY id`;
  return t.db.query(sql, [userId]);
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

describe('webhooks: every account event, signed (Standard Webhooks 1.0), to each endpoint that wants it', () => {
  let t: TestApp;
  let everything: WebhookReceiver;
  let emails: WebhookReceiver;
  const everythingSecret = webhookSecret();
  const emailsSecret = webhookSecret();
  before(async () => {
    everything = await new WebhookReceiver(everythingSecret).start();
    emails = await new WebhookReceiver(emailsSecret).start();
    t = await startTestApp({
      ...LOCAL,
      WEBHOOKS: JSON.stringify([endpoint(everything.url, [everythingSecret]), endpoint(emails.url, [emailsSecret], ['profile.email_changed'], true)]),
    });
  });
  after(async () => {
    await t?.close();
    await everything?.stop();
    await emails?.stop();
  });

  it('delivers each event once, in order, with before and after of a profile change and no secret anywhere', async () => {
    const user = await registerAndLogin(t, { displayName: 'Before' });
    const verify = readOutbox(t.dataDir)
      .filter((mail) => mail.to.toLowerCase() === user.email.toLowerCase())
      .pop()!;
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(verify) })).status, 200);

    // profile.updated
    assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName: 'After', bio: 'hello' })).status, 200);
    // profile.email_changed
    const newEmail = uniqueEmail('hook-new');
    assert.equal(
      (
        await t.http
          .put(`${ME}/email`)
          .set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) })
          .send({ email: newEmail })
      ).status,
      202,
    );
    const change = readOutbox(t.dataDir)
      .filter((mail) => mail.to.toLowerCase() === newEmail.toLowerCase())
      .pop()!;
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(change) })).status, 200);
    // profile.avatar_changed
    assert.equal(
      (
        await t.http
          .put(`${ME}/avatar`)
          .set(bearer(user))
          .attach('file', await solid(64, 64, 'png'), { filename: 'a.png', contentType: 'image/png' })
      ).status,
      200,
    );
    // profile.factors_changed
    const started = await t.http.post(`${ME}/factors/totp`).set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) });
    const code = new TOTP({ secret: Secret.fromBase32(started.body.secret as string), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
    assert.equal((await t.http.post(`${ME}/factors/totp/confirm`).set(bearer(user)).send({ code })).status, 200);
    // profile.password_changed (the step-up is the second factor now)
    const stepped = await t.http
      .post('/api/auth/step-up')
      .set(bearer(user))
      .send({ code: new TOTP({ secret: Secret.fromBase32(started.body.secret as string) }).generate({ timestamp: Date.now() + 30_000 }) });
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    const changed = await t.http
      .put(`${ME}/password`)
      .set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken })
      .send({ newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    // user.locked, then user.unlocked (the unlock link goes to the current address)
    assert.equal((await t.http.post(`${ME}/lock`).set(bearer(user))).status, 204);
    const locked = readOutbox(t.dataDir)
      .filter((mail) => mail.to.toLowerCase() === newEmail.toLowerCase() && /is locked/.test(mail.subject))
      .pop()!;
    const unlockPassword = 'Tz7&kPq2#vMn silver meadow';
    assert.equal((await t.http.post('/api/auth/unlock').send({ token: linkToken(locked, 'unlock-account'), newPassword: unlockPassword })).status, 204);
    // user.deleted (the lock's look-back took the app away: the password steps up)
    const again = await login(t, newEmail, unlockPassword);
    assert.equal((await t.http.delete(ME).set({ ...bearer(again), 'X-Step-Up-Token': await stepUp(t, again) })).status, 204);

    const recorded: Array<{ id: string; name: string }> = await t.db.query(
      `SELECT id, name FROM outbox_events WHERE payload LIKE ${t.db.options.type === 'postgres' ? '$1' : '?'} ORDER BY created_at, id`,
      [`%${user.userId}%`],
    );
    const names = new Set(recorded.map((event) => event.name));
    for (const name of [
      'profile.updated',
      'profile.email_changed',
      'profile.avatar_changed',
      'profile.factors_changed',
      'profile.password_changed',
      'user.locked',
      'user.unlocked',
      'user.deleted',
    ]) {
      assert.ok(names.has(name), `the account's events include ${name}: ${[...names].join(', ')}`);
    }
    const rows = await deliveriesOf(t, user.userId);
    await until(async () => (await deliveriesOf(t, user.userId)).every((row) => row.status === 'delivered'), 'every delivery');
    const mine = () => everything.received.filter((hook) => hook.data.userId === user.userId);
    assert.deepEqual(
      mine().map((hook) => hook.id),
      rows.map((row) => row.event_id).filter((id, index, all) => all.indexOf(id) === index),
      'every event of the account, once each, in the order they were recorded',
    );
    assert.deepEqual(new Set(mine().map((hook) => hook.id)), new Set(recorded.map((event) => event.id)));
    assert.deepEqual(everything.rejected, [], 'every request verified');

    const updated = mine().find((hook) => hook.type === 'profile.updated' && (hook.data.changed as string[]).includes('displayName'))!;
    assert.deepEqual(updated.data.before, { displayName: 'Before', bio: null });
    assert.deepEqual(updated.data.after, { displayName: 'After', bio: 'hello' });
    assert.equal(updated.headers['webhook-id'], updated.data.eventId);
    assert.match(String(updated.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
    assert.ok(Math.abs(Number(updated.headers['webhook-timestamp']) - Date.now() / 1000) < 300);
    assert.match(updated.timestamp, /^\d{4}-\d\d-\d\dT/);

    // The email goes only to the endpoint that opted in to personal data.
    const emailChange = mine().find((hook) => hook.type === 'profile.email_changed')!;
    assert.equal(emailChange.data.before, undefined);
    assert.equal(JSON.stringify(emailChange.data).includes('@'), false);
    const personal = await emails.waitFor((hook) => hook.data.userId === user.userId);
    assert.equal(personal.id, emailChange.id, 'the same event id at every endpoint');
    const normalised = (address: string) => address.replace(/@.*/, '@example.com');
    assert.deepEqual(personal.data.before, { email: normalised(user.email) });
    assert.deepEqual(personal.data.after, { email: normalised(newEmail) });
    assert.equal(emails.received.filter((hook) => hook.data.userId === user.userId).length, 1, 'only the event it subscribed to');

    for (const hook of mine()) assert.doesNotMatch(hook.body, /password"|token|secret|hash|@/i, `${hook.type} carries no secret and no address`);
  });

  it('signs under the endpoint’s secret only: another secret does not verify', () => {
    const hook = everything.received[0];
    const signatures = String(hook.headers['webhook-signature']).split(' ');
    assert.equal(signatures.length, 1);
    const headers = {
      'webhook-id': hook.id,
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    };
    assert.throws(() => new Webhook(webhookSecret()).verify(hook.body, headers), /signature/i, 'another secret does not verify');
  });

  it('shows the endpoints as ok on the health route', async () => {
    const health = await t.http.get('/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.checks.webhooks, 'ok');
  });
});

describe('webhooks: a rotated secret', () => {
  it('carries one signature per secret; a receiver knowing only the new one, or only the old one, accepts', async () => {
    const oldSecret = webhookSecret();
    const newSecret = webhookSecret();
    const receiver = await new WebhookReceiver(newSecret).start();
    const t = await startTestApp({ ...LOCAL, WEBHOOKS: JSON.stringify([endpoint(receiver.url, [newSecret, oldSecret], ['profile.*'])]) });
    try {
      const user = await registerAndLogin(t);
      assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName: 'Rotated' })).status, 200);
      const hook = await receiver.waitFor((h) => h.data.userId === user.userId);
      const signatures = String(hook.headers['webhook-signature']).split(' ');
      assert.equal(signatures.length, 2);
      const headers = {
        'webhook-id': hook.id,
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      };
      assert.doesNotThrow(() => new Webhook(oldSecret).verify(hook.body, headers));
      assert.doesNotThrow(() => new Webhook(newSecret).verify(hook.body, headers));
      assert.throws(() => new Webhook(newSecret).verify(hook.body.replace('Rotated', 'Tampered'), headers), /signature/i);
      assert.throws(() => new Webhook(newSecret).verify(hook.body, { ...headers, 'webhook-id': 'another-id' }), /signature/i, 'the id is signed too');
    } finally {
      await t.close();
      await receiver.stop();
    }
  });
});

describe('webhooks: a receiver that is down, failing, then hanging', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const secret = webhookSecret();
  before(async () => {
    receiver = await new WebhookReceiver(secret).start();
    t = await startTestApp({
      ...LOCAL,
      WEBHOOKS: JSON.stringify([endpoint(receiver.url, [secret], ['profile.updated'])]),
      // A short schedule instead of waits: ten retries a few hundred milliseconds apart.
      WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms',
      WEBHOOK_TIMEOUT: '700ms',
    });
  });
  after(async () => {
    await t?.close();
    await receiver?.stop();
  });

  it('delivers every event once it is back, with the same webhook-id on every attempt, in order per account', async () => {
    await receiver.stop();
    const user = await registerAndLogin(t);
    const bystander = await registerAndLogin(t);
    for (const displayName of ['First', 'Second', 'Third']) assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName })).status, 200);
    await until(async () => (await deliveriesOf(t, user.userId))[0]?.attempts >= 2, 'two refused attempts');
    const refused = await deliveriesOf(t, user.userId);
    assert.match(String(refused[0].last_error), /ECONNREFUSED/);
    assert.ok(
      refused.slice(1).every((row) => row.attempts === 0),
      'later events of the account wait for the first',
    );

    receiver.mode = { answer: 500 };
    await receiver.start();
    await until(() => receiver.attempts.length >= 2, 'attempts answered 500');
    // Another account's event is not held up by this account's trouble.
    assert.equal((await t.http.put(ME).set(bearer(bystander)).send({ displayName: 'Unrelated' })).status, 200);
    await until(async () => (await deliveriesOf(t, user.userId))[0]?.attempts >= 3, 'a third attempt');
    const health = await t.http.get('/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.checks.webhooks, 'failing', 'past the third attempt');
    assert.equal((await deliveriesOf(t, user.userId))[0].last_status, 500);

    receiver.mode = 'hang';
    const before = receiver.attempts.length;
    await until(() => receiver.attempts.length > before, 'an attempt that hangs');
    await until(async () => /no answer within 700 ms/.test(String((await deliveriesOf(t, user.userId))[0].last_error)), 'the timeout');

    receiver.mode = { answer: 204 };
    await until(async () => (await deliveriesOf(t, user.userId)).every((row) => row.status === 'delivered'), 'every delivery', 20_000);
    const rows = await deliveriesOf(t, user.userId);
    const arrived = receiver.received.filter((hook) => hook.data.userId === user.userId);
    assert.deepEqual(
      arrived.map((hook) => hook.id),
      rows.map((row) => row.event_id),
      'each once, in order',
    );
    assert.deepEqual(
      arrived.map((hook) => (hook.data.after as { displayName: string }).displayName),
      ['First', 'Second', 'Third'],
    );
    const first = rows[0].event_id;
    const attemptsOfFirst = receiver.attempts.filter((id) => id === first).length;
    assert.ok(attemptsOfFirst >= 3, `the first event was tried ${attemptsOfFirst} times, always as ${first}`);
    assert.deepEqual(
      [...new Set(receiver.attempts.filter((id) => rows.some((row) => row.event_id === id)))],
      rows.map((row) => row.event_id),
      'no later event of the account was tried before the earlier one arrived',
    );
    assert.ok(receiver.received.some((hook) => hook.data.userId === bystander.userId));
    await until(async () => (await t.http.get('/api/health')).body.checks.webhooks === 'ok', 'health back to ok');
  });
});

describe('webhooks: 410 Gone, private targets, and settings', () => {
  it('disables an endpoint that answered 410 Gone until its configuration changes', async () => {
    const secret = webhookSecret();
    const receiver = await new WebhookReceiver(secret).start();
    receiver.mode = { answer: 410 };
    const settings = { ...LOCAL, WEBHOOKS: JSON.stringify([endpoint(receiver.url, [secret], ['profile.updated'])]) };
    const t = await startTestApp(settings);
    let reopened: TestApp | undefined;
    try {
      const user = await registerAndLogin(t);
      assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName: 'Gone' })).status, 200);
      await until(async () => (await deliveriesOf(t, user.userId))[0]?.status === 'failed', 'the delivery failed');
      assert.equal((await deliveriesOf(t, user.userId))[0].last_status, 410);
      assert.equal((await t.http.get('/api/health')).body.checks.webhooks, 'failing');
      receiver.mode = { answer: 204 };
      assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName: 'Still gone' })).status, 200);
      await until(async () => (await deliveriesOf(t, user.userId))[1]?.status === 'failed', 'the next one failed without a send');
      assert.match(String((await deliveriesOf(t, user.userId))[1].last_error), /disabled/);
      assert.equal(receiver.attempts.length, 1, 'nothing sent after the 410');

      // The same endpoint with another configuration (a new secret) is enabled again.
      await t.close();
      const fresh = webhookSecret();
      receiver.useSecret(fresh);
      reopened = await startTestApp({ ...settings, DATA_DIR: t.dataDir, WEBHOOKS: JSON.stringify([endpoint(receiver.url, [fresh], ['profile.updated'])]) });
      const again = await login(reopened, user.email, user.password);
      assert.equal((await reopened.http.put(ME).set(bearer(again)).send({ displayName: 'Back' })).status, 200);
      const hook = await receiver.waitFor((h) => h.data.userId === user.userId);
      assert.equal((hook.data.after as { displayName: string }).displayName, 'Back');
      assert.equal((await reopened.http.get('/api/health')).body.checks.webhooks, 'ok');
    } finally {
      await (reopened ?? t).close().catch(() => undefined);
      await receiver.stop();
    }
  });

  it('refuses a name that resolves to a loopback address unless private targets are allowed', async () => {
    const secret = webhookSecret();
    const receiver = await new WebhookReceiver(secret).start();
    const url = `http://localhost:${receiver.port}/hooks`;
    const t = await startTestApp({
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS: JSON.stringify([endpoint(url, [secret], ['profile.updated'])]),
      WEBHOOK_RETRY_SCHEDULE: '5m',
    });
    try {
      const user = await registerAndLogin(t);
      assert.equal((await t.http.put(ME).set(bearer(user)).send({ displayName: 'Inward' })).status, 200);
      await until(async () => (await deliveriesOf(t, user.userId))[0]?.attempts === 1, 'one attempt');
      const [row] = await deliveriesOf(t, user.userId);
      assert.match(String(row.last_error), /localhost resolves to (127\.0\.0\.1|::1), a private or loopback address/);
      assert.equal(row.status, 'pending', 'tried again later: a name may resolve elsewhere then');
      assert.equal(receiver.attempts.length, 0, 'no request reached the receiver');
    } finally {
      await t.close();
    }
    const allowed = await startTestApp({
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS: JSON.stringify([endpoint(url, [secret], ['profile.updated'])]),
    });
    try {
      const user = await registerAndLogin(allowed);
      assert.equal((await allowed.http.put(ME).set(bearer(user)).send({ displayName: 'Allowed' })).status, 200);
      await receiver.waitFor((hook) => hook.data.userId === user.userId);
    } finally {
      await allowed.close();
      await receiver.stop();
    }
  });

  it('stops the start with one line naming the setting for a bad endpoint, never printing a secret', () => {
    const secret = webhookSecret();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS: JSON.stringify([endpoint('http://127.0.0.1:9/hooks', [secret])]) },
        /^Invalid configuration: WEBHOOKS entry 0: url names a private or loopback address/,
      ],
      [{ WEBHOOKS: JSON.stringify([endpoint('http://hooks.example.com/in', [secret])]) }, /^Invalid configuration: WEBHOOKS entry 0: url must use https/],
      [
        { WEBHOOKS: JSON.stringify([endpoint('https://hooks.example.com/in', [`${secret.slice(0, 12)}!`])]) },
        /^Invalid configuration: WEBHOOKS entry 0: secrets\[0\] must be "whsec_"/,
      ],
      [
        { WEBHOOKS: JSON.stringify([endpoint('https://hooks.example.com/in', [secret], ['profile.updatd'])]) },
        /^Invalid configuration: WEBHOOKS entry 0: "profile.updatd" matches no event/,
      ],
      [{ WEBHOOKS_FILE: '/nonexistent/webhooks.json' }, /^Invalid configuration: WEBHOOKS_FILE must name a readable JSON file/],
    ];
    for (const [settings, message] of cases) {
      const child = spawnSync(process.execPath, [join(__dirname, '..', '..', 'src', 'main.js')], {
        env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-webhook-config-')), LOG_LEVEL: 'silent', PORT: '0', ...settings },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(child.status, 1, child.stderr);
      const lines = child.stderr.trim().split('\n');
      assert.equal(lines.length, 1, child.stderr);
      assert.match(lines[0], message);
      assert.equal(child.stderr.includes(secret.slice(6, 20)), false, 'never the secret');
    }
  });
});

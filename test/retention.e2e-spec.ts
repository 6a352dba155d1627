import type { DataSource } from 'typeorm';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TotpFactorEntity } from '../src/second-factors/totp/totp-factor.entity';
import { TransactionRunner } from '../src/database/transaction-runner';
import { RetentionService } from '../src/retention/retention.service';
import { login, registerAndLogin, registerUser } from './helpers/factories';
import { type TestApp, linkToken, readOutbox, startTestApp } from './helpers/test-app';

const ME = '/api/auth/users/me';
const DAY = 24 * 3600 * 1000;

describe('retention purge', () => {
  let t: TestApp;
  let db: DataSource;
  let retention: RetentionService;
  before(async () => {
    t = await startTestApp({
      RETENTION_GRACE: '7d',
      SECURITY_EVENT_RETENTION: '30d',
      OUTBOX_RETENTION: '7d',
      RETENTION_BATCH_SIZE: '2',
      RETENTION_INTERVAL: '0',
    });
    db = t.db;
    retention = t.app.get(RetentionService);
  });
  after(() => t.close());

  const count = async (sql: string, ...params: unknown[]) => Number((await db.query<Array<{ n: number | string }>>(sql, params))[0].n);
  const p = (index: number) => (db.options.type === 'postgres' ? `$${index}` : '?');

  it('removes what expired, was revoked or used past the grace, old security events and old published outbox rows; keeps the rest', async () => {
    const user = await registerAndLogin(t);
    // The verification link, used: a used token.
    const verify = readOutbox(t.dataDir)
      .filter((mail) => mail.to.toLowerCase() === user.email.toLowerCase())
      .pop()!;
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(verify) })).status, 200);
    const squatter = await registerUser(t);
    const sessions = [await login(t, user.email, user.password), await login(t, user.email, user.password), await login(t, user.email, user.password)];
    for (const session of sessions) assert.equal((await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${session.accessToken}`)).status, 204);

    // Eight days later (as the purge sees it): the revoked sessions and the used token are past the grace.
    const now = Date.now() + 8 * DAY;
    const outboxId = randomUUID();
    const recentOutboxId = randomUUID();
    const waitingId = randomUUID();
    const old = new Date(now - 8 * DAY);
    const outbox = db.getRepository('OutboxEventEntity');
    await outbox.insert([
      { id: outboxId, name: 'profile.updated', payload: '{}', createdAt: old, publishedAt: old, attempts: 0 },
      { id: recentOutboxId, name: 'profile.updated', payload: '{}', createdAt: new Date(now), publishedAt: new Date(now), attempts: 0 },
      { id: waitingId, name: 'profile.updated', payload: '{}', createdAt: old, publishedAt: null, attempts: 3 },
    ]);
    // Mail jobs: one sent eight days ago (past OUTBOX_RETENTION), one waiting for a retry.
    const sentJob = randomUUID();
    const waitingJob = randomUUID();
    await db.getRepository('MailJobEntity').insert([
      { id: sentJob, kind: 'password_reset_link', payload: '{}', createdAt: old, dueAt: old, attempts: 1, claimedUntil: null, doneAt: old, failed: false },
      {
        id: waitingJob,
        kind: 'password_reset_link',
        payload: '{}',
        createdAt: old,
        dueAt: new Date(now + DAY),
        attempts: 2,
        claimedUntil: null,
        doneAt: null,
        failed: false,
      },
    ]);
    await db.getRepository('SecurityEventEntity').update({ userId: user.userId, type: 'logout' }, { createdAt: new Date(now - 31 * DAY) });
    // Passkey challenges: one handed out now (its 5 minutes are long past the grace eight days on), one that will still be live then.
    assert.equal((await t.http.post('/api/auth/passkeys/options')).status, 200);
    const liveChallenge = randomUUID().replace(/-/g, '');
    await db.getRepository('WebAuthnChallengeEntity').insert({
      challenge: liveChallenge,
      purpose: 'sign_in',
      userId: null,
      sessionId: null,
      mfaTokenHash: null,
      createdAt: new Date(now),
      expiresAt: new Date(now + 60_000),
      usedAt: null,
    });

    // Authenticator-app enrolments: one abandoned (its 10 minutes long past the grace eight days on), one confirmed.
    const abandoned = await registerAndLogin(t);
    const enrolled = await registerAndLogin(t);
    // Verified, so that the unverified-account rule leaves them (and their factors) alone.
    await db.getRepository('UserEntity').update([abandoned.userId, enrolled.userId], { emailVerified: true });
    const totp = db.getRepository('TotpFactorEntity');
    const enrolment = { secret: 'sealed', pendingSessionId: null, lastUsedStep: null, createdAt: new Date() };
    await totp.insert({ ...enrolment, userId: abandoned.userId, confirmedAt: null, pendingExpiresAt: new Date(Date.now() + 10 * 60_000) });
    await totp.insert({ ...enrolment, userId: enrolled.userId, confirmedAt: new Date(Date.now() - 30 * DAY), pendingExpiresAt: null });

    const sessionsBefore = await count(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ${p(1)}`, user.userId);
    assert.equal(sessionsBefore, 4);
    // Other test files share the database: count what is this test's own.
    const report = await retention.purge(now);
    assert.ok(report);
    assert.ok(
      report.sessions >= 3 &&
        report['email tokens'] >= 1 &&
        report['security events'] >= 3 &&
        report['outbox rows'] >= 1 &&
        report['webauthn challenges'] >= 1 &&
        report['totp enrolments'] >= 1,
      JSON.stringify(report),
    );
    assert.equal(await count(`SELECT COUNT(*) AS n FROM totp_factors WHERE user_id = ${p(1)}`, abandoned.userId), 0, 'the abandoned enrolment is gone');
    assert.equal(await count(`SELECT COUNT(*) AS n FROM totp_factors WHERE user_id = ${p(1)}`, enrolled.userId), 1, 'an active factor stays');
    assert.equal(await count(`SELECT COUNT(*) AS n FROM webauthn_challenges WHERE challenge = ${p(1)}`, liveChallenge), 1, 'a live challenge stays');
    assert.equal(await count(`SELECT COUNT(*) AS n FROM email_tokens WHERE user_id = ${p(1)}`, user.userId), 0, 'the used token is gone');
    assert.equal(await count(`SELECT COUNT(*) AS n FROM security_events WHERE user_id = ${p(1)} AND type = 'logout'`, user.userId), 0);
    assert.equal(await count(`SELECT COUNT(*) AS n FROM outbox_events WHERE id = ${p(1)}`, outboxId), 0);
    assert.equal(await count(`SELECT COUNT(*) AS n FROM mail_jobs WHERE id = ${p(1)}`, sentJob), 0, 'a sent mail job goes after OUTBOX_RETENTION');
    assert.equal(await count(`SELECT COUNT(*) AS n FROM mail_jobs WHERE id = ${p(1)}`, waitingJob), 1, 'a job waiting for its retry stays');

    assert.equal(await count(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ${p(1)}`, user.userId), 1, 'the live session stays');
    const normalized = squatter.email.toLowerCase();
    assert.equal(
      await count(`SELECT COUNT(*) AS n FROM users WHERE email_normalized = ${p(1)}`, normalized),
      0,
      'an account never verified is gone after UNVERIFIED_ACCOUNT_TTL',
    );
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`)).status, 200);
    assert.equal(await count(`SELECT COUNT(*) AS n FROM outbox_events WHERE id = ${p(1)}`, recentOutboxId), 1);
    assert.equal(
      await count(`SELECT COUNT(*) AS n FROM outbox_events WHERE id = ${p(1)}`, waitingId),
      0,
      'without a broker nobody relays a row: it goes after OUTBOX_RETENTION',
    );
    assert.ok((await count(`SELECT COUNT(*) AS n FROM security_events WHERE user_id = ${p(1)}`, user.userId)) >= 4, 'recent events stay');
    assert.deepEqual(
      await retention.purge(now),
      {
        'unverified accounts': 0,
        'scheduled deletions': 0,
        sessions: 0,
        'email tokens': 0,
        'sign-in flows': 0,
        'mfa tokens': 0,
        'totp enrolments': 0,
        'webauthn challenges': 0,
        'security events': 0,
        'outbox rows': 0,
        'mail jobs': 0,
        'webhook deliveries': 0,
      },
      'nothing left to do',
    );
  });

  it('removes finished webhook deliveries after OUTBOX_RETENTION, and pending ones of an endpoint no longer configured; keeps the rest', async () => {
    const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const url = 'https://hooks.example.com/in';
    const withHooks = await startTestApp({
      RETENTION_INTERVAL: '0',
      OUTBOX_RETENTION: '7d',
      WEBHOOKS: JSON.stringify([{ url, events: ['user.*'], secrets: [secret] }]),
    });
    try {
      // Other test files share the database (and its endpoints): this one's by its URL.
      const [{ id: endpointId }] = await withHooks.db.query<Array<{ id: string }>>(
        `SELECT id FROM webhook_endpoints WHERE url = ${withHooks.db.options.type === 'postgres' ? '$1' : '?'}`,
        [new URL(url).toString()],
      );
      const now = Date.now();
      const old = new Date(now - 8 * DAY);
      const userId = randomUUID();
      const row = (status: string, endpoint: string, createdAt: Date, finishedAt: Date | null) => ({
        eventId: randomUUID(),
        eventType: 'user.locked',
        userId,
        endpointId: endpoint,
        body: '{}',
        status,
        attempts: 1,
        // Not due: the relay leaves them alone (the test calls out of the machine to nobody).
        nextAttemptAt: new Date(now + DAY),
        createdAt,
        finishedAt,
      });
      const rows = {
        deliveredLongAgo: row('delivered', endpointId, old, old),
        failedLongAgo: row('failed', endpointId, old, old),
        deliveredRecently: row('delivered', endpointId, old, new Date(now - DAY)),
        pendingLongAgo: row('pending', endpointId, old, null),
        pendingForAGoneEndpoint: row('pending', 'feedfacefeedface', old, null),
      };
      await withHooks.db.getRepository('WebhookDeliveryEntity').insert(Object.values(rows));
      const report = await withHooks.app.get(RetentionService).purge(now);
      assert.ok(report && report['webhook deliveries'] >= 3, JSON.stringify(report));
      const left = await withHooks.db.query<Array<{ event_id: string }>>(
        `SELECT event_id FROM webhook_deliveries WHERE user_id = ${withHooks.db.options.type === 'postgres' ? '$1' : '?'}`,
        [userId],
      );
      assert.deepEqual(
        new Set(left.map((r) => r.event_id)),
        new Set([rows.deliveredRecently.eventId, rows.pendingLongAgo.eventId]),
        'a pending delivery waits, however old',
      );
    } finally {
      await withHooks.close();
    }
  });

  it('keeps unpublished outbox rows, however old, while a broker is configured (it may be away)', async () => {
    // A broker nobody answers on: the relay keeps failing, the row keeps waiting.
    const withBroker = await startTestApp({ BROKER_URL: 'nats://127.0.0.1:9', RETENTION_INTERVAL: '0', OUTBOX_RETENTION: '7d' });
    try {
      const now = Date.now();
      const waiting = randomUUID();
      const old = new Date(now - 30 * DAY);
      await withBroker.db
        .getRepository('OutboxEventEntity')
        .insert({ id: waiting, name: 'profile.updated', payload: '{}', createdAt: old, publishedAt: null, attempts: 3 });
      assert.ok(await withBroker.app.get(RetentionService).purge(now));
      const left = await withBroker.db.getRepository('OutboxEventEntity').countBy({ id: waiting });
      assert.equal(left, 1, 'unpublished rows wait for the broker');
    } finally {
      await withBroker.close();
    }
  });

  it('runs one purge at a time in a process: a second concurrent run is skipped', async () => {
    const [first, second] = await Promise.all([retention.purge(), retention.purge()]);
    assert.ok(first);
    assert.equal(second, null);
  });

  it(
    'skips the purge while another instance holds the advisory lock (PostgreSQL)',
    { skip: process.env.DATABASE_URL ? false : 'PostgreSQL only' },
    async () => {
      // Another instance, as far as PostgreSQL can tell: a connection of its own holding the lock.
      const other = db.createQueryRunner();
      try {
        await other.query('SELECT pg_advisory_lock($1, $2)', [0x70726f66, 0x70757267]);
        assert.equal(await retention.purge(), null);
        await other.query('SELECT pg_advisory_unlock($1, $2)', [0x70726f66, 0x70757267]);
        assert.ok(await retention.purge());
      } finally {
        await other.release();
      }
    },
  );

  it('keeps a row that changed between being picked and being deleted (an enrolment started again)', async () => {
    const user = await registerAndLogin(t);
    await db.getRepository('UserEntity').update(user.userId, { emailVerified: true });
    const totp = db.getRepository('TotpFactorEntity');
    const now = Date.now() + 8 * DAY;
    await totp.insert({
      userId: user.userId,
      secret: 'sealed',
      confirmedAt: null,
      pendingSessionId: null,
      pendingExpiresAt: new Date(Date.now() - DAY),
      lastUsedStep: null,
      createdAt: new Date(),
    });
    // Right after the purge has read its batch of enrolments, and before it deletes them, the user starts again.
    const runner = t.app.get(TransactionRunner);
    const repository = runner.repository.bind(runner);
    runner.repository = ((entity: unknown, tx?: unknown) => {
      const rows = repository(entity as never, tx as never);
      if (entity !== TotpFactorEntity || tx) return rows;
      return new Proxy(rows, {
        get: (target, name, receiver) =>
          name === 'find'
            ? async (...args: unknown[]) => {
                const found = await (target.find as (...a: unknown[]) => Promise<unknown[]>)(...args);
                await totp.update({ userId: user.userId }, { pendingExpiresAt: new Date(now + 10 * 60_000) });
                return found;
              }
            : Reflect.get(target, name, receiver),
      });
    }) as typeof runner.repository;
    try {
      await retention.purge(now);
    } finally {
      runner.repository = repository;
    }
    assert.equal(await count(`SELECT COUNT(*) AS n FROM totp_factors WHERE user_id = ${p(1)}`, user.userId), 1, 'the new enrolment stays');
  });
});

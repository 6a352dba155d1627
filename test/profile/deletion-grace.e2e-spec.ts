import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { RetentionService } from '../../src/retention/retention.service';
import { type SignedIn, assertError, login, registerAndLogin, setCookies, stepUp } from '../helpers/factories';
import { type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { startChildService } from '../helpers/child-service';
import { type TestApp, freePort, lockToken, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const DAY = 86_400_000;

describe('deletion with a grace period (ACCOUNT_DELETION_GRACE), over a real SMTP server', () => {
  let t: TestApp;
  let smtp: SmtpListener;
  before(async () => {
    smtp = await startSmtpListener();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_ENABLED: 'true',
      PUBLIC_URL: 'https://id.example.test',
      ACCOUNT_DELETION_GRACE: '14d',
      RETENTION_INTERVAL: '0',
    });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  const bearer = (user: SignedIn) => ({ Authorization: `Bearer ${user.accessToken}` });
  const address = (user: SignedIn) => user.email.replace(/@.*/, '@example.com');
  const p = (index: number) => (t.db.options.type === 'postgres' ? `$${index}` : '?');
  const schedule = async (user: SignedIn) => {
    const since = smtp.received.length;
    const response = await t.http.delete(ME).set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    const mail = await smtp.nextTo(address(user), since);
    return { response, mail };
  };
  const eventsOf = async (userId: string) =>
    (
      await t.db.query<Array<{ name: string; payload: string }>>(`SELECT name, payload FROM outbox_events WHERE payload LIKE ${p(1)} ORDER BY created_at, id`, [
        `%${userId}%`,
      ])
    ).map((row) => row.name);

  it('schedules: 202 with the dates, every session ends, the cookies clear, a mail with a cancel link (and a lock link)', async () => {
    const user = await registerAndLogin(t);
    const other = await login(t, user.email, user.password);
    const { response, mail } = await schedule(user);
    const deleteAt = Date.parse(response.body.deleteAt as string);
    assert.ok(Math.abs(deleteAt - Date.parse(response.body.deletionScheduledAt as string) - 14 * DAY) < 1000);
    assert.ok(setCookies(response.headers).some((cookie) => /^access_token=;/.test(cookie) || /Max-Age=0|Expires=Thu, 01 Jan 1970/.test(cookie)));
    assertError(await t.http.get(ME).set(bearer(user)), 401, 'SESSION_REVOKED');
    assertError(await t.http.get(ME).set(bearer(other)), 401, 'SESSION_REVOKED');
    assert.match(mail.subject, /will be deleted on/);
    const cancel = tokenIn(mail, 'cancel-deletion');
    assert.ok(lockToken(mail), 'a security notice: it carries a lock link');
    // The page changes nothing (mail scanners follow links).
    const page = await t.http.get(`/cancel-deletion?token=${cancel}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Cancel the deletion/);

    // The owner signs in again during the grace: the profile says when; the account is still theirs.
    const back = await login(t, user.email, user.password);
    const profile = await t.http.get(ME).set(bearer(back));
    assert.deepEqual(profile.body.deletionScheduled, { deleteAt: response.body.deleteAt });
    // Asked again: the first date stands, no second mail.
    const again = await t.http.delete(ME).set({ ...bearer(back), 'X-Step-Up-Token': await stepUp(t, back) });
    assert.equal(again.status, 202);
    assert.equal(again.body.deleteAt, response.body.deleteAt);

    const since = smtp.received.length;
    assert.equal((await t.http.post('/api/auth/deletion/cancel').send({ token: cancel })).status, 204);
    assert.match((await smtp.nextTo(address(user), since)).subject, /will not be deleted/);
    assertError(await t.http.post('/api/auth/deletion/cancel').send({ token: cancel }), 400, 'EMAIL_TOKEN_INVALID');
    const kept = await login(t, user.email, user.password);
    assert.equal((await t.http.get(ME).set(bearer(kept))).body.deletionScheduled, null);
    const names = await eventsOf(user.userId);
    assert.ok(names.includes('user.deletion_scheduled') && names.includes('user.deletion_cancelled') && !names.includes('user.deleted'), names.join(', '));
    const activity = await t.http.get(`${ME}/security-events`).set(bearer(kept));
    const types = (activity.body.items as Array<{ type: string }>).map((item) => item.type);
    assert.ok(types.includes('deletion_scheduled') && types.includes('deletion_cancelled'), types.join(', '));
  });

  it('cancels for the signed-in owner without a step-up, and the mailed link stops working', async () => {
    const user = await registerAndLogin(t);
    const { mail } = await schedule(user);
    const back = await login(t, user.email, user.password);
    assert.equal((await t.http.post(`${ME}/deletion/cancel`).set(bearer(back))).status, 204);
    assert.equal((await t.http.get(ME).set(bearer(back))).body.deletionScheduled, null);
    assertError(await t.http.post('/api/auth/deletion/cancel').send({ token: tokenIn(mail, 'cancel-deletion') }), 400, 'EMAIL_TOKEN_INVALID');
    assert.equal((await t.http.post(`${ME}/deletion/cancel`).set(bearer(back))).status, 204, 'nothing scheduled: nothing to do');
  });

  it('is cancelled by a lock: a scheduled deletion is a pending change, and whoever pulls the brake keeps the account', async () => {
    const user = await registerAndLogin(t);
    const { mail } = await schedule(user);
    assert.equal((await t.http.post('/api/auth/lock').send({ token: lockToken(mail) })).status, 204);
    const [row] = await t.db.query<Array<{ delete_at: unknown }>>(`SELECT delete_at FROM users WHERE id = ${p(1)}`, [user.userId]);
    assert.equal(row.delete_at, null);
  });

  it('deletes the account once deleteAt passed, with user.deleted carrying an erasure id, and keeps the address held until then', async () => {
    const since0 = smtp.received.length;
    const user = await registerAndLogin(t);
    // A verified account (an unverified one goes after UNVERIFIED_ACCOUNT_TTL anyway).
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: tokenIn(await smtp.nextTo(address(user), since0)) })).status, 200);
    await schedule(user);
    const retention = t.app.get(RetentionService);
    await retention.purge(Date.now() + 13 * DAY);
    assert.equal((await t.db.query(`SELECT id FROM users WHERE id = ${p(1)}`, [user.userId])).length, 1, 'still there during the grace');
    const since = smtp.received.length;
    // The purge's later rules remove outbox rows of "15 days ago" in the same run: the event as it is emitted.
    const deletedEvents: Array<{ userId: string; erasureId: string }> = [];
    t.app.get(EventEmitter2).on('user.deleted', (event: { userId: string; erasureId: string }) => deletedEvents.push(event));
    const report = await retention.purge(Date.now() + 15 * DAY);
    assert.ok(report && report['scheduled deletions'] >= 1, JSON.stringify(report));
    assert.equal((await t.db.query(`SELECT id FROM users WHERE id = ${p(1)}`, [user.userId])).length, 0);
    assert.match((await smtp.nextTo(address(user), since)).subject, /was deleted/);
    const { erasureId } = deletedEvents.find((event) => event.userId === user.userId)!;
    assert.match(erasureId, /^[0-9a-f-]{36}$/);
    const [erasure] = await t.db.query<Array<{ id: string; completed_at: unknown }>>(`SELECT id, completed_at FROM erasures WHERE id = ${p(1)}`, [erasureId]);
    assert.ok(erasure.completed_at, 'no service expected: complete at once');
    // The operators' view of the proof.
    const listed = await promisify(execFile)(process.execPath, [join(__dirname, '..', '..', 'scripts', 'erasures.js'), 'list'], {
      env: { ...process.env, DATA_DIR: t.dataDir },
    });
    assert.match(listed.stdout, new RegExp(`${erasureId}  deleted \\S+  complete \\S+  confirmed by: nobody`));
    const purged = await retention.purge(Date.now() + 16 * DAY);
    assert.equal(purged?.['scheduled deletions'], 0, 'once');
  });
});

describe('a due deletion with two instances purging on their own timers', () => {
  it('deletes the account once: one user.deleted, one erasure', async () => {
    const shared = { PUBLIC_URL: 'http://localhost:3000', ACCOUNT_DELETION_GRACE: '2s', RETENTION_INTERVAL: '1s' };
    const a = await startTestApp(shared);
    // The same DATA_DIR: the same keys and, on SQLite, the same database file; on PostgreSQL the suite's database.
    const b = await startChildService(await freePort(), { ...shared, DATA_DIR: a.dataDir, BCRYPT_COST: '4' });
    try {
      const user = await registerAndLogin(a);
      const scheduled = await a.http.delete(ME).set({ Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(a, user) });
      assert.equal(scheduled.status, 202);
      const q = (index: number) => (a.db.options.type === 'postgres' ? `$${index}` : '?');
      const present = async () => (await a.db.query(`SELECT id FROM users WHERE id = ${q(1)}`, [user.userId])).length > 0;
      const deadline = Date.now() + 15_000;
      while ((await present()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      // Both instances have purged at least once more since.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(await present(), false, 'deleted at deleteAt');
      const announced = await a.db.query<Array<{ payload: string }>>(`SELECT payload FROM outbox_events WHERE name = 'user.deleted' AND payload LIKE ${q(1)}`, [
        `%${user.userId}%`,
      ]);
      assert.equal(announced.length, 1, 'one user.deleted between the two instances');
    } finally {
      await b.stop();
      await a.close();
    }
  });
});

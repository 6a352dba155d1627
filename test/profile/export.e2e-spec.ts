import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SecurityEventEntity } from '../../src/users/security-event.entity';
import { assertError, login, registerAndLogin, stepUp } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

const EXPORT = '/api/auth/users/me/export';

describe('data export (GET /api/auth/users/me/export)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ EXPORT_RATE_LIMIT: '3/1h' });
  });
  after(() => t.close());

  it('needs a step-up, and sends everything about me as a JSON attachment, with no secret and nothing of anyone else', async () => {
    const user = await registerAndLogin(t);
    const stranger = await registerAndLogin(t, { displayName: 'Stranger Danger' });
    const other = await login(t, user.email, user.password);
    assertError(await t.http.get(EXPORT).set('Authorization', `Bearer ${user.accessToken}`), 401, 'STEP_UP_REQUIRED');
    // A long log: it is streamed a page at a time.
    const events = t.db.getRepository(SecurityEventEntity);
    const old = Date.now() - 3600_000;
    await events.insert(
      Array.from({ length: 1200 }, (_, i) => ({
        id: randomUUID(),
        userId: user.userId,
        type: 'login' as const,
        ip: '10.0.0.1',
        userAgent: 'bulk',
        details: null,
        createdAt: new Date(old + i),
      })),
    );

    const response = await t.http
      .get(EXPORT)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', await stepUp(t, user))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^application\/json/);
    assert.match(response.headers['content-disposition'], /^attachment; filename="profile-export-\d{4}-\d{2}-\d{2}\.json"$/);
    const text = response.body as string;
    const document = JSON.parse(text) as {
      profile: { id: string; email: string };
      sessions: Array<{ id: string; current: boolean }>;
      securityEvents: Array<{ type: string }>;
      secondFactors: { totp: unknown; recoveryCodes: unknown };
    };
    assert.equal(document.profile.id, user.userId);
    assert.deepEqual(
      document.sessions.map((s) => s.id).sort(),
      [user, other].map((s) => JSON.parse(Buffer.from(s.accessToken.split('.')[1], 'base64url').toString()).sid).sort(),
    );
    assert.equal(document.sessions.filter((s) => s.current).length, 1);
    assert.ok(document.securityEvents.length >= 1200 + 3);
    assert.ok(document.securityEvents.some((event) => event.type === 'data_exported'));
    assert.deepEqual(document.secondFactors, { totp: null, passkeys: [], recoveryCodes: null });
    for (const secret of [
      user.refreshToken,
      other.refreshToken,
      user.accessToken,
      user.password,
      '$2b$',
      'passwordHash',
      'password_hash',
      'tokenHash',
      stranger.email,
      'Stranger Danger',
    ]) {
      assert.ok(!text.includes(secret), `the export holds ${secret.slice(0, 12)}…`);
    }
  });

  it('is limited per account (EXPORT_RATE_LIMIT)', async () => {
    const user = await registerAndLogin(t);
    const stepUpToken = await stepUp(t, user);
    for (let i = 0; i < 3; i++)
      assert.equal((await t.http.get(EXPORT).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', stepUpToken)).status, 200);
    assertError(await t.http.get(EXPORT).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', stepUpToken), 429, 'TOO_MANY_REQUESTS');
  });
});

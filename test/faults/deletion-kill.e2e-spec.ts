import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ChildService, startChildService } from '../helpers/child-service';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { freePort, linkToken as tokenIn, readOutbox } from '../helpers/test-app';

const ME = '/api/auth/users/me';

/**
 * A deletion with a grace period under SIGKILL (the real main.ts): the schedule and its mail job commit together,
 * so a process killed anywhere around the request leaves either nothing scheduled, or a scheduled deletion whose
 * mail (with its cancel link) is sent after the restart.
 */
describe('the process killed between scheduling a deletion and its mail', { timeout: 180_000 }, () => {
  let service: ChildService | undefined;
  const env = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-deletion-kill-')),
    BCRYPT_COST: '4',
    AUTH_RATE_LIMIT_IP: '100000/15m',
    ACCOUNT_DELETION_GRACE: '14d',
    OUTBOX_CLAIM_TTL: '1s',
  };
  after(async () => {
    await service?.stop();
  });
  const call = async (path: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service!.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const kill = async () => {
    await service!.kill();
    service = undefined;
  };
  const mailsAbout = (email: string) =>
    readOutbox(env.DATA_DIR).filter((mail) => mail.to.toLowerCase() === email.toLowerCase() && /will be deleted/.test(mail.subject));

  it('leaves nothing scheduled, or a scheduled deletion with its mail sent', async () => {
    const port = await freePort();
    service = await startChildService(port, env);
    const outcomes: string[] = [];
    for (const afterMs of [0, 3, 10, 30, 100]) {
      const email = uniqueEmail('deletion-kill');
      assert.equal((await call('/api/auth/register', 'POST', { email, password: STRONG_PASSWORD })).status, 201);
      const signedIn = await call('/api/auth/login', 'POST', { email, password: STRONG_PASSWORD });
      const bearer = { authorization: `Bearer ${signedIn.body.accessToken as string}` };
      const stepped = await call('/api/auth/step-up', 'POST', { password: STRONG_PASSWORD }, bearer);
      const sent = fetch(`${service.url}${ME}`, { method: 'DELETE', headers: { ...bearer, 'x-step-up-token': stepped.body.stepUpToken as string } }).catch(
        () => null,
      );
      await delay(afterMs);
      await kill();
      await sent;
      service = await startChildService(port, env);
      const again = await call('/api/auth/login', 'POST', { email, password: STRONG_PASSWORD });
      assert.equal(again.status, 200, 'the account is there during the grace either way');
      const profile = await call(ME, 'GET', undefined, { authorization: `Bearer ${again.body.accessToken as string}` });
      const scheduled = profile.body.deletionScheduled !== null;
      if (scheduled) {
        // A mail job the killed process had claimed waits out OUTBOX_CLAIM_TTL, then the next poll (5 s) sends it.
        for (let i = 0; i < 300 && mailsAbout(email).length === 0; i++) await delay(50);
        // At least once: a job killed after its send and before it was marked done is sent again, and the link of
        // the last mail is one that works (the token is stored only after its mail went out).
        const mails = mailsAbout(email);
        assert.ok(mails.length >= 1, `kill ${afterMs} ms after the request: scheduled, so its mail went out`);
        const cancelled = await call('/api/auth/deletion/cancel', 'POST', { token: tokenIn(mails[mails.length - 1], 'cancel-deletion') });
        assert.equal(cancelled.status, 204, 'the mailed link keeps the account');
      } else {
        await delay(500);
        assert.equal(mailsAbout(email).length, 0, `kill ${afterMs} ms after the request: nothing scheduled, no mail`);
      }
      outcomes.push(`${afterMs} ms: ${scheduled ? 'scheduled, mailed' : 'nothing scheduled'}`);
    }
    console.log(`# deletion kill outcomes: ${outcomes.join('; ')}`);
  });
});

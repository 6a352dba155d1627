import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SignedIn, assertError, registerAndLogin, stepUp, uniqueEmail } from '../helpers/factories';
import { type TestApp, linkToken, readOutbox, startTestApp, waitForMailJobs, waitForOutboxMail } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('verification links that can be sent again', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ EMAIL_RATE_LIMIT: '3/1h' });
  });
  after(() => t.close());

  const mailsTo = (address: string) => readOutbox(t.dataDir).filter((mail) => mail.to.toLowerCase() === address.toLowerCase());
  const verify = (token: string) => t.http.post('/api/auth/email/verify').send({ token });

  it('resends the registration link for an unverified address only, with the same 202 for every address', async () => {
    const user = await registerAndLogin(t);
    const first = linkToken(mailsTo(user.email).pop()!);
    assert.match(mailsTo(user.email).pop()!.raw, /\/api\/docs/, 'the footer links to APP_URL (default: the Swagger UI), a page that exists');
    for (const email of [user.email, uniqueEmail('nobody')]) {
      const response = await t.http.post('/api/auth/email/resend').send({ email });
      assert.equal(response.status, 202);
      assert.deepEqual(response.body, { success: true });
    }
    // The mail job sends it just after the answer.
    await waitForOutboxMail(t.dataDir, (mail) => mail.to.toLowerCase() === user.email.toLowerCase() && linkToken(mail) !== first);
    const second = linkToken(mailsTo(user.email).pop()!);
    assert.notEqual(second, first);
    assertError(await verify(first), 400, 'EMAIL_TOKEN_INVALID');
    assert.equal((await verify(second)).status, 200);
    assertError(await t.http.post('/api/auth/email/resend').send({ email: user.email }), 429, 'TOO_MANY_REQUESTS');

    const verified = await registerAndLogin(t);
    assert.equal((await verify(linkToken(mailsTo(verified.email).pop()!))).status, 200);
    const before = mailsTo(verified.email).length;
    assert.equal((await t.http.post('/api/auth/email/resend').send({ email: verified.email })).status, 202);
    await waitForMailJobs(t);
    assert.equal(mailsTo(verified.email).length, before, 'nothing is sent to a verified address');
  });

  it('resends a pending change’s link (the old one stops working), 404 when nothing is pending, under EMAIL_RATE_LIMIT', async () => {
    const user: SignedIn = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    assertError(await t.http.post(`${ME}/email/pending/resend`).set('Authorization', bearer), 404, 'NOT_FOUND');
    const target = uniqueEmail('target');
    assert.equal(
      (
        await t.http
          .put(`${ME}/email`)
          .set('Authorization', bearer)
          .set('X-Step-Up-Token', await stepUp(t, user))
          .send({ email: target })
      ).status,
      202,
    );
    const first = linkToken(mailsTo(target).pop()!);
    assert.equal((await t.http.post(`${ME}/email/pending/resend`).set('Authorization', bearer)).status, 202);
    const second = linkToken(mailsTo(target).pop()!);
    assertError(await verify(first), 400, 'EMAIL_TOKEN_INVALID');
    assert.equal((await t.http.post(`${ME}/email/pending/resend`).set('Authorization', bearer)).status, 202);
    assertError(await t.http.post(`${ME}/email/pending/resend`).set('Authorization', bearer), 429, 'TOO_MANY_REQUESTS');
    const third = linkToken(mailsTo(target).pop()!);
    assertError(await verify(second), 400, 'EMAIL_TOKEN_INVALID');
    const applied = await verify(third);
    assert.equal(applied.status, 200);
    assert.equal(applied.body.email.toLowerCase(), target.toLowerCase());
  });
});

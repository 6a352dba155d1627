import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertError, registerUser } from '../helpers/factories';
import { type TestApp, linkToken, readOutbox, startTestApp } from '../helpers/test-app';

describe('email link tokens expire', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ EMAIL_TOKEN_TTL: '1s' });
  });
  after(() => t.close());

  it('refuses a verification token after EMAIL_TOKEN_TTL', async () => {
    const { email } = await registerUser(t);
    const mail = readOutbox(t.dataDir).find((m) => m.to.toLowerCase() === email.toLowerCase());
    assert.ok(mail);
    await sleep(1500);
    assertError(await t.http.post('/api/auth/email/verify').send({ token: linkToken(mail) }), 400, 'EMAIL_TOKEN_INVALID');
  });
});

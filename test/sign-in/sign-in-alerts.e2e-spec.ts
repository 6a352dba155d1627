import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deviceOf } from '../../src/auth/sessions/sign-in-alerts.service';
import { registerUser } from '../helpers/factories';
import { type TestApp, readOutbox, startTestApp } from '../helpers/test-app';

const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CHROME_LINUX_NEWER = CHROME_LINUX.replace('131.0.0.0', '132.0.0.0');

describe('new sign-in alerts (NEW_SIGNIN_ALERTS)', () => {
  let t: TestApp;
  before(async () => {
    // TRUST_PROXY lets the test choose the client address.
    t = await startTestApp({ TRUST_PROXY: 'true' });
  });
  after(() => t.close());

  const alerts = (email: string) => readOutbox(t.dataDir).filter((mail) => mail.to.toLowerCase() === email.toLowerCase() && /New sign-in/.test(mail.subject));
  const signIn = async (email: string, password: string, userAgent: string, ip: string) => {
    const response = await t.http.post('/api/auth/login').set('User-Agent', userAgent).set('X-Forwarded-For', ip).send({ email, password });
    assert.equal(response.status, 200);
    return response.body as { accessToken: string };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('mails the owner when a browser and address not seen in 90 days sign in, and only then', async () => {
    const { email, password } = await registerUser(t);
    await signIn(email, password, CHROME_LINUX, '198.51.100.1');
    await settle();
    assert.equal(alerts(email).length, 0, 'the first sign-in alerts nobody');
    await signIn(email, password, CHROME_LINUX_NEWER, '198.51.100.1');
    await settle();
    assert.equal(alerts(email).length, 0, 'a browser update is the same browser');
    await signIn(email, password, FIREFOX_MAC, '203.0.113.9');
    await settle();
    const [alert] = alerts(email);
    assert.ok(alert, 'a new browser and address are announced');
    const text = alert.raw.replace(/=\r?\n/g, '');
    assert.match(text, /Firefox on macOS/);
    assert.match(text, /203\.0\.113\.9/);
    assert.match(text, /DELETE \/api\/auth\/users\/me\/sessions\//);
    await signIn(email, password, FIREFOX_MAC, '203.0.113.9');
    await settle();
    assert.equal(alerts(email).length, 1, 'once seen, it is known');
  });

  it('describes devices the way people recognise them', () => {
    assert.deepEqual(deviceOf(CHROME_LINUX), { browser: 'Chrome', os: 'Linux' });
    assert.deepEqual(deviceOf(FIREFOX_MAC), { browser: 'Firefox', os: 'macOS' });
    assert.deepEqual(deviceOf(null), { browser: null, os: null });
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { launchChromium, noChromium } from '../helpers/browser';
import { Secret, TOTP } from 'otpauth';
import { registerAndLogin, registerUser } from '../helpers/factories';
import { solid } from '../helpers/images';
import { type TestApp, freePort, startTestApp } from '../helpers/test-app';

const skip = noChromium('the Swagger UI browser test');

/** Opens an operation, presses "Try it out" (with a body when given) and "Execute"; the status it shows. */
async function tryOut(operation: Locator, body?: string): Promise<string | undefined> {
  await operation.locator('.opblock-summary').first().click();
  await operation.locator('button.try-out__btn').click();
  if (body !== undefined) await operation.locator('textarea.body-param__text').fill(body);
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 10_000 });
  return (await status.textContent())?.trim();
}

describe('Swagger UI in a real browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  before(async () => {
    // Swagger UI calls the document's server, PUBLIC_URL: the app must know its own address before it starts.
    const port = await freePort();
    t = await startTestApp({ PUBLIC_URL: `http://127.0.0.1:${port}` }, { port });
    baseUrl = t.url;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('authorizes with a bearer token and executes GET /api/auth/users/me', async () => {
    const user = await registerAndLogin(t);
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(`${baseUrl.replace('[::1]', '127.0.0.1')}/api/docs`);
    await page.locator('button.authorize').first().click();
    await page.locator('.auth-container').first().locator('input').first().fill(user.accessToken);
    await page.locator('.auth-container').first().locator('button.authorize').click();
    await page.locator('.btn-done, button.close-modal').first().click();
    const operation = page.locator('#operations-profile-getMyProfile');
    assert.equal(await tryOut(operation), '200');
    assert.match((await operation.locator('.live-responses-table .microlight').first().textContent()) ?? '', new RegExp(user.userId));
    assert.deepEqual(blocked, [], 'Swagger UI runs under the Content-Security-Policy');
  });

  it('signs in through the UI without that sign-in authorizing anything: only Authorize does', async () => {
    const { email, password } = await registerUser(t);
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/api/docs`);
    assert.equal(await tryOut(page.locator('#operations-auth-signIn'), JSON.stringify({ email, password })), '200');
    assert.equal(await tryOut(page.locator('#operations-profile-getMyProfile')), '401', "no cookie from the UI's own login was sent");
  });

  it('turns on an authenticator app and signs in with it, all through the UI', async () => {
    const { email, password } = await registerUser(t);
    let page = await browser.newPage();
    await page.goto(`${baseUrl}/api/docs`);
    // Each operation is tried once per page (a second try-out of one would read its earlier answer).
    const answer = async (id: string, body?: string) => {
      const operation = page.locator(`#operations-${id}`);
      const status = await tryOut(operation, body);
      const text = (await operation.locator('.live-responses-table .microlight').first().textContent()) ?? '';
      await operation.locator('.opblock-summary').first().click();
      return { status, body: JSON.parse(text) as Record<string, unknown> };
    };
    const authorize = async (scheme: string, value: string) => {
      await page.locator('button.authorize').first().click();
      const container = page.locator('.auth-container').filter({ hasText: scheme });
      await container.locator('input').first().fill(value);
      await container.locator('button.authorize').click();
      await page.locator('.btn-done, button.close-modal').first().click();
    };

    const signedIn = await answer('auth-signIn', JSON.stringify({ email, password }));
    assert.equal(signedIn.status, '200');
    await authorize('bearer', String(signedIn.body.accessToken));
    const stepped = await answer('auth-reauthenticate', JSON.stringify({ password }));
    assert.equal(stepped.status, '200');
    await authorize('X-Step-Up-Token', String(stepped.body.stepUpToken));
    const started = await answer('factors-startTotp');
    assert.equal(started.status, '200', JSON.stringify(started.body));
    const totp = new TOTP({ secret: Secret.fromBase32(String(started.body.secret)) });
    const confirmed = await answer('factors-confirmTotp', JSON.stringify({ code: totp.generate() }));
    assert.equal(confirmed.status, '200', JSON.stringify(confirmed.body));
    assert.equal((confirmed.body.recoveryCodes as string[]).length, 10);

    page = await browser.newPage();
    await page.goto(`${baseUrl}/api/docs`);
    const pending = await answer('auth-signIn', JSON.stringify({ email, password }));
    assert.equal(pending.body.mfaRequired, true);
    // The next step's code: the one that confirmed is used up.
    const completed = await answer(
      'auth-completeSignIn',
      JSON.stringify({ mfaToken: pending.body.mfaToken, code: totp.generate({ timestamp: Date.now() + 30_000 }) }),
    );
    assert.equal(completed.status, '200', JSON.stringify(completed.body));
    assert.ok(completed.body.accessToken);
  });

  it('shows an avatar on a page of another origin', async () => {
    const user = await registerAndLogin(t);
    const uploaded = await t.http
      .put('/api/auth/users/me/avatar')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .attach('file', await solid(90, 90, 'png'), 'a.png');
    assert.equal(uploaded.status, 200);
    const src = `${t.url}${new URL(uploaded.body.avatar.url).pathname}`;
    // Another origin (another port): a front end that shows its users' avatars.
    const site = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(`<img id="avatar" src="${src}">`));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
      // Expressions as strings: the test is compiled without the DOM's types.
      await page.waitForFunction('document.getElementById("avatar").complete', undefined, { timeout: 10_000 });
      const width = await page.evaluate('document.getElementById("avatar").naturalWidth');
      assert.equal(width, 512, 'the browser displayed the avatar');
    } finally {
      site.close();
    }
  });
});

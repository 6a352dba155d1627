import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium, noChromium } from '../helpers/browser';
import { type SignedIn, registerAndLogin } from '../helpers/factories';
import { type TestApp, freePort, startTestApp } from '../helpers/test-app';

const skip = noChromium('the passkey browser test');

// The package's own browser bundle (not in its `exports`: found from its main file).
const BUNDLE = join(dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist/bundle/index.umd.min.js');

/**
 * The front end of the test: a page on its own origin that calls the service with fetch (CORS, bearer
 * tokens) and the browser's WebAuthn through `@simplewebauthn/browser`, as the README's snippet does.
 */
const PAGE = (api: string) => `<!doctype html><meta charset="utf-8"><title>passkeys</title>
<script src="/simplewebauthn-browser.js"></script>
<script>
const api = ${JSON.stringify(api)};
const { startRegistration, startAuthentication } = SimpleWebAuthnBrowser;
async function call(path, body, headers = {}) {
  const response = await fetch(api + path, { method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body ?? {}) });
  return { status: response.status, body: await response.json().catch(() => null) };
}
window.addPasskey = async (accessToken, password, name) => {
  const bearer = { Authorization: 'Bearer ' + accessToken };
  const stepped = await call('/api/auth/step-up', { password }, bearer);
  const headers = { ...bearer, 'X-Step-Up-Token': stepped.body.stepUpToken };
  const options = await call('/api/auth/users/me/factors/passkeys/options', {}, headers);
  const credential = await startRegistration({ optionsJSON: options.body });
  return call('/api/auth/users/me/factors/passkeys', { name, credential }, headers);
};
window.signInWithPasskey = async () => {
  const options = await call('/api/auth/passkeys/options');
  const credential = await startAuthentication({ optionsJSON: options.body });
  return call('/api/auth/passkeys/login', { credential });
};
window.completeSignIn = async (mfaToken) => {
  const options = await call('/api/auth/login/mfa/passkey/options', { mfaToken });
  const credential = await startAuthentication({ optionsJSON: options.body });
  return call('/api/auth/login/mfa/passkey', { mfaToken, credential });
};
window.stepUpWithPasskey = async (accessToken) => {
  const bearer = { Authorization: 'Bearer ' + accessToken };
  const options = await call('/api/auth/step-up/passkey/options', {}, bearer);
  const credential = await startAuthentication({ optionsJSON: options.body });
  return call('/api/auth/step-up/passkey', { credential }, bearer);
};
</script>`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

function claimsOf(jwt: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(jwt).split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A platform authenticator with resident keys and user verification, as CDP's WebAuthn domain offers. */
async function addAuthenticator(cdp: CDPSession): Promise<string> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

describe('passkeys in a real browser (Chromium, CDP virtual authenticator)', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let user: SignedIn;

  before(async () => {
    const sitePort = await freePort();
    const origin = `http://localhost:${sitePort}`;
    t = await startTestApp({ WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin, CORS_ORIGINS: origin });
    const bundle = readFileSync(BUNDLE);
    site = createServer((request, response) => {
      if (request.url === '/simplewebauthn-browser.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE(t.url));
    });
    await new Promise<void>((resolve) => site.listen(sitePort, resolve));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${origin}/`);
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    authenticatorId = await addAuthenticator(cdp);
    user = await registerAndLogin(t);
  });
  after(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  // Expressions as strings: the test is compiled without the DOM's types.
  const run = (expression: string) => page.evaluate<Answer>(expression);

  it('registers a passkey from the page, as a resident credential of this rp id', async () => {
    const added = await run(`addPasskey(${JSON.stringify(user.accessToken)}, ${JSON.stringify(user.password)}, 'This browser')`);
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal((added.body.passkey as { name: string }).name, 'This browser');
    assert.equal((added.body.recoveryCodes as string[]).length, 10);
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] };
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].isResidentCredential, true);
    assert.equal(credentials[0].rpId, 'localhost');
  });

  it('signs in with the passkey alone, no password, user verified', async () => {
    const signedIn = await run('signInWithPasskey()');
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal((signedIn.body.user as { id: string }).id, user.userId);
    assert.deepEqual(claimsOf(signedIn.body.accessToken).amr, ['hwk', 'user']);
  });

  it('completes a password sign-in with the passkey as its second factor', async () => {
    const pending = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    assert.equal(pending.body.mfaRequired, true);
    assert.deepEqual(pending.body.methods, ['passkey', 'recovery_code']);
    const done = await run(`completeSignIn(${JSON.stringify(pending.body.mfaToken)})`);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(claimsOf(done.body.accessToken).amr, ['pwd', 'hwk', 'user', 'mfa']);
  });

  it('steps up with the passkey on its own', async () => {
    const stepped = await run(`stepUpWithPasskey(${JSON.stringify(user.accessToken)})`);
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    assert.deepEqual(claimsOf(stepped.body.stepUpToken).amr, ['hwk', 'user']);
    const exported = await t.http
      .get('/api/auth/users/me/export')
      .set({ Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': String(stepped.body.stepUpToken) });
    assert.equal(exported.status, 200, 'the step-up token opens a step-up route');
    assert.equal(exported.body.secondFactors.passkeys.length, 1);
  });

  it('refuses a clone of the credential whose signature counter is behind', async () => {
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] };
    const original = credentials[0];
    assert.ok(original.signCount >= 3, `the authenticator counted its signatures (${original.signCount})`);
    // The same private key in another authenticator, its counter back at zero.
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    authenticatorId = await addAuthenticator(cdp);
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: 0 } });
    const refused = await run('signInWithPasskey()');
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'INVALID_CREDENTIALS');
    // The genuine counter still works.
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    authenticatorId = await addAuthenticator(cdp);
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: original });
    assert.equal((await run('signInWithPasskey()')).status, 200);
  });
});

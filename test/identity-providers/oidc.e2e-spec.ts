import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Secret, TOTP } from 'otpauth';
import type { DataSource } from 'typeorm';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { OidcFlowEntity } from '../../src/identity-providers/oidc/oidc-flow.entity';
import { SecurityEventEntity } from '../../src/users/security-event.entity';
import { UserIdentitiesRepository } from '../../src/users/user-identities.repository';
import { UserIdentityEntity } from '../../src/users/user-identity.entity';
import { UserEntity } from '../../src/users/user.entity';
import { OTHER_STRONG_PASSWORD, assertError, cookieNamed, registerAndLogin, setCookies, stepUp, uniqueEmail } from '../helpers/factories';
import { type ProviderAccount, TestOidcProvider } from '../helpers/oidc-provider';
import { type TestApp, linkToken, readOutbox, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const AFTER = 'https://app.example/after';

type Response = Awaited<ReturnType<TestApp['http']['get']>>;

/** `name=value` of a Set-Cookie line, as a browser would send it back. */
function cookiePair(cookies: string[], name: string): string {
  const line = cookieNamed(cookies, name);
  assert.ok(line, `no ${name} cookie in ${JSON.stringify(cookies)}`);
  return line.split(';')[0];
}

function location(response: Response): URL {
  assert.equal(response.status, 302, JSON.stringify(response.body));
  return new URL(response.headers.location);
}

describe('OpenID Connect: sign-in, link, unlink and step-up with a real provider', () => {
  let t: TestApp;
  let acme: TestOidcProvider;
  let globex: TestOidcProvider;
  let db: DataSource;
  const profileUpdates: Array<{ userId: string; changed: string[] }> = [];

  before(async () => {
    acme = await new TestOidcProvider('profileAtAcme').start();
    globex = await new TestOidcProvider('profileAtGlobex').start();
    t = await startTestApp({
      OIDC_PROVIDERS: JSON.stringify([
        { id: 'acme', name: 'Acme ID', issuer: acme.issuer, clientId: acme.clientId, clientSecret: 'acme-secret' },
        { id: 'globex', issuer: globex.issuer, clientId: globex.clientId, clientSecret: 'globex-secret', scopes: ['email'] },
        // Nothing listens on port 1: discovery fails.
        { id: 'down', issuer: 'http://127.0.0.1:1', clientId: 'profile' },
      ]),
      OIDC_REDIRECT_ALLOWLIST: `${AFTER}, https://admin.example:8443/`,
      // Every browser here is one loopback IP; the per-IP limit has its own tests.
      AUTH_RATE_LIMIT_IP: '10000/15m',
    });
    db = t.db;
    t.app.get(EventEmitter2).on('profile.updated', (payload: { userId: string; changed: string[] }) => profileUpdates.push(payload));
  });
  after(async () => {
    await t.close();
    await acme.stop();
    await globex.stop();
  });

  function account(overrides: Partial<ProviderAccount> = {}): Required<Pick<ProviderAccount, 'sub' | 'email'>> & ProviderAccount {
    return { sub: `sub-${randomUUID()}`, email: uniqueEmail('oidc').toLowerCase(), email_verified: true, name: 'Grace Hopper', ...overrides };
  }

  /** A browser: starts the sign-in here, logs in at the provider, and comes back to the callback with its flow cookie. */
  async function signIn(provider: TestOidcProvider, providerId: string, who: ProviderAccount, redirect = `${AFTER}/home?tab=1`) {
    provider.signInAs(who);
    const start = await t.http.get(`/api/auth/oidc/${providerId}/login`).query({ redirect });
    const flowCookie = cookiePair(setCookies(start.headers), 'oidc_flow');
    const callback = await provider.authorize(location(start).toString());
    const done = await t.http.get(callback.pathname + callback.search).set('Cookie', flowCookie);
    return { start, callback, flowCookie, done, next: location(done), cookies: setCookies(done.headers) };
  }

  /** Signs in (creating the account) and returns what the browser holds afterwards. */
  async function providerUser(who = account()) {
    const { next, cookies } = await signIn(acme, 'acme', who);
    assert.equal(next.searchParams.get('error'), null, next.toString());
    const accessCookie = cookiePair(cookies, 'access_token');
    const me = await t.http.get(ME).set('Cookie', accessCookie);
    assert.equal(me.status, 200);
    return { who, accessCookie, accessToken: accessCookie.slice('access_token='.length), userId: me.body.id as string, profile: me.body };
  }

  /** Starts a flow from an authenticated POST, completes it at the provider, and follows the callback. */
  async function authenticatedFlow(path: string, provider: TestOidcProvider, who: ProviderAccount, headers: Record<string, string>, body: object = {}) {
    const start = await t.http.post(path).set(headers).send(body);
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const flowCookie = cookiePair(setCookies(start.headers), 'oidc_flow');
    provider.signInAs(who);
    const callback = await provider.authorize(start.body.authorizationUrl);
    const done = await t.http.get(callback.pathname + callback.search).set('Cookie', flowCookie);
    return { start, done, next: location(done), cookies: setCookies(done.headers) };
  }

  async function stepUpWithProvider(accessCookie: string, who: ProviderAccount, provider = acme, providerId = 'acme') {
    const flow = await authenticatedFlow(`/api/auth/step-up/oidc/${providerId}`, provider, who, { Cookie: accessCookie });
    return { ...flow, stepUpCookie: cookieNamed(flow.cookies, 'step_up_token')?.split(';')[0] };
  }

  it('lists the configured providers for a login page', async () => {
    const response = await t.http.get('/api/auth/oidc/providers');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, [
      { id: 'acme', name: 'Acme ID' },
      { id: 'globex', name: 'globex' },
      { id: 'down', name: 'down' },
    ]);
  });

  it('starts the sign-in with PKCE S256, state, nonce and a Lax flow cookie', async () => {
    const start = await t.http.get('/api/auth/oidc/acme/login').query({ redirect: AFTER });
    const url = location(start);
    assert.equal(url.origin, acme.issuer);
    const query = url.searchParams;
    assert.equal(query.get('response_type'), 'code');
    assert.equal(query.get('client_id'), acme.clientId);
    assert.equal(query.get('code_challenge_method'), 'S256');
    assert.match(query.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(query.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((query.get('nonce') ?? '').length >= 32);
    assert.equal(query.get('scope'), 'openid email profile');
    assert.match(query.get('redirect_uri') ?? '', /\/api\/auth\/oidc\/acme\/callback$/);
    assert.equal(query.get('prompt'), null);
    const cookie = cookieNamed(setCookies(start.headers), 'oidc_flow') ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\/api\/auth(;|$)/);
    assert.equal(start.headers['cache-control'], 'no-store');
    // The state is stored hashed, never as it travels.
    assert.equal(await db.getRepository(OidcFlowEntity).countBy({ stateHash: query.get('state') as string }), 0);
  });

  it('creates an account for a new identity with a verified, unused address, and signs it in', async () => {
    const who = account();
    const { next, cookies } = await signIn(acme, 'acme', who);
    assert.equal(next.toString(), `${AFTER}/home?tab=1`);
    for (const name of ['access_token', 'refresh_token'])
      assert.match(cookieNamed(cookies, name) ?? '', /HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/i);
    const me = await t.http.get(ME).set('Cookie', cookiePair(cookies, 'access_token'));
    assert.equal(me.status, 200);
    assert.equal(me.body.email, who.email);
    assert.equal(me.body.emailVerified, true);
    assert.equal(me.body.displayName, 'Grace Hopper');
    assert.equal(me.body.identityProviders.length, 1);
    assert.equal(me.body.identityProviders[0].provider, 'acme');
    assert.equal(me.body.identityProviders[0].email, who.email);
    assert.ok(!Number.isNaN(Date.parse(me.body.identityProviders[0].connectedAt)));
    // The refresh cookie works like a password login's.
    const refreshed = await t.http.post('/api/auth/refresh').set('Cookie', cookiePair(cookies, 'refresh_token')).send({});
    assert.equal(refreshed.status, 200);
    assert.deepEqual(refreshed.body.user.identityProviders, me.body.identityProviders);
    const events = await db.getRepository(SecurityEventEntity).findBy({ userId: me.body.id });
    assert.ok(events.some((event) => event.type === 'provider_signup'));
    assert.deepEqual([me.body.locale, me.body.timezone], ['en', 'UTC'], 'no locale or zoneinfo claim: the defaults');
  });

  it('takes a new account’s language and zone from the standard locale and zoneinfo claims, when they are valid', async () => {
    for (const [claims, expected] of [
      [{ locale: 'de_AT', zoneinfo: 'Europe/Vienna' }, ['de-AT', 'Europe/Vienna']],
      [{ locale: 'not a tag', zoneinfo: 'Mars/Olympus' }, ['en', 'UTC']],
    ] as const) {
      const { cookies } = await signIn(acme, 'acme', { ...account(), ...claims });
      const me = await t.http.get(ME).set('Cookie', cookiePair(cookies, 'access_token'));
      assert.deepEqual([me.body.locale, me.body.timezone], expected, JSON.stringify(claims));
    }
  });

  it('signs a returning identity in to the same account, even after its address changed at the provider', async () => {
    const first = await providerUser();
    const again = await signIn(acme, 'acme', { ...first.who, email: uniqueEmail('moved') });
    const me = await t.http.get(ME).set('Cookie', cookiePair(again.cookies, 'access_token'));
    assert.equal(me.body.id, first.userId);
    assert.equal(me.body.email, first.who.email);
    const sessions = await t.http.get(`${ME}/sessions`).set('Cookie', cookiePair(again.cookies, 'access_token'));
    assert.equal(sessions.body.length, 2);
    const events = await db.getRepository(SecurityEventEntity).findBy({ userId: first.userId, type: 'provider_login' });
    assert.equal(events.length, 1);
  });

  /** An account whose address is verified (the registration link followed). */
  async function verifiedUser() {
    const user = await registerAndLogin(t);
    const mail = readOutbox(t.dataDir)
      .filter((m) => m.to.toLowerCase() === user.email.toLowerCase())
      .pop()!;
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(mail) })).status, 200);
    return user;
  }

  it('never links an identity to an existing account by its email: refused, and the owner is mailed', async () => {
    const owner = await verifiedUser();
    const who = account({ email: owner.email.toUpperCase() });
    const { next, cookies } = await signIn(acme, 'acme', who);
    assert.equal(next.searchParams.get('error'), 'account_exists');
    assert.equal(next.origin + next.pathname, `${AFTER}/home`);
    assert.equal(cookieNamed(cookies, 'access_token'), undefined);
    assert.equal(await db.getRepository(UserIdentityEntity).countBy({ subject: who.sub }), 0);
    const mail = readOutbox(t.dataDir).filter((m) => m.to.toLowerCase() === owner.email.toLowerCase());
    assert.ok(
      mail.some((m) => /tried to sign in with Acme ID/.test(m.subject)),
      JSON.stringify(mail.map((m) => m.subject)),
    );
  });

  it('replaces an unverified registration of the address (a squatter) with the account of the provider that proves it', async () => {
    const squatter = await registerAndLogin(t);
    const who = account({ email: squatter.email.toLowerCase() });
    const { next, cookies } = await signIn(acme, 'acme', who);
    assert.equal(next.searchParams.get('error'), null, next.toString());
    assert.ok(cookieNamed(cookies, 'access_token'));
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${squatter.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/login').send({ email: squatter.email, password: squatter.password }), 401, 'INVALID_CREDENTIALS');
    const account_ = await db.getRepository(UserEntity).findOneByOrFail({ emailNormalized: squatter.email.toLowerCase() });
    assert.notEqual(account_.id, squatter.userId);
    assert.equal(account_.emailVerified, true);
  });

  it('unlinks on an email-change undo the providers linked since that change', async () => {
    const user = await verifiedUser();
    const moved = uniqueEmail('moved');
    const change = await t.http
      .put(`${ME}/email`)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ email: moved });
    assert.equal(change.status, 202);
    const confirm = readOutbox(t.dataDir)
      .filter((m) => m.to.toLowerCase() === moved.toLowerCase())
      .pop()!;
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(confirm) })).status, 200);
    const headers = { Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(t, user) };
    const attackers = account();
    assert.equal((await authenticatedFlow(`${ME}/providers/globex`, globex, attackers, headers)).next.searchParams.get('error'), null);
    const undo = readOutbox(t.dataDir)
      .filter((m) => m.to.toLowerCase() === user.email.toLowerCase() && /address was changed/.test(m.subject))
      .pop()!;
    const reverted = await t.http.post('/api/auth/email/revert').send({ token: linkToken(undo) });
    assert.equal(reverted.status, 200);
    assert.deepEqual(reverted.body.identityProviders, []);
    assert.equal(await db.getRepository(UserIdentityEntity).countBy({ subject: attackers.sub }), 0);
    // Signing in with it now makes an account of its own: it no longer reaches the owner's.
    await signIn(globex, 'globex', attackers);
    const identity = await db.getRepository(UserIdentityEntity).findOneBy({ subject: attackers.sub });
    assert.notEqual(identity?.userId, user.userId);
  });

  it('creates no account from an unverified or missing address', async () => {
    const accounts: ProviderAccount[] = [account({ email_verified: false }), account({ email_verified: undefined }), { sub: `sub-${randomUUID()}` }];
    for (const who of accounts) {
      const { next, cookies } = await signIn(acme, 'acme', who);
      assert.equal(next.searchParams.get('error'), 'email_not_verified');
      assert.equal(cookieNamed(cookies, 'access_token'), undefined);
      if (who.email) assert.equal(await db.getRepository(UserEntity).countBy({ emailNormalized: who.email }), 0);
    }
  });

  it('links a provider after a step-up, mails the owner, and the identity then signs in to that account', async () => {
    const user = await registerAndLogin(t);
    const headers = { Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(t, user) };
    assertError(await t.http.post(`${ME}/providers/globex`).set('Authorization', `Bearer ${user.accessToken}`).send({}), 401, 'STEP_UP_REQUIRED');
    const who = account();
    const linked = await authenticatedFlow(`${ME}/providers/globex`, globex, who, headers, { redirect: `${AFTER}/settings` });
    assert.equal(linked.next.toString(), `${AFTER}/settings`);
    assert.equal(cookieNamed(linked.cookies, 'access_token'), undefined);
    const me = await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`);
    assert.deepEqual(
      me.body.identityProviders.map((p: { provider: string }) => p.provider),
      ['password', 'globex'],
    );
    assert.ok(readOutbox(t.dataDir).some((m) => m.to.toLowerCase() === user.email.toLowerCase() && /globex can now sign in/.test(m.subject)));
    assertError(await t.http.post(`${ME}/providers/globex`).set(headers).send({}), 409, 'PROVIDER_ALREADY_LINKED');
    assert.equal(await db.getRepository(SecurityEventEntity).countBy({ userId: user.userId, type: 'provider_linked' }), 1);
    assert.deepEqual(
      profileUpdates.filter((event) => event.userId === user.userId).map((event) => event.changed),
      [['identityProviders']],
    );

    const viaProvider = await signIn(globex, 'globex', who);
    const again = await t.http.get(ME).set('Cookie', cookiePair(viaProvider.cookies, 'access_token'));
    assert.equal(again.body.id, user.userId);
    // Without a redirect the browser lands on the default page.
    const defaulted = await authenticatedFlow(`${ME}/providers/acme`, acme, account(), headers);
    assert.equal(defaulted.next.toString(), 'http://localhost:3000/api/docs');
  });

  it('refuses to link an identity that belongs to another account', async () => {
    const owner = await providerUser();
    const other = await registerAndLogin(t);
    const headers = { Authorization: `Bearer ${other.accessToken}`, 'X-Step-Up-Token': await stepUp(t, other) };
    const { next } = await authenticatedFlow(`${ME}/providers/acme`, acme, owner.who, headers, { redirect: AFTER });
    assert.equal(next.searchParams.get('error'), 'identity_in_use');
    assert.equal(await db.getRepository(UserIdentityEntity).countBy({ userId: other.userId }), 0);
    const me = await t.http.get(ME).set('Authorization', `Bearer ${other.accessToken}`);
    assert.deepEqual(
      me.body.identityProviders.map((p: { provider: string }) => p.provider),
      ['password'],
    );
  });

  it('steps up through the provider (fresh auth_time), which a password-less account needs', async () => {
    const user = await providerUser();
    assertError(await t.http.post('/api/auth/step-up').set('Cookie', user.accessCookie).send({ password: OTHER_STRONG_PASSWORD }), 409, 'NO_PASSWORD');
    assertError(await t.http.post('/api/auth/step-up/oidc/globex').set('Cookie', user.accessCookie).send({}), 409, 'PROVIDER_NOT_LINKED');
    assertError(await t.http.post('/api/auth/step-up/oidc/nope').set('Cookie', user.accessCookie).send({}), 404, 'NOT_FOUND');

    const flow = await stepUpWithProvider(user.accessCookie, user.who);
    const authorizationUrl = new URL(flow.start.body.authorizationUrl);
    assert.equal(authorizationUrl.searchParams.get('prompt'), 'login');
    assert.equal(authorizationUrl.searchParams.get('max_age'), '0');
    assert.equal(flow.next.searchParams.get('error'), null);
    assert.ok(flow.stepUpCookie, 'a step_up_token cookie');
    assert.match(cookieNamed(flow.cookies, 'step_up_token') ?? '', /SameSite=Strict/i);
    const changed = await t.http
      .put(`${ME}/email`)
      .set('Cookie', `${user.accessCookie}; ${flow.stepUpCookie}`)
      .send({ email: uniqueEmail('next') });
    assert.equal(changed.status, 202, JSON.stringify(changed.body));

    // The token is bound to the session that started the flow.
    const otherSession = await signIn(acme, 'acme', user.who);
    const elsewhere = await t.http
      .put(`${ME}/email`)
      .set('Cookie', `${cookiePair(otherSession.cookies, 'access_token')}; ${flow.stepUpCookie}`)
      .send({ email: uniqueEmail('next') });
    assertError(elsewhere, 401, 'STEP_UP_REQUIRED');
  });

  it('refuses a provider step-up with an old auth_time, none at all, or another identity', async () => {
    const user = await providerUser();
    for (const [who, error] of [
      [{ ...user.who, auth_time: Math.floor(Date.now() / 1000) - 600 }, 'stale_authentication'],
      [{ ...user.who, auth_time: null }, 'stale_authentication'],
      [account(), 'identity_not_linked'],
    ] as const) {
      const flow = await stepUpWithProvider(user.accessCookie, who);
      assert.equal(flow.next.searchParams.get('error'), error);
      assert.equal(flow.stepUpCookie, undefined);
    }
  });

  it('guards the last way to sign in; a password can then be set, and the provider unlinked', async () => {
    const user = await providerUser();
    const { stepUpCookie } = await stepUpWithProvider(user.accessCookie, user.who);
    const withStepUp = `${user.accessCookie}; ${stepUpCookie}`;
    assertError(await t.http.delete(`${ME}/providers/acme`).set('Cookie', user.accessCookie), 401, 'STEP_UP_REQUIRED');
    assertError(await t.http.delete(`${ME}/providers/acme`).set('Cookie', withStepUp), 409, 'LAST_LOGIN_METHOD');
    assertError(await t.http.delete(`${ME}/providers/globex`).set('Cookie', withStepUp), 404, 'NOT_FOUND');

    const password = await t.http.put(`${ME}/password`).set('Cookie', withStepUp).send({ newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(password.status, 204, JSON.stringify(password.body));
    const unlinked = await t.http.delete(`${ME}/providers/acme`).set('Cookie', withStepUp);
    assert.equal(unlinked.status, 200, JSON.stringify(unlinked.body));
    assert.deepEqual(
      unlinked.body.identityProviders.map((p: { provider: string }) => p.provider),
      ['password'],
    );
    assert.ok(readOutbox(t.dataDir).some((m) => m.to === user.who.email && /Acme ID was removed/.test(m.subject)));
    assert.ok(readOutbox(t.dataDir).some((m) => m.to === user.who.email && /A password was added/.test(m.subject)));
    assert.equal(await db.getRepository(SecurityEventEntity).countBy({ userId: user.userId, type: 'password_set' }), 1);
    assertError(await t.http.delete(`${ME}/providers/acme`).set('Cookie', withStepUp), 404, 'NOT_FOUND');
    const events = await db.getRepository(SecurityEventEntity).findBy({ userId: user.userId, type: 'provider_unlinked' });
    assert.equal(events.length, 1);
    assert.ok(profileUpdates.some((event) => event.userId === user.userId && event.changed.includes('identityProviders')));

    // The password signs in now; the identity no longer does (its address is taken: refused, not linked).
    const login = await t.http.post('/api/auth/login').send({ email: user.who.email, password: OTHER_STRONG_PASSWORD });
    assert.equal(login.status, 200);
    const { next } = await signIn(acme, 'acme', user.who);
    assert.equal(next.searchParams.get('error'), 'account_exists');
  });

  it('of two parallel unlinks the second waits for the first and keeps the last way to sign in', async () => {
    const user = await providerUser();
    const { stepUpCookie } = await stepUpWithProvider(user.accessCookie, user.who);
    const linked = await authenticatedFlow(`${ME}/providers/globex`, globex, account(), { Cookie: `${user.accessCookie}; ${stepUpCookie}` });
    assert.equal(linked.next.searchParams.get('error'), null);
    const identities = t.app.get(UserIdentitiesRepository);
    // The first unlink's transaction stays open until `release` is called, as if its request were slow.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstDone!: (outcome: string) => void;
    const firstOutcome = new Promise<string>((resolve) => (firstDone = resolve));
    const transactions = t.app.get(TransactionRunner);
    const first = transactions.run(async (tx) => {
      firstDone(await identities.unlinkUnlessLast(user.userId, 'acme', tx));
      await held;
    });
    assert.equal(await firstOutcome, 'unlinked');
    // PostgreSQL: the second waits for the first one's lock on the user row instead of reading a stale pair.
    // SQLite: it waits because transactions run one at a time (database/sqlite-serializer.ts).
    const second = transactions.run((tx) => identities.unlinkUnlessLast(user.userId, 'globex', tx));
    assert.equal(await Promise.race([second, delay(300).then(() => 'still waiting')]), 'still waiting');
    release();
    await first;
    assert.equal(await second, 'last_login_method');
    assert.equal(await db.getRepository(UserIdentityEntity).countBy({ userId: user.userId }), 1);
  });

  it('refuses a tampered, replayed or foreign-browser state', async () => {
    const who = account();
    acme.signInAs(who);
    const start = await t.http.get('/api/auth/oidc/acme/login').query({ redirect: AFTER });
    const flowCookie = cookiePair(setCookies(start.headers), 'oidc_flow');
    const callback = await acme.authorize(location(start).toString());

    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')?.slice(0, -2)}xx`);
    const forged = location(await t.http.get(tampered.pathname + tampered.search).set('Cookie', flowCookie));
    assert.equal(forged.searchParams.get('error'), 'invalid_state');
    assert.equal(forged.origin + forged.pathname, 'http://localhost:3000/api/docs');

    const first = await t.http.get(callback.pathname + callback.search).set('Cookie', flowCookie);
    assert.equal(location(first).searchParams.get('error'), null);
    const replayed = await t.http.get(callback.pathname + callback.search).set('Cookie', flowCookie);
    assert.equal(location(replayed).searchParams.get('error'), 'invalid_state');
    assert.equal(cookieNamed(setCookies(replayed.headers), 'access_token'), undefined);

    // A callback URL finished in another browser (no flow cookie, or another one) signs nobody in.
    const victim = await t.http.get('/api/auth/oidc/acme/login').query({ redirect: AFTER });
    const pushed = await acme.authorize(location(victim).toString());
    for (const cookie of [undefined, `oidc_flow=${'A'.repeat(43)}`]) {
      const request = t.http.get(pushed.pathname + pushed.search);
      const response = cookie ? await request.set('Cookie', cookie) : await request;
      assert.equal(location(response).searchParams.get('error'), 'invalid_state');
      assert.equal(cookieNamed(setCookies(response.headers), 'access_token'), undefined);
    }
    // The flow was used up by the attempt: the rightful browser cannot finish it either.
    const late = await t.http.get(pushed.pathname + pushed.search).set('Cookie', cookiePair(setCookies(victim.headers), 'oidc_flow'));
    assert.equal(location(late).searchParams.get('error'), 'invalid_state');
  });

  it('refuses a flow that comes back after OIDC_FLOW_TTL', async () => {
    acme.signInAs(account());
    const start = await t.http.get('/api/auth/oidc/acme/login').query({ redirect: AFTER });
    const callback = await acme.authorize(location(start).toString());
    const stateHash = createHash('sha256')
      .update(callback.searchParams.get('state') as string)
      .digest('hex');
    const { affected } = await db.getRepository(OidcFlowEntity).update({ stateHash }, { expiresAt: new Date(Date.now() - 1000) });
    assert.equal(affected, 1);
    const late = await t.http.get(callback.pathname + callback.search).set('Cookie', cookiePair(setCookies(start.headers), 'oidc_flow'));
    assert.equal(location(late).searchParams.get('error'), 'invalid_state');
    assert.equal(cookieNamed(setCookies(late.headers), 'access_token'), undefined);
  });

  it('refuses an ID token with a wrong nonce, another issuer or another audience, and creates nothing', async () => {
    for (const claims of [
      { nonce: 'not-the-nonce' },
      { iss: 'https://evil.example' },
      { aud: 'someone-else' },
      { exp: Math.floor(Date.now() / 1000) - 3600 },
    ]) {
      const who = account();
      acme.tamperNextIdToken(claims);
      const { next, cookies } = await signIn(acme, 'acme', who);
      assert.equal(next.searchParams.get('error'), 'invalid_response', JSON.stringify(claims));
      assert.equal(cookieNamed(cookies, 'access_token'), undefined);
      assert.equal(await db.getRepository(UserEntity).countBy({ emailNormalized: who.email }), 0);
    }
  });

  it('refuses an identity whose subject is longer than OpenID Connect allows', async () => {
    const { next } = await signIn(acme, 'acme', account({ sub: 'x'.repeat(256) }));
    assert.equal(next.searchParams.get('error'), 'invalid_response');
  });

  it('answers 503 and starts nothing while a provider cannot be discovered', async () => {
    const flowsBefore = await db.getRepository(OidcFlowEntity).count();
    const response = await t.http.get('/api/auth/oidc/down/login').query({ redirect: AFTER });
    assertError(response, 503, 'SERVICE_UNAVAILABLE');
    assert.equal(cookieNamed(setCookies(response.headers), 'oidc_flow'), undefined);
    assert.equal(await db.getRepository(OidcFlowEntity).count(), flowsBefore);
  });

  it('passes a refusal at the provider back as error=access_denied', async () => {
    acme.refuseNextAuthorization('access_denied');
    const { next, cookies } = await signIn(acme, 'acme', account());
    assert.equal(next.searchParams.get('error'), 'access_denied');
    assert.equal(cookieNamed(cookies, 'access_token'), undefined);
  });

  it('refuses a redirect outside the allow-list before the flow starts', async () => {
    const flowsBefore = await db.getRepository(OidcFlowEntity).count();
    for (const redirect of [
      'https://evil.example/after',
      'https://app.example.evil.example/after',
      'https://app.example/afterwards',
      'https://app.example/after/../admin',
      'https://app.example/after/%2e%2e/admin',
      'http://app.example/after',
      'https://app.example:444/after',
      'https://user@app.example/after',
      '//evil.example/after',
      '/after',
      'javascript:alert(1)',
      'https://admin.example/',
    ]) {
      const response = await t.http.get('/api/auth/oidc/acme/login').query({ redirect });
      assertError(response, 400, 'VALIDATION_FAILED');
      assert.ok(response.body.details.fields.redirect, redirect);
      assert.equal(cookieNamed(setCookies(response.headers), 'oidc_flow'), undefined);
    }
    assertError(await t.http.get('/api/auth/oidc/acme/login?redirect=https://app.example/after&redirect=https://evil.example/'), 400, 'VALIDATION_FAILED');
    assert.equal(await db.getRepository(OidcFlowEntity).count(), flowsBefore);
    for (const redirect of [`${AFTER}/deeper/page?x=1`, 'https://admin.example:8443/anything']) {
      assert.equal((await t.http.get('/api/auth/oidc/acme/login').query({ redirect })).status, 302, redirect);
    }
    const user = await registerAndLogin(t);
    const headers = { Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(t, user) };
    assertError(await t.http.post(`${ME}/providers/acme`).set(headers).send({ redirect: 'https://evil.example/' }), 400, 'VALIDATION_FAILED');
    assertError(await t.http.post(`${ME}/providers/acme`).set(headers).send({ redirect: AFTER, extra: 1 }), 400, 'VALIDATION_FAILED');
  });

  it('answers 404 for an unknown provider', async () => {
    assertError(await t.http.get('/api/auth/oidc/nope/login'), 404, 'NOT_FOUND');
    const user = await registerAndLogin(t);
    const headers = { Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(t, user) };
    assertError(await t.http.post(`${ME}/providers/nope`).set(headers).send({}), 404, 'NOT_FOUND');
    const callback = await t.http.get('/api/auth/oidc/nope/callback?state=x&code=y');
    assert.equal(location(callback).searchParams.get('error'), 'invalid_state');
  });

  it('deleting a password-less account (step-up through the provider) removes its identities', async () => {
    const user = await providerUser();
    const { stepUpCookie } = await stepUpWithProvider(user.accessCookie, user.who);
    const deleted = await t.http.delete(ME).set('Cookie', `${user.accessCookie}; ${stepUpCookie}`);
    assert.equal(deleted.status, 204);
    assert.equal(await db.getRepository(UserIdentityEntity).countBy({ userId: user.userId }), 0);
    const again = await providerUser(user.who);
    assert.notEqual(again.userId, user.userId);
  });

  it('stops a provider sign-in of an account with a second factor at that factor (mfa_token cookie, error=mfa_required)', async () => {
    const user = await providerUser();
    const { stepUpCookie } = await stepUpWithProvider(user.accessCookie, user.who);
    const headers = { Cookie: `${user.accessCookie}; ${stepUpCookie}` };
    const started = await t.http.post(`${ME}/factors/totp`).set(headers);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const totp = new TOTP({ secret: Secret.fromBase32(started.body.secret), algorithm: 'SHA1', digits: 6, period: 30 });
    assert.equal((await t.http.post(`${ME}/factors/totp/confirm`).set(headers).send({ code: totp.generate() })).status, 200);

    const { next, cookies } = await signIn(acme, 'acme', user.who);
    assert.equal(next.searchParams.get('error'), 'mfa_required');
    assert.equal(cookieNamed(cookies, 'access_token'), undefined, 'no session before the second factor');
    const mfaCookie = cookieNamed(cookies, 'mfa_token') ?? '';
    assert.match(mfaCookie, /HttpOnly/i);
    assert.match(mfaCookie, /SameSite=Lax/i);
    assert.match(mfaCookie, /Path=\/api\/auth\/login/i);
    const completed = await t.http
      .post('/api/auth/login/mfa')
      .set('Cookie', mfaCookie.split(';')[0])
      .send({ code: totp.generate({ timestamp: Date.now() + 30_000 }) });
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    assert.equal(completed.body.user.id, user.userId);
    assert.match(cookieNamed(setCookies(completed.headers), 'mfa_token') ?? '', /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    // Nor does the provider alone step up: the second factor is what a step-up asks for.
    const refused = await t.http.post('/api/auth/step-up/oidc/acme').set('Cookie', user.accessCookie).send({});
    assertError(refused, 401, 'SECOND_FACTOR_REQUIRED');
    assert.deepEqual(refused.body.details.methods, ['totp', 'recovery_code']);
  });
});

import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT, calculateJwkThumbprint } from 'jose';
import { CurrentUser, ProfileAuthGuard, ProfileAuthModule, type ProfileUser } from '../../packages/nest-auth-client/src';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { type ChildService, startChildService } from '../helpers/child-service';
import { freePort } from '../helpers/test-app';

const ISSUER = 'http://localhost:3000';
const REFETCH_MS = 1000;
const MAX_AGE_MS = 1500;

@Controller('api/whoami')
@UseGuards(ProfileAuthGuard)
class WhoAmIController {
  @Get()
  whoami(@CurrentUser() user: ProfileUser): ProfileUser {
    return user;
  }
}

/**
 * An HTTP front of the test's own between the consumer and the profile service's JWKS: it counts the fetches,
 * can hold them back (a fetch in flight), and answers like a load balancer whose backend is gone (the socket is
 * dropped) while the service is stopped.
 */
class JwksFront {
  fetches = 0;
  delayMs = 0;
  target = '';
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.forward(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.fetches += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const upstream = httpRequest(`${this.target}${req.url ?? '/'}`, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.socket?.destroy());
    upstream.end();
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A well-formed ES256 access token under a key the service never had, naming a `kid` it never published. */
function forgedToken(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'ES256', typ: 'at+jwt', kid: `made-up-${randomUUID()}` })}.${part({ sub: randomUUID(), sid: randomUUID(), iss: ISSUER, aud: 'profile-service', iat: now, exp: now + 600, jti: randomUUID() })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/**
 * packages/nest-auth-client through an outage of the profile service: a consumer keeps serving valid tokens with
 * the keys it holds (stale-while-revalidate), a forged `kid` costs no fetch while one is in flight or recent, and
 * a rotated key is picked up once the service is back.
 */
describe('a consumer of the tokens while the profile service is down, and after', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-jwks-outage-'));
  const oldKey = pem();
  const newKey = pem();
  let port = 0;
  let service: ChildService | undefined;
  let consumer: NestFastifyApplication;
  let consumerUrl = '';
  const front = new JwksFront();

  const startService = async (keys: string[]) => {
    service = await startChildService(port, {
      DATA_DIR: dataDir,
      PUBLIC_URL: ISSUER,
      JWT_PRIVATE_KEYS: keys.join('\n'),
      BCRYPT_COST: '4',
      RETENTION_INTERVAL: '0',
    });
    front.target = service.url;
  };
  const tokenFromService = async (): Promise<string> => {
    const body = JSON.stringify({ email: uniqueEmail('jwks'), password: STRONG_PASSWORD });
    const post = (path: string) => fetch(`${service?.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal((await post('/api/auth/register')).status, 201);
    return ((await (await post('/api/auth/login')).json()) as { accessToken: string }).accessToken;
  };
  const ask = async (token: string) => {
    const response = await fetch(`${consumerUrl}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return { status: response.status };
  };

  before(async () => {
    port = await freePort();
    await front.start();
    await startService([oldKey]);
    @Module({
      imports: [
        ProfileAuthModule.forRoot({
          jwksUrl: `${front.url}/.well-known/jwks.json`,
          issuer: ISSUER,
          audience: 'profile-service',
          jwks: { refetchIntervalMs: REFETCH_MS, maxAgeMs: MAX_AGE_MS },
        }),
      ],
      controllers: [WhoAmIController],
    })
    class ConsumerModule {}
    consumer = await NestFactory.create<NestFastifyApplication>(ConsumerModule, new FastifyAdapter(), { logger: false });
    await consumer.listen({ port: 0, host: '127.0.0.1' });
    consumerUrl = (await consumer.getUrl()).replace('[::1]', '127.0.0.1');
  });
  after(async () => {
    await consumer?.close();
    await service?.stop();
    await front.close();
  });

  it('serves valid tokens with the keys it holds while the service is stopped, without waiting for it, and past the keys’ max age', async () => {
    const token = await tokenFromService();
    assert.equal((await ask(token)).status, 200);
    assert.equal(front.fetches, 1);
    await service?.stop();
    for (let i = 0; i < 20; i++) assert.equal((await ask(token)).status, 200);
    assert.equal(front.fetches, 1, 'no fetch on the request path while the keys are fresh, service or not');
    // Past maxAge the set is refreshed in the background; the failures cost one fetch per interval, not per request.
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS + 200));
    const before = front.fetches;
    for (let i = 0; i < 20; i++) assert.equal((await ask(token)).status, 200, 'still served with the cached keys');
    assert.ok(front.fetches - before <= 1, `${front.fetches - before} fetches for 20 requests`);
  });

  it('spends no fetch on forged kids while one is recent, and at most one while one is in flight', async () => {
    await new Promise((resolve) => setTimeout(resolve, REFETCH_MS + 100));
    front.delayMs = 400;
    const before = front.fetches;
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(forgedToken())));
    assert.deepEqual([...new Set(answers.map((answer) => answer.status))], [401]);
    assert.equal(front.fetches - before, 1, 'twenty forged kids at once: one fetch');
    const again = await Promise.all(Array.from({ length: 20 }, () => ask(forgedToken())));
    assert.deepEqual([...new Set(again.map((answer) => answer.status))], [401]);
    assert.equal(front.fetches - before, 1, 'a fetch was just attempted: none more');
    front.delayMs = 0;
  });

  it('picks up a rotated key once the service is back', async () => {
    await startService([oldKey, newKey]);
    const rotated = await tokenFromService();
    await new Promise((resolve) => setTimeout(resolve, REFETCH_MS + 100));
    assert.equal((await ask(rotated)).status, 200, 'the new kid is fetched and trusted');
  });

  it('requires exp: a token signed with the service’s own key but without one is refused', async () => {
    const key = createPrivateKey(newKey);
    const kid = await calculateJwkThumbprint(createPublicKey(key).export({ format: 'jwk' }));
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: randomUUID(), sid: randomUUID(), iss: ISSUER, aud: 'profile-service', iat: now, jti: randomUUID() };
    const signed = (payload: object) => new SignJWT({ ...payload }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(key);
    assert.equal((await ask(await signed({ ...claims, exp: now + 600 }))).status, 200, 'the control: the same token with exp passes');
    assert.equal((await ask(await signed(claims))).status, 401);
  });

  it('refuses empty issuer or audience at start, with one line naming the option', () => {
    assert.throws(() => ProfileAuthModule.forRoot({ jwksUrl: 'http://x/jwks', issuer: '', audience: 'profile-service' }), /"issuer" option is empty/);
    assert.throws(() => ProfileAuthModule.forRoot({ jwksUrl: 'http://x/jwks', issuer: ISSUER, audience: ' ' }), /"audience" option is empty/);
  });

  it('forRootAsync: options from a factory with injected settings verify tokens; an empty one there stops the start', async () => {
    const SETTINGS = Symbol('consumer settings');
    const appWith = async (issuer: string) => {
      @Module({ providers: [{ provide: SETTINGS, useValue: { jwksUrl: `${front.url}/.well-known/jwks.json`, issuer } }], exports: [SETTINGS] })
      class SettingsModule {}
      @Module({
        imports: [
          ProfileAuthModule.forRootAsync({
            imports: [SettingsModule],
            inject: [SETTINGS],
            useFactory: (settings: { jwksUrl: string; issuer: string }) => ({
              jwksUrl: settings.jwksUrl,
              issuer: settings.issuer,
              audience: 'profile-service',
              jwks: { refetchIntervalMs: REFETCH_MS },
            }),
          }),
        ],
        controllers: [WhoAmIController],
      })
      class AsyncConsumerModule {}
      return NestFactory.create<NestFastifyApplication>(AsyncConsumerModule, new FastifyAdapter(), { logger: false, abortOnError: false });
    };
    const app = await appWith(ISSUER);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const token = await tokenFromService();
      // Once seen on a loaded CI machine: the first JWKS fetch of a fresh app did not give the token's key (401). A
      // refetch (REFETCH_MS here) must then give it: asked again after it, the token is accepted.
      const fetchesBefore = front.fetches;
      const first = await fetch(`${url}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
      let status = first.status;
      const seen = [`${status} ${await first.text()} after ${front.fetches - fetchesBefore} fetch(es)`];
      if (status === 401) {
        await new Promise((resolve) => setTimeout(resolve, REFETCH_MS + 100));
        const again = await fetch(`${url}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
        status = again.status;
        seen.push(`${status} ${await again.text()} after ${front.fetches - fetchesBefore} fetch(es)`);
      }
      assert.equal(status, 200, seen.join('; '));
      assert.equal((await fetch(`${url}/api/whoami`)).status, 401);
    } finally {
      await app.close();
    }
    await assert.rejects(appWith(''), /"issuer" option is empty/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { OpenApiResponseCheck } from './helpers/openapi-responses';

/** The check every test app runs (helpers/test-app.ts) must be able to fail, or it proves nothing. */
describe('the OpenAPI response check', () => {
  async function violationsOf(status: number, contentType: string, body: string, route = '/api/auth/users/me'): Promise<string[]> {
    const fastify = Fastify();
    const check = new OpenApiResponseCheck();
    check.install(fastify);
    fastify.get(route, (_request, reply) => reply.status(status).type(contentType).send(body));
    await fastify.inject({ method: 'GET', url: route });
    await fastify.close();
    return check.violations;
  }

  const profile = {
    id: '0b0e5d8e-3c1d-4c8e-9f55-0d5a9f0e7f11',
    email: 'ada@example.com',
    emailVerified: true,
    pendingEmail: null,
    username: null,
    displayName: null,
    bio: null,
    locale: 'en',
    timezone: 'UTC',
    avatar: null,
    identityProviders: [],
    passwordBreached: false,
    deletionScheduled: null,
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
  };

  it('accepts an answer the document describes', async () => {
    assert.deepEqual(await violationsOf(200, 'application/json', JSON.stringify(profile)), []);
  });

  it('fails an undocumented status, a wrong content type, a missing or undocumented field, a wrong format', async () => {
    assert.match((await violationsOf(418, 'application/json', '{}')).join(), /status not documented/);
    assert.match((await violationsOf(200, 'text/plain', 'hello')).join(), /content type "text\/plain" not documented/);
    const { email: _email, ...withoutEmail } = profile;
    assert.match((await violationsOf(200, 'application/json', JSON.stringify(withoutEmail))).join(), /must have required property 'email'/);
    assert.match(
      (await violationsOf(200, 'application/json', JSON.stringify({ ...profile, passwordHash: 'x' }))).join(),
      /must NOT have additional properties/,
    );
    assert.match((await violationsOf(200, 'application/json', JSON.stringify({ ...profile, createdAt: 'yesterday' }))).join(), /must match format "date-time"/);
  });

  it('fails an error with a code its status does not list, and a route the document lacks', async () => {
    const wrongCode = { statusCode: 401, code: 'EMAIL_TAKEN', message: 'x', requestId: 'r' };
    assert.match((await violationsOf(401, 'application/json', JSON.stringify(wrongCode))).join(), /must be equal to one of the allowed values/);
    assert.match((await violationsOf(200, 'application/json', '{}', '/api/auth/users/me/secrets')).join(), /not in the document/);
  });
});

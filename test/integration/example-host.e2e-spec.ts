import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';

describe('examples/host-app: ProfileServiceModule.forRoot inside another application', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  before(async () => {
    process.env.HOST_APP_DATA_DIR = mkdtempSync(join(tmpdir(), 'host-app-'));
    // Imported here, after the data directory is chosen: the host module reads it when it is defined.
    const { createHostApp } = await import('../../examples/host-app/main.js');
    app = await createHostApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    http = request(app.getHttpServer());
  });
  after(() => app?.close());

  it('serves the host’s own route and GET /api/auth/users/me of the imported feature', async () => {
    assert.deepEqual((await http.get('/api/hello')).body, { hello: 'from the host application' });
    const email = uniqueEmail('host');
    assert.equal((await http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD })).status, 201);
    const login = await http.post('/api/auth/login').send({ email, password: STRONG_PASSWORD });
    assert.equal(login.status, 200);
    const me = await http.get('/api/auth/users/me').set('Authorization', `Bearer ${login.body.accessToken}`);
    assert.equal(me.status, 200);
    assert.equal(me.body.id, login.body.user.id);
    const refused = await http.get('/api/auth/users/me');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'AUTHENTICATION_REQUIRED');
  });

  it('leaves the host its own validation and errors on its own routes, and keeps the contract on the profile routes', async () => {
    // The host's lenient pipe: an unknown field passes; a missing one is refused in the host's own shape.
    const greeted = await http.post('/api/hello').send({ name: 'Ada', extra: true });
    assert.equal(greeted.status, 201);
    assert.deepEqual(greeted.body, { hello: 'Ada' });
    const invalid = await http.post('/api/hello').send({});
    assert.equal(invalid.status, 400);
    assert.ok('hostError' in invalid.body && !('code' in invalid.body), JSON.stringify(invalid.body));
    const refused = await http.get('/api/hello/refused');
    assert.deepEqual(refused.body, { hostError: 'the host says no' });

    // The profile routes answer in the contract's shape, with its strict validation.
    const email = uniqueEmail('host-contract');
    assert.equal((await http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD })).status, 201);
    const login = await http.post('/api/auth/login').send({ email, password: STRONG_PASSWORD });
    const unknownField = await http
      .put('/api/auth/users/me')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .send({ displayName: 'Ada', role: 'admin' });
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.body.code, 'VALIDATION_FAILED');
    assert.ok(unknownField.body.details.fields.role, JSON.stringify(unknownField.body));
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';

describe('examples/host-app: ProfileModule.forRoot inside another application', () => {
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
});

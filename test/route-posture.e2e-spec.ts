import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, registerAndLogin } from './helpers/factories';
import { routes } from './helpers/routes';
import { type TestApp, startTestApp } from './helpers/test-app';

describe('every route has a deliberate auth posture', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('finds the routes', () => {
    assert.ok(routes(t).length >= 8);
  });

  it('is either guarded by AccessGuard + StepUpGuard or explicitly @Public()', () => {
    const loose = routes(t).filter((route) => !route.isPublic && !route.guarded);
    assert.deepEqual(
      loose.map((r) => r.name),
      [],
    );
  });

  it('answers AUTHENTICATION_REQUIRED on every protected route without a token', async () => {
    for (const route of routes(t).filter((r) => !r.isPublic)) {
      const response = await t.http[route.method.toLowerCase() as 'get'](route.path);
      assertError(response, 401, 'AUTHENTICATION_REQUIRED');
    }
  });

  it('answers STEP_UP_REQUIRED on every step-up route with an access token alone', async () => {
    const user = await registerAndLogin(t);
    for (const route of routes(t).filter((r) => r.stepUp)) {
      const response = await t.http[route.method.toLowerCase() as 'get'](route.path).set('Authorization', `Bearer ${user.accessToken}`);
      assertError(response, 401, 'STEP_UP_REQUIRED');
      assert.match(response.headers['www-authenticate'], /insufficient_user_authentication/);
    }
  });
});

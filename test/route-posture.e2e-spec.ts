import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { AccessGuard } from '../src/auth/guards/access.guard';
import { REQUIRES_STEP_UP } from '../src/auth/guards/requires-step-up.decorator';
import { StepUpGuard } from '../src/auth/guards/step-up.guard';
import { IS_PUBLIC } from '../src/common/decorators/public.decorator';
import { assertError, registerAndLogin } from './helpers/factories';
import { type TestApp, startTestApp } from './helpers/test-app';

interface Route {
  name: string;
  method: string;
  path: string;
  isPublic: boolean;
  guarded: boolean;
  stepUp: boolean;
}

const UNPREFIXED = ['.well-known', 'verify-email', 'revert-email'];

/** Every route the application serves, read from the controllers' own metadata. */
function routes(t: TestApp): Route[] {
  const found: Route[] = [];
  const seen = new Set<unknown>();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const joined = [base, sub].filter((p) => p && p !== '/').join('/');
        const prefix = UNPREFIXED.some((p) => joined.startsWith(p)) ? '' : '/api';
        const guards: unknown[] = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])];
        found.push({
          name: `${controller.name}.${name}`,
          method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number],
          path: `${prefix}/${joined}`.replace(/:[A-Za-z]+/g, randomUUID()),
          isPublic: Boolean(Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller)),
          guarded: guards.includes(AccessGuard) && guards.includes(StepUpGuard),
          stepUp: Boolean(Reflect.getMetadata(REQUIRES_STEP_UP, handler) ?? Reflect.getMetadata(REQUIRES_STEP_UP, controller)),
        });
      }
    }
  }
  return found;
}

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

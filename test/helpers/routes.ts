import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { AccessGuard } from '../../src/auth/guards/access.guard';
import { REQUIRES_STEP_UP } from '../../src/auth/guards/requires-step-up.decorator';
import { StepUpGuard } from '../../src/auth/guards/step-up.guard';
import { IS_PUBLIC } from '../../src/common/decorators/public.decorator';
import type { TestApp } from './test-app';

export interface Route {
  name: string;
  method: string;
  path: string;
  isPublic: boolean;
  guarded: boolean;
  stepUp: boolean;
}

const UNPREFIXED = ['.well-known', 'verify-email', 'revert-email', 'reset-password'];

/** Every route the application serves, read from the controllers' own metadata. */
export function routes(t: TestApp): Route[] {
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

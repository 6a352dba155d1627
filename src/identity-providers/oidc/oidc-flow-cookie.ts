import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appConfig } from '#src/config/app.config';
import { oidcConfig } from '#src/config/oidc.config';
import type { FlowRequest } from './oidc-flow-starter.service';
import { newBrowserBinding } from './oidc-flows.service';

export const OIDC_FLOW_COOKIE = 'oidc_flow';
const BINDING = /^[A-Za-z0-9_-]{43}$/;

/**
 * Ties a flow to the browser that started it, so a callback URL handed to someone else (login CSRF, or a
 * link flow pushed onto a victim) finishes nothing. `SameSite=Lax` because the callback arrives by a
 * top-level navigation from the provider; it carries no authority by itself. One binding serves every
 * flow of the browser, so two tabs do not cancel each other.
 */
@Injectable()
export class OidcFlowCookie {
  constructor(
    @Inject(appConfig.KEY) private readonly app: Settings<typeof appConfig>,
    @Inject(oidcConfig.KEY) private readonly oidc: Settings<typeof oidcConfig>,
  ) {}

  read(request: FastifyRequest): string | undefined {
    const value = request.cookies?.[OIDC_FLOW_COOKIE];
    return value !== undefined && BINDING.test(value) ? value : undefined;
  }

  /** What a flow starter needs from this request: the flow cookie is set only once the request is known to be valid. */
  flowRequest(providerId: string, redirect: string | undefined, request: FastifyRequest, reply: FastifyReply): FlowRequest {
    return { providerId, redirect, browserBinding: () => this.ensure(request, reply) };
  }

  /** The browser's binding, set (again) with a fresh lifetime. */
  ensure(request: FastifyRequest, reply: FastifyReply): string {
    const binding = this.read(request) ?? newBrowserBinding();
    void reply.setCookie(OIDC_FLOW_COOKIE, binding, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/api/auth',
      secure: this.app.cookieSecure,
      maxAge: this.oidc.flowTtl,
    });
    return binding;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import { appConfig } from '#src/config/app.config';
import { ACCESS_COOKIE, MFA_COOKIE, MFA_COOKIE_PATH, REFRESH_COOKIE, STEP_UP_COOKIE } from './token-transport';

/** Sets and clears the three token cookies, always with the same attributes, so clearing really clears. */
@Injectable()
export class AuthCookies {
  private readonly attributes: CookieSerializeOptions;

  constructor(@Inject(appConfig.KEY) config: Settings<typeof appConfig>) {
    this.attributes = { httpOnly: true, sameSite: 'strict', path: '/', secure: config.cookieSecure };
  }

  setSession(reply: FastifyReply, tokens: { accessToken: string; accessTtl: number; refreshToken: string; refreshTtl: number }): void {
    void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, { ...this.attributes, maxAge: tokens.accessTtl });
    void reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { ...this.attributes, maxAge: tokens.refreshTtl });
  }

  setStepUp(reply: FastifyReply, token: string, ttl: number): void {
    void reply.setCookie(STEP_UP_COOKIE, token, { ...this.attributes, maxAge: ttl });
  }

  /** Lax, not Strict: it is set on the provider's redirect back, a cross-site navigation. */
  setMfa(reply: FastifyReply, token: string, ttl: number): void {
    void reply.setCookie(MFA_COOKIE, token, { ...this.attributes, sameSite: 'lax', path: MFA_COOKIE_PATH, maxAge: ttl });
  }

  clearMfa(reply: FastifyReply): void {
    void reply.setCookie(MFA_COOKIE, '', { ...this.attributes, sameSite: 'lax', path: MFA_COOKIE_PATH, maxAge: 0, expires: new Date(0) });
  }

  clearAll(reply: FastifyReply): void {
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE, STEP_UP_COOKIE]) {
      void reply.setCookie(name, '', { ...this.attributes, maxAge: 0, expires: new Date(0) });
    }
  }
}

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
    void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, this.attributesWith({ maxAge: tokens.accessTtl }));
    void reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, this.attributesWith({ maxAge: tokens.refreshTtl }));
  }

  setStepUp(reply: FastifyReply, token: string, ttl: number): void {
    void reply.setCookie(STEP_UP_COOKIE, token, this.attributesWith({ maxAge: ttl }));
  }

  /** Lax, not Strict: it is set on the provider's redirect back, a cross-site navigation. */
  setMfa(reply: FastifyReply, token: string, ttl: number): void {
    void reply.setCookie(MFA_COOKIE, token, this.attributesWith({ sameSite: 'lax', path: MFA_COOKIE_PATH, maxAge: ttl }));
  }

  clearMfa(reply: FastifyReply): void {
    void reply.setCookie(MFA_COOKIE, '', this.attributesWith({ sameSite: 'lax', path: MFA_COOKIE_PATH, maxAge: 0, expires: new Date(0) }));
  }

  clearAll(reply: FastifyReply): void {
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE, STEP_UP_COOKIE]) {
      void reply.setCookie(name, '', this.attributesWith({ maxAge: 0, expires: new Date(0) }));
    }
  }

  /**
   * The common attributes with these over them, in a new object. Object.assign, not `{ ...this.attributes, … }`:
   * on Node 20 a spread followed by more properties outlives the scavenges (AccessTokenAuthenticator.liveSession).
   */
  private attributesWith(changes: CookieSerializeOptions): CookieSerializeOptions {
    return Object.assign({}, this.attributes, changes);
  }
}

import { Injectable } from '@nestjs/common';
import type { SecondFactorMethod } from '#src/common/errors/second-factor-methods';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';
import { TokenService } from '../tokens/token.service';
import type { SessionEntity } from './session.entity';
import type { SessionTokens } from './session-tokens';
import { SessionsService } from './sessions.service';
import { SignInAlertsService } from './sign-in-alerts.service';
import type { NewSignIn } from '#src/mail/mail.service';

/** How a sign-in was completed: what its new-device alert names and what its security event records. */
export type SignInMethod =
  | { kind: 'password' }
  | { kind: 'second_factor'; secondFactor: SecondFactorMethod }
  | { kind: 'passkey'; passkeyId: string; passkeyName: string }
  | { kind: 'provider'; providerId: string; providerName: string }
  /** A provider's first sign-in, which created the account: its `provider_signup` event is in that transaction. */
  | { kind: 'new_account' };

/**
 * The one way a sign-in becomes a session: the session row, the access token, a new-device alert and the
 * security event. Every sign-in path (password, second step, passkey, provider) calls `open` once it has checked
 * everything the account asks for, including the lock.
 */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly signInAlerts: SignInAlertsService,
    private readonly securityEvents: SecurityEventsRepository,
  ) {}

  /** `amr`: how the sign-in was proved (RFC 8176 values); empty for a provider's sign-in, whose methods are its own. */
  async open(user: UserEntity, origin: RequestOrigin, amr: readonly string[], method: SignInMethod): Promise<SessionTokens> {
    const { session, refreshToken } = await this.sessions.open(user.id, origin, amr);
    const tokens = await this.tokensFor(user, session, refreshToken);
    if (method.kind === 'new_account') return tokens;
    // The alert compares with earlier sign-ins only, so it looks before this one's event is written.
    this.signInAlerts.afterSignIn(user, tokens.sessionId, alertWording(method), origin);
    const { type, details } = securityEvent(method);
    await this.securityEvents.record({ userId: user.id, type, origin, details });
    return tokens;
  }

  /** The access token for a session just opened or rotated, and the refresh token's lifetime. */
  async tokensFor(user: UserEntity, session: SessionEntity, refreshToken: string): Promise<SessionTokens> {
    const access = await this.tokens.signAccessToken(user.id, session.id, session.amr?.split(',') ?? []);
    // The refresh token lives as long as its session (never past SESSION_MAX_AGE).
    const refreshTtl = Math.max(0, Math.round((session.expiresAt.getTime() - Date.now()) / 1000));
    return { accessToken: access.token, accessTtl: access.expiresIn, refreshToken, refreshTtl, sessionId: session.id, user };
  }
}

/** How the new sign-in notice names the method (the catalogue words it). */
function alertWording(method: Exclude<SignInMethod, { kind: 'new_account' }>): NewSignIn['method'] {
  switch (method.kind) {
    case 'password':
    case 'second_factor':
      return { kind: method.kind };
    case 'passkey':
      return { kind: 'passkey', name: method.passkeyName };
    case 'provider':
      return { kind: 'provider', name: method.providerName };
  }
}

function securityEvent(method: Exclude<SignInMethod, { kind: 'new_account' }>): { type: 'login' | 'provider_login'; details?: Record<string, string> } {
  switch (method.kind) {
    case 'password':
      return { type: 'login' };
    case 'second_factor':
      return { type: 'login', details: { secondFactor: method.secondFactor } };
    case 'passkey':
      return { type: 'login', details: { method: 'passkey', passkeyId: method.passkeyId } };
    case 'provider':
      return { type: 'provider_login', details: { provider: method.providerId } };
  }
}

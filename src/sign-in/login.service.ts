import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '#src/common/errors/app-error';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';
import { UsersRepository } from '#src/users/users.repository';
import { type MfaChallenge, MfaChallenges } from '#src/second-factors/mfa-tokens/mfa-challenges';
import { MfaTokens } from '#src/second-factors/mfa-tokens/mfa-tokens';
import { type ProvedFactor, SecondFactors } from '#src/second-factors/second-factors';
import { PasswordUpkeep } from '#src/password/password-upkeep.service';
import { PasswordService } from '#src/password/password.service';
import { SessionIssuer } from '#src/auth/sessions/session-issuer';
import type { SessionTokens } from '#src/auth/sessions/session-tokens';
import { SessionsService } from '#src/auth/sessions/sessions.service';
import { assertNotLocked } from '#src/users/account-lock';
import { TokenRejected, TokenService } from '#src/auth/tokens/token.service';
import { readAccessToken, readRefreshToken } from '#src/auth/tokens/token-transport';
import { AuthErrors } from '#src/auth/auth.errors';
import { SignInErrors } from './sign-in.errors';

/** Password sign-in and the second step of every sign-in, refresh-token rotation and sign-out. */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly passwords: PasswordService,
    private readonly upkeep: PasswordUpkeep,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly issuer: SessionIssuer,
    private readonly challenges: MfaChallenges,
    private readonly secondFactors: SecondFactors,
    private readonly mfaTokens: MfaTokens,
  ) {}

  /**
   * Unknown email and wrong password give the same answer after the same work (one bcrypt comparison,
   * against a dummy hash when there is no account). While the account+IP counter is full, even the
   * right password is refused. An account with a second factor gets an MfaToken instead of a session. A locked
   * account answers 403 only to the right password (a wrong one learns nothing about the account).
   */
  async login(email: string, password: string, client: RequestOrigin & { ip: string }): Promise<SessionTokens | MfaChallenge> {
    const user = await this.users.findByEmailWithPassword(email);
    const match = await this.passwords.check(email, client.ip, password, user?.passwordHash);
    if (user && !match) await this.securityEvents.record({ userId: user.id, type: 'login_failed', origin: client });
    if (!user || !match) throw SignInErrors.wrongEmailOrPassword();
    const hash = user.passwordHash as string;
    delete user.passwordHash;
    assertNotLocked(user);
    this.upkeep.afterSignIn(user, password, hash, match, client);
    return (await this.challenges.challenge(user.id, ['pwd'])) ?? this.issuer.open(user, client, ['pwd'], { kind: 'password' });
  }

  /** Completes a sign-in with a TOTP code or a recovery code. */
  completeWithCode(mfaToken: string | undefined, code: string, client: RequestOrigin & { ip: string }): Promise<SessionTokens> {
    return this.completeSecondFactor(mfaToken, client, (user) => this.secondFactors.check(user, code));
  }

  /**
   * The second step of a sign-in: `prove` checks the factor (counted on the account's second-factor counter).
   * The MfaToken is taken before the check, so of two requests with one token the loser never spends its code;
   * a wrong factor gives it back, up to MFA_TOKEN_MAX_FAILURES wrong ones. Success keeps it used: one sign-in,
   * one session.
   */
  async completeSecondFactor(
    mfaToken: string | undefined,
    client: RequestOrigin & { ip: string },
    prove: (user: UserEntity) => Promise<ProvedFactor | null>,
  ): Promise<SessionTokens> {
    const pending = await this.mfaTokens.peek(mfaToken);
    const user = pending ? await this.users.findById(pending.userId) : null;
    if (!mfaToken || !pending || !user) throw mfaTokenInvalid();
    assertNotLocked(user);
    if (!(await this.mfaTokens.take(mfaToken))) throw mfaTokenInvalid();
    let proved: ProvedFactor | null;
    try {
      proved = await prove(user);
    } catch (error) {
      await this.mfaTokens.giveBack(mfaToken, false); // 429, or an outage: not an answer of the factor
      throw error;
    }
    if (!proved) {
      await this.mfaTokens.giveBack(mfaToken, true);
      await this.securityEvents.record({ userId: user.id, type: 'login_failed', origin: client, details: { factor: 'second_factor' } });
      throw SignInErrors.secondFactorRefused();
    }
    return this.issuer.open(user, client, [...new Set([...pending.firstFactor, ...proved.amr, 'mfa'])], { kind: 'second_factor', secondFactor: proved.method });
  }

  /** The account an unused MfaToken belongs to; 401 MFA_TOKEN_INVALID otherwise. */
  async pendingSignIn(mfaToken: string | undefined): Promise<string> {
    const pending = await this.mfaTokens.peek(mfaToken);
    if (!pending) throw mfaTokenInvalid();
    return pending.userId;
  }

  async refresh(refreshToken: string | undefined, origin: RequestOrigin): Promise<SessionTokens> {
    if (refreshToken === undefined) throw AuthErrors.refreshTokenMissing();
    const {
      session,
      refreshToken: next,
      user: loaded,
    } = await this.sessions.rotate(refreshToken, origin).catch(async (error: unknown) => {
      // A lock ended the session: say so rather than "invalid", so the client shows the way out.
      const owner = error instanceof AppError && error.code === 'REFRESH_TOKEN_INVALID' ? await this.sessions.ownerOfRefreshToken(refreshToken) : null;
      if (owner) assertNotLocked((await this.users.findById(owner)) ?? { lockedAt: null });
      throw error;
    });
    const user = loaded ?? (await this.users.findById(session.userId));
    if (!user) throw AuthErrors.refreshTokenInvalid();
    return this.issuer.tokensFor(user, session, next);
  }

  /** Ends the session named by the access token or the refresh token, whichever is valid. Never fails. */
  async logout(request: FastifyRequest, bodyRefreshToken: string | undefined, origin: RequestOrigin): Promise<void> {
    const ended = new Map<string, string>();
    const accessToken = safely(() => readAccessToken(request));
    if (accessToken) {
      const claims = await this.tokens.verifyAccessToken(accessToken).catch((error: unknown) => {
        if (error instanceof TokenRejected) return undefined;
        throw error;
      });
      if (claims) ended.set(claims.sessionId, claims.userId);
    }
    const refreshToken = readRefreshToken(request, bodyRefreshToken);
    if (refreshToken) {
      const session = await this.sessions.findLiveByRefreshToken(refreshToken);
      if (session) ended.set(session.id, session.userId);
    }
    for (const [sessionId, userId] of ended) {
      if (await this.sessions.revoke(sessionId)) await this.securityEvents.record({ userId, type: 'logout', origin });
    }
  }
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function mfaTokenInvalid(): AppError {
  return new AppError('MFA_TOKEN_INVALID', 'This sign-in has expired or was already completed. Sign in again.');
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { authConfig } from '#src/config/auth.config';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { LinkedIdentity } from '#src/users/user-identity.entity';
import type { UserEntity } from '#src/users/user.entity';
import type { Db } from '#src/database/transaction-runner';
import { hashOpaqueToken, newOpaqueToken } from '#src/common/crypto/opaque-token';
import type { SessionEntity } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { AuthErrors } from '../auth.errors';

/** A live session's user, with the identities a profile lists. */
export interface LiveUser {
  user: UserEntity;
  identities: LinkedIdentity[];
}

export interface OpenedSession {
  session: SessionEntity;
  refreshToken: string;
}

/** A refreshed session, with its user when the same statement could load it. */
export interface RotatedSession extends OpenedSession {
  user: UserEntity | null;
}

/** A session's lastUsedAt follows its use to the minute: at most one write per session per minute. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Sessions: the single source of truth for whether a token may still be used, on every instance. The rules
 * (lifetimes, one live refresh chain, reuse ends the session) are here; the statements are `SessionsRepository`'s.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly rows: SessionsRepository,
    private readonly securityEvents: SecurityEventsRepository,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /** `amr`: how the sign-in was proved (RFC 8176), kept for the session's access tokens. */
  async open(userId: string, client: RequestOrigin, amr: readonly string[]): Promise<OpenedSession> {
    const now = new Date();
    const refreshToken = newOpaqueToken();
    const session = this.rows.create({
      id: randomUUID(),
      userId,
      refreshTokenHash: hashOpaqueToken(refreshToken),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: this.refreshExpiry(now, now),
      amr: amr.join(',') || null,
      revokedAt: null,
    });
    await this.rows.insert(session);
    delete session.refreshTokenHash;
    return { session, refreshToken };
  }

  /** The session's user when the session is live, in one round trip; null when it has ended. Runs on every authenticated request. */
  async findLiveUser(sessionId: string, userId: string): Promise<LiveUser | null> {
    const now = new Date();
    const live = await this.rows.findLiveUser(sessionId, userId, now);
    if (!live) return null;
    if (now.getTime() - live.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) this.touch(sessionId, now);
    return { user: live.user, identities: live.identities };
  }

  /** Moves lastUsedAt, off the request's path. A failure only leaves the time a minute behind. */
  private touch(sessionId: string, now: Date): void {
    this.rows.touch(sessionId, now, new Date(now.getTime() - TOUCH_INTERVAL_MS)).catch(() => undefined);
  }

  /**
   * Swaps a refresh token for a new one. The update is conditional on the presented token, so exactly one of
   * several parallel calls with it wins; the others, and any later replay of it or of any older token of the
   * session's chain (kept in refresh_token_history), count as reuse and end the session: there is never a
   * second live chain. Expiry moves with each refresh, never past SESSION_MAX_AGE from sign-in.
   */
  async rotate(refreshToken: string, origin: RequestOrigin): Promise<RotatedSession> {
    const presented = hashOpaqueToken(refreshToken);
    const now = new Date();
    const next = newOpaqueToken();
    if (this.rows.rotatesAtomically) {
      // The common case in one round trip: the token is the live session's current one.
      const refreshUntil = new Date(now.getTime() + this.config.refreshTokenTtl * 1000);
      const rotated = await this.rows.rotateAtomically(presented, hashOpaqueToken(next), now, refreshUntil, this.config.sessionMaxAge);
      // Written out, not `{ ...rotated, refreshToken }`: see AccessTokenAuthenticator.liveSession.
      if (rotated) return { session: rotated.session, user: rotated.user, refreshToken: next };
      return this.refuse(presented, origin);
    }
    const session = await this.rows.findByRefreshTokenHash(presented);
    if (session && session.revokedAt === null && session.expiresAt > now) {
      const expiresAt = this.refreshExpiry(now, session.createdAt);
      if (await this.rows.replaceRefreshToken(session.id, presented, hashOpaqueToken(next), now, expiresAt)) {
        return { session: Object.assign(session, { lastUsedAt: now, expiresAt }), refreshToken: next, user: null };
      }
      return this.endReusedSession(session, origin); // a parallel refresh with the same token won
    }
    return this.refuse(presented, origin, session);
  }

  /**
   * A token that is not a live session's current one: an ended session's (invalid), or one rotated out of a
   * live session's chain (reuse: the session ends).
   */
  private async refuse(presented: string, origin: RequestOrigin, current?: SessionEntity | null): Promise<never> {
    const session = current === undefined ? await this.rows.findByRefreshTokenHash(presented) : current;
    if (session) throw AuthErrors.refreshTokenInvalid();
    const owner = await this.rows.findByRotatedOutHash(presented, true);
    if (owner) return this.endReusedSession(owner, origin);
    throw AuthErrors.refreshTokenInvalid();
  }

  private async endReusedSession(session: SessionEntity, origin: RequestOrigin): Promise<never> {
    if (await this.rows.revoke(session.id)) await this.securityEvents.record({ userId: session.userId, type: 'refresh_token_reused', origin });
    throw AuthErrors.refreshTokenReused();
  }

  /** Whose session a refresh token was of (current or rotated out, live or ended); null for a token never issued. */
  async ownerOfRefreshToken(refreshToken: string): Promise<string | null> {
    const presented = hashOpaqueToken(refreshToken);
    const session = (await this.rows.findByRefreshTokenHash(presented)) ?? (await this.rows.findByRotatedOutHash(presented, false));
    return session?.userId ?? null;
  }

  /** The live session a refresh token belongs to, if any (used by logout). */
  findLiveByRefreshToken(refreshToken: string): Promise<SessionEntity | null> {
    return this.rows.findLiveByRefreshTokenHash(hashOpaqueToken(refreshToken));
  }

  /** Ends a live session; false when it had already ended. */
  revoke(sessionId: string): Promise<boolean> {
    return this.rows.revoke(sessionId);
  }

  /** Revokes one of the user's sessions; false when the id is not a live session of this user. */
  revokeOwn(userId: string, sessionId: string): Promise<boolean> {
    return this.rows.revoke(sessionId, userId);
  }

  revokeAllExcept(userId: string, keepSessionId: string | null, db?: Db): Promise<void> {
    return this.rows.revokeAllExcept(userId, keepSessionId, db);
  }

  /** Every session row the user still has, ended ones included (until the retention purge), newest first. */
  listAll(userId: string): Promise<SessionEntity[]> {
    return this.rows.listAll(userId);
  }

  listLive(userId: string): Promise<SessionEntity[]> {
    return this.rows.listLive(userId, new Date());
  }

  /** A refresh token's life from `now`, cut at the session's absolute end (SESSION_MAX_AGE after sign-in). */
  private refreshExpiry(now: Date, signedInAt: Date): Date {
    return new Date(Math.min(now.getTime() + this.config.refreshTokenTtl * 1000, signedInAt.getTime() + this.config.sessionMaxAge * 1000));
  }
}

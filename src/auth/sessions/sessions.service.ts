import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { IsNull, MoreThan, Not, type Repository } from 'typeorm';
import { authConfig } from '#src/config/auth.config';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { type LinkedIdentity, UserIdentityEntity } from '#src/users/user-identity.entity';
import { UserEntity } from '#src/users/user.entity';
import type { RawRows } from '#src/database/raw-rows';
import { type Db, TransactionRunner } from '#src/database/transaction-runner';
import { hashOpaqueToken, newOpaqueToken } from '#src/common/crypto/opaque-token';
import { RefreshTokenHistoryEntity } from './refresh-token-history.entity';
import { SessionEntity } from './session.entity';
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

const IDENTITY_PREFIX = 'identity_';
const SESSION_PREFIX = 'session_';
const SESSION_LAST_USED = 'session_last_used_at';
/** A session's lastUsedAt follows its use to the minute: at most one write per session per minute. */
const TOUCH_INTERVAL_MS = 60_000;

/** Sessions as rows: the single source of truth for whether a token may still be used, on every instance. */
@Injectable()
export class SessionsService {
  private readonly userRows: RawRows<UserEntity>;
  private readonly sessionRows: RawRows<SessionEntity>;
  private readonly identityRows: RawRows<UserIdentityEntity>;
  private readonly liveUserSql: string;
  /** PostgreSQL: rotation, its history row and the user in one statement (one round trip). */
  private readonly rotateSql: string | null;
  private readonly readLastUsedAt: (raw: unknown) => unknown;

  constructor(
    private readonly database: TransactionRunner,
    private readonly securityEvents: SecurityEventsRepository,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {
    this.userRows = database.rawRows(UserEntity);
    this.sessionRows = database.rawRows(SessionEntity);
    this.identityRows = database.rawRows(UserIdentityEntity);
    this.readLastUsedAt = this.sessionRows.valueReader('lastUsedAt');
    const p = (index: number) => this.userRows.parameter(index);
    // One row per linked identity (or one with NULL identity columns): still a single round trip.
    this.liveUserSql =
      `SELECT ${this.userRows.selectList('u')}, ${this.identityRows.selectList('i', IDENTITY_PREFIX)}, s.last_used_at AS ${SESSION_LAST_USED} ` +
      `FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN user_identities i ON i.user_id = u.id ` +
      `WHERE s.id = ${p(0)} AND s.user_id = ${p(1)} AND s.revoked_at IS NULL AND s.expires_at > ${p(2)} ORDER BY i.created_at`;
    this.rotateSql = database.isPostgres
      ? 'WITH rotated AS (UPDATE sessions SET refresh_token_hash = $1, last_used_at = $2, ' +
        'expires_at = LEAST($3::timestamptz, created_at + make_interval(secs => $4::double precision)) ' +
        'WHERE refresh_token_hash = $5 AND revoked_at IS NULL AND expires_at > $2 RETURNING *), ' +
        'recorded AS (INSERT INTO refresh_token_history (token_hash, session_id, rotated_at) SELECT $5, id, $2 FROM rotated) ' +
        `SELECT ${this.userRows.selectList('u')}, ${this.sessionRows.selectList('rotated', SESSION_PREFIX)} FROM rotated JOIN users u ON u.id = rotated.user_id`
      : null;
  }

  /** `amr`: how the sign-in was proved (RFC 8176), kept for the session's access tokens. */
  async open(userId: string, client: RequestOrigin, amr: readonly string[]): Promise<OpenedSession> {
    const now = new Date();
    const refreshToken = newOpaqueToken();
    const session = this.sessions().create({
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
    await this.sessions().insert(session);
    delete session.refreshTokenHash;
    return { session, refreshToken };
  }

  /**
   * The session's user when the session is live, in one round trip; null when it has ended. Runs on every
   * authenticated request, hence raw SQL (see RawRows): the query builder cost more than the query.
   */
  async findLiveUser(sessionId: string, userId: string): Promise<LiveUser | null> {
    const now = new Date();
    const rows = await this.userRows.query('live-session-user', this.liveUserSql, [sessionId, userId, this.sessionRows.persisted('expiresAt', now)]);
    if (rows.length === 0) return null;
    const lastUsedAt = this.readLastUsedAt(rows[0][SESSION_LAST_USED]) as Date;
    if (now.getTime() - lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) this.touch(sessionId, now);
    const identities = rows[0][`${IDENTITY_PREFIX}id`] == null ? [] : rows.map((row) => this.identityRows.hydrate(row, IDENTITY_PREFIX));
    return { user: this.userRows.hydrate(rows[0]), identities };
  }

  /**
   * Moves lastUsedAt, off the request's path; conditional, so instances touching one session in the same
   * minute write once. A failure only leaves the time a minute behind.
   */
  private touch(sessionId: string, now: Date): void {
    this.sessions()
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ lastUsedAt: now })
      .where('id = :sessionId AND last_used_at <= :stale', { sessionId, stale: new Date(now.getTime() - TOUCH_INTERVAL_MS) })
      .execute()
      .catch(() => undefined);
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
    if (this.rotateSql) {
      // The common case in one round trip: the token is the live session's current one.
      const next = newOpaqueToken();
      const refreshUntil = new Date(now.getTime() + this.config.refreshTokenTtl * 1000);
      const rows = await this.userRows.query('rotate-refresh-token', this.rotateSql, [hashOpaqueToken(next), now, refreshUntil, this.config.sessionMaxAge, presented]);
      if (rows.length === 1) return { session: this.sessionRows.hydrate(rows[0], SESSION_PREFIX), refreshToken: next, user: this.userRows.hydrate(rows[0]) };
      return this.refuse(presented, origin);
    }
    const session = await this.sessions().findOneBy({ refreshTokenHash: presented });
    if (session && session.revokedAt === null && session.expiresAt > now) {
      const next = newOpaqueToken();
      const expiresAt = this.refreshExpiry(now, session.createdAt);
      const result = await this.sessions()
        .createQueryBuilder()
        .update(SessionEntity)
        .set({ refreshTokenHash: hashOpaqueToken(next), lastUsedAt: now, expiresAt })
        .where('id = :id AND refresh_token_hash = :presented AND revoked_at IS NULL', { id: session.id, presented })
        .execute();
      if (result.affected === 1) {
        await this.rotatedOut().insert({ tokenHash: presented, sessionId: session.id, rotatedAt: now });
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
    const session = current === undefined ? await this.sessions().findOneBy({ refreshTokenHash: presented }) : current;
    if (session) throw AuthErrors.refreshTokenInvalid();
    const rotated = await this.rotatedOut().findOneBy({ tokenHash: presented });
    const owner = rotated ? await this.sessions().findOneBy({ id: rotated.sessionId, revokedAt: IsNull() }) : null;
    if (owner) return this.endReusedSession(owner, origin);
    throw AuthErrors.refreshTokenInvalid();
  }

  private async endReusedSession(session: SessionEntity, origin: RequestOrigin): Promise<never> {
    if (await this.revoke(session.id)) await this.securityEvents.record({ userId: session.userId, type: 'refresh_token_reused', origin });
    throw AuthErrors.refreshTokenReused();
  }

  /** Whose session a refresh token was of (current or rotated out, live or ended); null for a token never issued. */
  async ownerOfRefreshToken(refreshToken: string): Promise<string | null> {
    const presented = hashOpaqueToken(refreshToken);
    const session = await this.sessions().findOneBy({ refreshTokenHash: presented });
    if (session) return session.userId;
    const rotated = await this.rotatedOut().findOneBy({ tokenHash: presented });
    return rotated ? ((await this.sessions().findOneBy({ id: rotated.sessionId }))?.userId ?? null) : null;
  }

  /** The live session a refresh token belongs to, if any (used by logout). */
  findLiveByRefreshToken(refreshToken: string): Promise<SessionEntity | null> {
    return this.sessions().findOneBy({ refreshTokenHash: hashOpaqueToken(refreshToken), revokedAt: IsNull() });
  }

  /** Ends a live session; false when it had already ended. */
  async revoke(sessionId: string): Promise<boolean> {
    const result = await this.sessions().update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return result.affected === 1;
  }

  /** Revokes one of the user's sessions; false when the id is not a live session of this user. */
  async revokeOwn(userId: string, sessionId: string): Promise<boolean> {
    const result = await this.sessions().update({ id: sessionId, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return result.affected === 1;
  }

  async revokeAllExcept(userId: string, keepSessionId: string | null, db?: Db): Promise<void> {
    const repository = this.sessions(db);
    const where = keepSessionId ? { userId, revokedAt: IsNull(), id: Not(keepSessionId) } : { userId, revokedAt: IsNull() };
    await repository.update(where, { revokedAt: new Date() });
  }

  /** Every session row the user still has, ended ones included (until the retention purge), newest first. */
  listAll(userId: string): Promise<SessionEntity[]> {
    return this.sessions().find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  listLive(userId: string): Promise<SessionEntity[]> {
    return this.sessions().find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  private sessions(db?: Db): Repository<SessionEntity> {
    return this.database.repository(SessionEntity, db);
  }

  private rotatedOut(): Repository<RefreshTokenHistoryEntity> {
    return this.database.repository(RefreshTokenHistoryEntity);
  }

  /** A refresh token's life from `now`, cut at the session's absolute end (SESSION_MAX_AGE after sign-in). */
  private refreshExpiry(now: Date, signedInAt: Date): Date {
    return new Date(Math.min(now.getTime() + this.config.refreshTokenTtl * 1000, signedInAt.getTime() + this.config.sessionMaxAge * 1000));
  }
}

import { Injectable } from '@nestjs/common';
import { IsNull, MoreThan, Not, type Repository } from 'typeorm';
import type { RawRows } from '#src/database/raw-rows';
import { type Db, TransactionRunner } from '#src/database/transaction-runner';
import { type LinkedIdentity, UserIdentityEntity } from '#src/users/user-identity.entity';
import { UserEntity } from '#src/users/user.entity';
import { RefreshTokenHistoryEntity } from './refresh-token-history.entity';
import { SessionEntity } from './session.entity';

/** A live session's user, with the identities a profile lists, and when the session was last used. */
export interface LiveSessionRow {
  user: UserEntity;
  identities: LinkedIdentity[];
  lastUsedAt: Date;
}

const IDENTITY_PREFIX = 'identity_';
const SESSION_PREFIX = 'session_';
const SESSION_LAST_USED = 'session_last_used_at';

/**
 * The `sessions` and `refresh_token_history` tables. The two statements of the hot path are raw SQL (see
 * RawRows; the query builder cost more than the query): the live session's user on every authenticated
 * request, and on PostgreSQL a refresh's rotation, history row and user in one round trip.
 */
@Injectable()
export class SessionsRepository {
  private readonly userRows: RawRows<UserEntity>;
  private readonly sessionRows: RawRows<SessionEntity>;
  private readonly identityRows: RawRows<UserIdentityEntity>;
  private readonly liveUserSql: string;
  private readonly rotateSql: string | null;
  private readonly readLastUsedAt: (raw: unknown) => unknown;

  constructor(private readonly database: TransactionRunner) {
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

  async insert(session: SessionEntity): Promise<void> {
    await this.sessions().insert(session);
  }

  /** The session's user while the session is live at `now`; null when it has ended. */
  async findLiveUser(sessionId: string, userId: string, now: Date): Promise<LiveSessionRow | null> {
    const rows = await this.userRows.query('live-session-user', this.liveUserSql, [sessionId, userId, this.sessionRows.persisted('expiresAt', now)]);
    if (rows.length === 0) return null;
    const identities = rows[0][`${IDENTITY_PREFIX}id`] == null ? [] : rows.map((row) => this.identityRows.hydrate(row, IDENTITY_PREFIX));
    return { user: this.userRows.hydrate(rows[0]), identities, lastUsedAt: this.readLastUsedAt(rows[0][SESSION_LAST_USED]) as Date };
  }

  /** lastUsedAt, only where it is older than `staleBefore` (instances touching one session at once write once). */
  async touch(sessionId: string, now: Date, staleBefore: Date): Promise<void> {
    await this.sessions()
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ lastUsedAt: now })
      .where('id = :sessionId AND last_used_at <= :stale', { sessionId, stale: staleBefore })
      .execute();
  }

  /** Whether this database rotates in one statement (`rotateAtomically`); otherwise `replaceRefreshToken`. */
  get rotatesAtomically(): boolean {
    return this.rotateSql !== null;
  }

  /**
   * PostgreSQL: the live session whose current token is `presented` gets `next`, its history row and its new
   * expiry (never past `maxAgeSeconds` from sign-in) in one statement; null when no live session has that token.
   */
  async rotateAtomically(
    presented: string,
    next: string,
    now: Date,
    refreshUntil: Date,
    maxAgeSeconds: number,
  ): Promise<{ session: SessionEntity; user: UserEntity } | null> {
    const rows = await this.userRows.query('rotate-refresh-token', this.rotateSql as string, [next, now, refreshUntil, maxAgeSeconds, presented]);
    return rows.length === 1 ? { session: this.sessionRows.hydrate(rows[0], SESSION_PREFIX), user: this.userRows.hydrate(rows[0]) } : null;
  }

  /** Conditional on the presented token: of parallel calls with one token, one wins (true). Records the old one. */
  async replaceRefreshToken(sessionId: string, presented: string, next: string, now: Date, expiresAt: Date): Promise<boolean> {
    const result = await this.sessions()
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ refreshTokenHash: next, lastUsedAt: now, expiresAt })
      .where('id = :id AND refresh_token_hash = :presented AND revoked_at IS NULL', { id: sessionId, presented })
      .execute();
    if (result.affected !== 1) return false;
    await this.history().insert({ tokenHash: presented, sessionId, rotatedAt: now });
    return true;
  }

  findByRefreshTokenHash(hash: string): Promise<SessionEntity | null> {
    return this.sessions().findOneBy({ refreshTokenHash: hash });
  }

  findLiveByRefreshTokenHash(hash: string): Promise<SessionEntity | null> {
    return this.sessions().findOneBy({ refreshTokenHash: hash, revokedAt: IsNull() });
  }

  /** The session a rotated-out token belonged to; with `liveOnly`, only while it is not revoked. */
  async findByRotatedOutHash(hash: string, liveOnly: boolean): Promise<SessionEntity | null> {
    const rotated = await this.history().findOneBy({ tokenHash: hash });
    if (!rotated) return null;
    return this.sessions().findOneBy(liveOnly ? { id: rotated.sessionId, revokedAt: IsNull() } : { id: rotated.sessionId });
  }

  /** Ends a live session; false when it had already ended (or is not `userId`'s, when given). */
  async revoke(sessionId: string, userId?: string): Promise<boolean> {
    const where = userId === undefined ? { id: sessionId, revokedAt: IsNull() } : { id: sessionId, userId, revokedAt: IsNull() };
    return (await this.sessions().update(where, { revokedAt: new Date() })).affected === 1;
  }

  async revokeAllExcept(userId: string, keepSessionId: string | null, db?: Db): Promise<void> {
    const where = keepSessionId ? { userId, revokedAt: IsNull(), id: Not(keepSessionId) } : { userId, revokedAt: IsNull() };
    await this.sessions(db).update(where, { revokedAt: new Date() });
  }

  /** Every session row of the user, ended ones included (until the retention purge), newest first. */
  listAll(userId: string): Promise<SessionEntity[]> {
    return this.sessions().find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  listLive(userId: string, now: Date): Promise<SessionEntity[]> {
    return this.sessions().find({ where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  create(fields: SessionEntity): SessionEntity {
    return this.sessions().create(fields);
  }

  private sessions(db?: Db): Repository<SessionEntity> {
    return this.database.repository(SessionEntity, db);
  }

  private history(): Repository<RefreshTokenHistoryEntity> {
    return this.database.repository(RefreshTokenHistoryEntity);
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { And, In, LessThan, MoreThan, type Repository } from 'typeorm';
import { type Db, TransactionRunner } from '#src/database/transaction-runner';
import { SecurityEventEntity, type SecurityEventType } from './security-event.entity';

/** A position in a user's log: the time and id of the last event seen. */
export interface EventCursor {
  at: Date;
  id: string;
}

/** Facts an event may carry; never a secret. */
export type SecurityEventDetails = Record<string, string | number | boolean | null>;

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** One entry of a user's security log: who, what, from where, and facts that are never a secret. */
export interface SecurityEventEntry {
  userId: string;
  type: SecurityEventType;
  origin: RequestOrigin;
  details?: SecurityEventDetails;
}

/** The security log's rows; pass the transaction to record within it. */
@Injectable()
export class SecurityEventsRepository {
  constructor(private readonly database: TransactionRunner) {}

  private events(db?: Db): Repository<SecurityEventEntity> {
    return this.database.repository(SecurityEventEntity, db);
  }

  /** The transaction last, as in every repository: the entry commits with the change it records. */
  async record({ userId, type, origin, details }: SecurityEventEntry, db?: Db): Promise<void> {
    await this.events(db).insert({
      id: randomUUID(),
      userId,
      type,
      ip: origin.ip?.slice(0, 64) ?? null,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      details: details ? JSON.stringify(details).slice(0, 1024) : null,
      createdAt: new Date(),
    });
  }

  /**
   * One page of the user's log, newest first: `limit` events older than the cursor `before` (the last one of
   * the previous page), found by the (user_id, created_at) index.
   */
  listForUser(userId: string, limit: number, before?: EventCursor): Promise<SecurityEventEntity[]> {
    return this.page(userId, 'DESC', limit, before);
  }

  /** The user's sign-ins (password and provider) between `since` and `before`, newest first, at most 200. */
  recentSignIns(userId: string, since: Date, before: Date): Promise<SecurityEventEntity[]> {
    return this.events().find({
      select: { id: true, ip: true, userAgent: true, createdAt: true },
      where: { userId, type: In(['login', 'provider_login', 'provider_signup']), createdAt: And(MoreThan(since), LessThan(before)) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
  }

  /** Every event of the user, oldest first, in pages (for the data export, which streams them). */
  async *allForUser(userId: string, pageSize = 500): AsyncGenerator<SecurityEventEntity> {
    let after: EventCursor | undefined;
    for (;;) {
      const page = await this.page(userId, 'ASC', pageSize, after);
      yield* page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { at: last.createdAt, id: last.id };
    }
  }

  /**
   * Events past the cursor in (created_at, id) order, by the (user_id, created_at) index. The cursor is one row
   * comparison, which both databases turn into a bound on that index: a page reads its own rows and stops. Written
   * as an OR of its two cases it bounds nothing, and every page read the whole log past its cursor.
   */
  private page(userId: string, order: 'ASC' | 'DESC', limit: number, cursor?: EventCursor): Promise<SecurityEventEntity[]> {
    const query = this.events().createQueryBuilder('event').where('event.user_id = :userId', { userId });
    if (cursor) query.andWhere(`(event.created_at, event.id) ${order === 'ASC' ? '>' : '<'} (:at, :id)`, cursor);
    return query.orderBy('event.created_at', order).addOrderBy('event.id', order).take(limit).getMany();
  }
}

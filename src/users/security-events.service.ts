import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, type EntityManager, In, LessThan, MoreThan, type Repository } from 'typeorm';
import { SecurityEventEntity, type SecurityEventType } from './security-event.entity';

/** Facts an event may carry; never a secret. */
export type SecurityEventDetails = Record<string, string | number | boolean | null>;

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** Writes the security log; pass the transaction's manager to record within it. */
@Injectable()
export class SecurityEventsService {
  constructor(@InjectRepository(SecurityEventEntity) private readonly events: Repository<SecurityEventEntity>) {}

  async record(userId: string, type: SecurityEventType, origin: RequestOrigin, manager?: EntityManager, details?: SecurityEventDetails): Promise<void> {
    const repository = manager ? manager.getRepository(SecurityEventEntity) : this.events;
    await repository.insert({
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
  async listForUser(userId: string, limit: number, before?: { at: Date; id: string }): Promise<SecurityEventEntity[]> {
    const query = this.events.createQueryBuilder('event').where('event.user_id = :userId', { userId });
    if (before) query.andWhere('(event.created_at < :at OR (event.created_at = :at AND event.id < :id))', { at: before.at, id: before.id });
    return query.orderBy('event.created_at', 'DESC').addOrderBy('event.id', 'DESC').take(limit).getMany();
  }

  /** The user's sign-ins (password and provider) between `since` and `before`, newest first, at most 200. */
  recentSignIns(userId: string, since: Date, before: Date): Promise<SecurityEventEntity[]> {
    return this.events.find({
      select: { id: true, ip: true, userAgent: true, createdAt: true },
      where: { userId, type: In(['login', 'provider_login', 'provider_signup']), createdAt: And(MoreThan(since), LessThan(before)) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
  }

  /** Every event of the user, oldest first, in pages (for the data export, which streams them). */
  async *allForUser(userId: string, pageSize = 500): AsyncGenerator<SecurityEventEntity> {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const query = this.events.createQueryBuilder('event').where('event.user_id = :userId', { userId });
      if (after) query.andWhere('(event.created_at > :at OR (event.created_at = :at AND event.id > :id))', { at: after.at, id: after.id });
      const page = await query.orderBy('event.created_at', 'ASC').addOrderBy('event.id', 'ASC').take(pageSize).getMany();
      yield* page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { at: last.createdAt, id: last.id };
    }
  }
}

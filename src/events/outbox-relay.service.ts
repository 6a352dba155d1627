import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { In, type Repository } from 'typeorm';
import { eventsConfig } from '#src/config/events.config';
import type { Settings } from '#src/config/settings-token';
import { SingleDrain } from '#src/common/concurrency/single-drain';
import { type Db, TransactionRunner } from '#src/database/transaction-runner';
import { EventPublisher } from './event-publisher';
import { OutboxEventEntity } from './outbox-event.entity';

const BATCH = 100;

/**
 * Publishes the outbox's rows to the broker, oldest first, and marks a row sent only after the broker took it;
 * rows it could not take are retried until it does. Delivery is at-least-once: consumers de-duplicate by
 * eventId. A broker that is down never fails or delays a user's request.
 *
 * Each batch is claimed first (on PostgreSQL with FOR UPDATE SKIP LOCKED), so several instances share the work
 * instead of publishing the same rows; a claim that its instance did not finish (it crashed) lapses after
 * OUTBOX_CLAIM_TTL and the row is published by whoever comes next.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private readonly runner = new SingleDrain(
    () => (this.publisher ? this.drain(this.publisher) : Promise.resolve()),
    (error) => this.logger.warn(`outbox: ${error.message}`),
  );
  private stopped = false;

  constructor(
    private readonly database: TransactionRunner,
    /** Null without BROKER_URL: then rows wait (and the retention purge removes them in time). */
    @Inject(EventPublisher) private readonly publisher: EventPublisher | null,
    @Inject(eventsConfig.KEY) private readonly config: Settings<typeof eventsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.publisher) return;
    this.timer = setInterval(() => this.kick(), this.config.retryIntervalMs).unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.runner.settled();
    await this.publisher?.close().catch(() => undefined);
  }

  /** Publishes pending rows; one drain at a time, run again if rows arrived meanwhile. */
  kick(): void {
    if (this.publisher && !this.stopped) this.runner.kick();
  }

  private async drain(publisher: EventPublisher): Promise<void> {
    for (;;) {
      const claimed = await this.claim();
      for (const [index, event] of claimed.entries()) {
        try {
          await publisher.publish(event.name, JSON.parse(event.payload) as Record<string, unknown>);
        } catch (error) {
          await this.rows().increment({ id: event.id }, 'attempts', 1);
          // The broker is away: give back what is left of the batch (in order) and let the timer try again.
          await this.rows().update({ id: In(claimed.slice(index).map((row) => row.id)) }, { claimedUntil: null });
          throw new Error(`broker unavailable, event(s) waiting: ${(error as Error).message}`);
        }
        await this.rows().update({ id: event.id }, { publishedAt: new Date(), claimedUntil: null });
      }
      if (claimed.length < BATCH || this.stopped) return;
    }
  }

  /** The oldest unpublished rows nobody holds, now held by this instance until the claim lapses. */
  private claim(): Promise<OutboxEventEntity[]> {
    return this.database.run(async (tx) => {
      const now = new Date();
      const query = this.rows(tx)
        .createQueryBuilder('event')
        .where('event.published_at IS NULL')
        .andWhere('(event.claimed_until IS NULL OR event.claimed_until < :now)', { now })
        .orderBy('event.created_at', 'ASC')
        .addOrderBy('event.id', 'ASC')
        .limit(BATCH);
      if (this.database.isPostgres) query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getMany();
      if (rows.length > 0) {
        await this.rows(tx).update({ id: In(rows.map((row) => row.id)) }, { claimedUntil: new Date(now.getTime() + this.config.claimTtlSeconds * 1000) });
      }
      return rows;
    });
  }

  private rows(db?: Db): Repository<OutboxEventEntity> {
    return this.database.repository(OutboxEventEntity, db);
  }
}

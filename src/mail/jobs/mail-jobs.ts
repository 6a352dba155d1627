import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { SingleDrain } from '#src/common/concurrency/single-drain';
import { eventsConfig } from '#src/config/events.config';
import type { Settings } from '#src/config/settings-token';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { MailUnavailableError } from '../mail.service';
import { MailJobEntity } from './mail-job.entity';

/** Does a job's work: composes and sends its mail (MailService.send). MailUnavailableError means "try again later". */
export type MailJobHandler = (payload: Record<string, unknown>) => Promise<void>;

/** Seconds to wait after the n-th failed attempt: about a day in all, then the job is given up. */
const RETRY_AFTER_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 28_800];
const POLL_MS = 5_000;
const BATCH = 20;

/**
 * Mail work recorded by a request and done right after it by this instance (or by any instance once due): see
 * MailJobEntity. Features register one handler per kind at start-up; a job whose handler throws anything but
 * MailUnavailableError is given up at once and logged (retrying a bug only repeats it).
 */
@Injectable()
export class MailJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MailJobs.name);
  private readonly handlers = new Map<string, MailJobHandler>();
  private timer?: NodeJS.Timeout;
  private readonly runner = new SingleDrain(
    () => this.drain(),
    (error) => this.logger.warn(`mail jobs: ${error.message}`),
  );
  private stopped = false;

  constructor(
    private readonly database: TransactionRunner,
    /** OUTBOX_CLAIM_TTL: how long a claimed job waits for its instance, which may have crashed mid-send. */
    @Inject(eventsConfig.KEY) private readonly events: Settings<typeof eventsConfig>,
  ) {}

  /** `kind`'s handler; one per kind. */
  handle(kind: string, handler: MailJobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`mail job "${kind}" has a handler already`);
    this.handlers.set(kind, handler);
  }

  /** Records the job (in the caller's transaction when given); it runs once that commits. */
  async enqueue(kind: string, payload: Record<string, unknown>, within?: Transaction): Promise<void> {
    const now = new Date();
    await this.database.run(async (tx) => {
      await this.rows(tx).insert({
        id: randomUUID(),
        kind,
        payload: JSON.stringify(payload),
        createdAt: now,
        dueAt: now,
        attempts: 0,
        claimedUntil: null,
        doneAt: null,
        failed: false,
      });
      tx.afterCommit(() => this.kick());
    }, within);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS).unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.runner.settled();
  }

  /** Runs due jobs; one drain at a time, again when jobs arrived meanwhile. */
  kick(): void {
    if (!this.stopped) this.runner.kick();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = new Date();
      const due = await this.rows().find({ where: { doneAt: IsNull(), dueAt: LessThan(new Date(now.getTime() + 1)) }, order: { dueAt: 'ASC' }, take: BATCH });
      let ran = 0;
      for (const job of due) {
        if (this.stopped) return;
        if (await this.claim(job, now)) {
          await this.run(job);
          ran++;
        }
      }
      if (due.length < BATCH || ran === 0) return;
    }
  }

  /** Conditional: of several instances, one runs the job. */
  private async claim(job: MailJobEntity, now: Date): Promise<boolean> {
    const result = await this.rows()
      .createQueryBuilder()
      .update(MailJobEntity)
      .set({ claimedUntil: new Date(now.getTime() + this.events.claimTtlSeconds * 1000) })
      .where('id = :id AND done_at IS NULL AND (claimed_until IS NULL OR claimed_until < :now)', { id: job.id, now })
      .execute();
    return result.affected === 1;
  }

  private async run(job: MailJobEntity): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for mail job "${job.kind}"`);
      await handler(JSON.parse(job.payload) as Record<string, unknown>);
      await this.rows().update({ id: job.id }, { doneAt: new Date(), claimedUntil: null, attempts: job.attempts + 1 });
    } catch (error) {
      const attempts = job.attempts + 1;
      const retry = error instanceof MailUnavailableError && attempts <= RETRY_AFTER_SECONDS.length;
      if (!retry) this.logger.error(`mail job "${job.kind}" given up after ${attempts} attempt(s): ${(error as Error).message}`);
      const dueAt = new Date(Date.now() + (RETRY_AFTER_SECONDS[attempts - 1] ?? 0) * 1000);
      await this.rows().update(
        { id: job.id },
        retry ? { attempts, dueAt, claimedUntil: null } : { attempts, doneAt: new Date(), failed: true, claimedUntil: null },
      );
    }
  }

  private rows(db?: Db): Repository<MailJobEntity> {
    return this.database.repository(MailJobEntity, db);
  }
}

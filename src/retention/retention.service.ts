import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { In, type FindOptionsWhere } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { TransactionRunner } from '#src/database/transaction-runner';
import { type RetentionRule, RetentionRules } from './retention-rules';

/** The PostgreSQL advisory lock that lets one instance at a time purge ('prof' 'purg' as two int4s). */
const LOCK_KEY = [0x70726f66, 0x70757267] as const;
/** The first run waits a little, so a starting fleet does not purge at once. */
const FIRST_RUN_DELAY_MS = 30_000;

export type PurgeReport = Record<string, number>;

/**
 * Deletes what the service no longer needs, by the rules each module adds for its own tables (`RetentionRules`;
 * docs/api.md lists them). In batches of RETENTION_BATCH_SIZE, each its own short statement (no long lock,
 * traffic flows between batches), and on PostgreSQL under an advisory lock, so one instance at a time does it.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<PurgeReport | null>;
  private stopping = false;

  constructor(
    private readonly database: TransactionRunner,
    private readonly rules: RetentionRules,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.intervalSeconds === 0) return;
    const run = () => void this.purge().catch((error: Error) => this.logger.warn(`retention purge failed: ${error.message}`));
    this.timer = setTimeout(
      () => {
        run();
        this.timer = setInterval(run, this.config.intervalSeconds * 1000).unref();
      },
      Math.min(FIRST_RUN_DELAY_MS, this.config.intervalSeconds * 1000),
    ).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One purge; null when another instance (or this one) is already purging. */
  purge(now = Date.now()): Promise<PurgeReport | null> {
    if (this.running) return Promise.resolve(null);
    this.running = this.purgeUnderLock(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purgeUnderLock(now: number): Promise<PurgeReport | null> {
    return this.database.exclusively(LOCK_KEY, () => this.purgeAll(now));
  }

  private async purgeAll(now: number): Promise<PurgeReport> {
    const report: PurgeReport = {};
    for (const rule of this.rules.all()) report[rule.name] = await this.purgeRule(rule, now);
    const total = Object.values(report).reduce((sum, count) => sum + count, 0);
    if (total > 0)
      this.logger.log(
        `retention purge removed ${Object.entries(report)
          .map(([name, count]) => `${count} ${name}`)
          .join(', ')}`,
      );
    return report;
  }

  private async purgeRule<T extends object>(rule: RetentionRule<T>, now: number): Promise<number> {
    const repository = this.database.repository(rule.entity);
    let removed = 0;
    for (const where of rule.conditions(now)) {
      for (;;) {
        if (this.stopping) return removed;
        const batch = await repository.find({ select: { [rule.key]: true } as never, where, take: this.config.batchSize });
        if (batch.length === 0) break;
        const keys = batch.map((row) => row[rule.key]);
        removed += await this.database.run(async (tx) => {
          const rows = this.database.repository(rule.entity, tx);
          // The condition again, with the keys: a row that changed since it was read (a TOTP enrolment started
          // again, an address verified meanwhile) no longer matches and stays.
          const matching = { ...where, [rule.key]: In(keys) } as FindOptionsWhere<T>;
          const byKey = { select: { [rule.key]: true } as never, where: { [rule.key]: In(keys) } as never };
          const remembered = { ...byKey, select: Object.fromEntries([rule.key, ...(rule.remember ?? [])].map((column) => [column, true])) as never };
          const present = rule.deleted ? await rows.find(remembered) : [];
          const gone = await rows.delete(matching);
          if (rule.deleted) {
            const left = new Set((await rows.find(byKey)).map((row) => row[rule.key]));
            const deletedRows = present.filter((row) => !left.has(row[rule.key]));
            await rule.deleted(
              deletedRows.map((row) => String(row[rule.key])),
              tx,
              deletedRows,
            );
          }
          return gone.affected ?? keys.length;
        });
        if (batch.length < this.config.batchSize) break;
        // Between batches, let the requests that were waiting run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return removed;
  }
}

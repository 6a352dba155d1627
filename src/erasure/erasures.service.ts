import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IsNull, LessThan } from 'typeorm';
import { deletionConfig } from '#src/config/deletion.config';
import type { Settings } from '#src/config/settings-token';
import { AppError } from '#src/common/errors/app-error';
import { type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, type UserDeletedEvent } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { ErasureConfirmationEntity } from './erasure-confirmation.entity';
import { ErasureEntity } from './erasure.entity';

export interface ErasureStatus {
  erasureId: string;
  deletedAt: Date;
  expected: string[];
  confirmed: Array<{ service: string; confirmedAt: Date }>;
  /** Expected services that have not confirmed. */
  missing: string[];
  completedAt: Date | null;
}

/**
 * Every deletion of an account, whichever path deletes it (the owner, the end of a grace period, the purge of a
 * never-verified account, a takeback removing a squat), goes through `recordDeletion`: the `user.deleted` event
 * with a fresh `erasureId`, and the erasure's row, in the deleting transaction. Services that hold the user's
 * data answer `erasure.confirmed` `{ erasureId, service }`; an erasure that an expected service has not
 * confirmed within ERASURE_DEADLINE is overdue.
 */
@Injectable()
export class Erasures {
  constructor(
    private readonly database: TransactionRunner,
    private readonly outbox: Outbox,
    @Inject(deletionConfig.KEY) private readonly config: Settings<typeof deletionConfig>,
  ) {}

  async recordDeletion(userId: string, tx: Transaction): Promise<string> {
    const erasureId = randomUUID();
    const now = new Date();
    const expected = this.config.expectedServices;
    await this.database
      .repository(ErasureEntity, tx)
      .insert({ id: erasureId, deletedAt: now, expectedServices: JSON.stringify(expected), completedAt: expected.length === 0 ? now : null });
    await this.outbox.record(tx, AccountEvents.userDeleted, { userId, at: now.toISOString(), erasureId } satisfies UserDeletedEvent);
    return erasureId;
  }

  /** Records a service's confirmation (again: no change); the erasure is complete once every expected service confirmed. */
  async confirm(erasureId: string, service: string): Promise<ErasureStatus> {
    return this.database.run(async (tx) => {
      const erasure = await this.database.repository(ErasureEntity, tx).findOneBy({ id: erasureId });
      if (!erasure) throw new AppError('NOT_FOUND', 'No such erasure.');
      const confirmations = this.database.repository(ErasureConfirmationEntity, tx);
      await confirmations.createQueryBuilder().insert().values({ erasureId, service, confirmedAt: new Date() }).orIgnore().execute();
      const status = this.statusOf(erasure, await confirmations.findBy({ erasureId }));
      if (status.missing.length === 0 && erasure.completedAt === null) {
        const completedAt = new Date();
        await this.database.repository(ErasureEntity, tx).update({ id: erasureId, completedAt: IsNull() }, { completedAt });
        status.completedAt = completedAt;
      }
      return status;
    });
  }

  /** Erasures an expected service has not confirmed ERASURE_DEADLINE after the deletion. */
  async overdue(now = Date.now(), limit = 100): Promise<ErasureStatus[]> {
    const open = await this.database.repository(ErasureEntity).find({
      where: { completedAt: IsNull(), deletedAt: LessThan(new Date(now - this.config.deadlineSeconds * 1000)) },
      order: { deletedAt: 'ASC' },
      take: limit,
    });
    return this.withConfirmations(open);
  }

  /** The latest erasures, complete or not, for the operators' list. */
  async latest(limit = 100): Promise<ErasureStatus[]> {
    return this.withConfirmations(await this.database.repository(ErasureEntity).find({ order: { deletedAt: 'DESC' }, take: limit }));
  }

  private async withConfirmations(erasures: ErasureEntity[]): Promise<ErasureStatus[]> {
    if (erasures.length === 0) return [];
    const confirmations = await this.database.repository(ErasureConfirmationEntity).find({ where: erasures.map((erasure) => ({ erasureId: erasure.id })) });
    return erasures.map((erasure) =>
      this.statusOf(
        erasure,
        confirmations.filter((confirmation) => confirmation.erasureId === erasure.id),
      ),
    );
  }

  private statusOf(erasure: ErasureEntity, confirmations: ErasureConfirmationEntity[]): ErasureStatus {
    const expected = JSON.parse(erasure.expectedServices) as string[];
    const confirmed = confirmations.map(({ service, confirmedAt }) => ({ service, confirmedAt }));
    return {
      erasureId: erasure.id,
      deletedAt: erasure.deletedAt,
      expected,
      confirmed,
      missing: expected.filter((service) => !confirmed.some((entry) => entry.service === service)),
      completedAt: erasure.completedAt,
    };
  }
}

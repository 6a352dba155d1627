import { Injectable } from '@nestjs/common';
import type { Transaction } from '#src/database/transaction-runner';
import { AccountEvents, type DeletionScheduledEvent, type UserEventPayload } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { UsersRepository } from '#src/users/users.repository';

/**
 * A deletion with a grace period, scheduled and cancelled: the account's dates, the security event and the
 * account event in the caller's transaction. Cancelling is also what a lock and every takeback do (a scheduled
 * deletion is a pending change), so it sits below all of them.
 */
@Injectable()
export class DeletionSchedule {
  constructor(
    private readonly users: UsersRepository,
    private readonly emailTokens: EmailTokensService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
  ) {}

  /** False when a deletion was scheduled already (its date stands). */
  async schedule(userId: string, at: Date, deleteAt: Date, origin: RequestOrigin, tx: Transaction): Promise<boolean> {
    if (!(await this.users.scheduleDeletion(userId, at, deleteAt, tx))) return false;
    await this.securityEvents.record({ userId, type: 'deletion_scheduled', origin, details: { deleteAt: deleteAt.toISOString() } }, tx);
    await this.outbox.record(tx, AccountEvents.userDeletionScheduled, {
      userId,
      at: at.toISOString(),
      deleteAt: deleteAt.toISOString(),
    } satisfies DeletionScheduledEvent);
    return true;
  }

  /** False when nothing was scheduled. The cancel links mailed for it stop working. */
  async cancel(userId: string, origin: RequestOrigin, tx: Transaction): Promise<boolean> {
    if (!(await this.users.cancelDeletion(userId, tx))) return false;
    await this.emailTokens.cancel(userId, 'cancel_deletion', tx);
    await this.securityEvents.record({ userId, type: 'deletion_cancelled', origin }, tx);
    await this.outbox.record(tx, AccountEvents.userDeletionCancelled, { userId, at: new Date().toISOString() } satisfies UserEventPayload);
    return true;
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SessionsService } from '#src/auth/sessions/sessions.service';
import { AvatarService } from '#src/avatar/avatar.service';
import { deletionConfig } from '#src/config/deletion.config';
import type { Settings } from '#src/config/settings-token';
import { TransactionRunner } from '#src/database/transaction-runner';
import { DeletionSchedule } from '#src/erasure/deletion-schedule';
import { Erasures } from '#src/erasure/erasures.service';
import { MailJobs } from '#src/mail/jobs/mail-jobs';
import { type MailRecipient, MailService } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { EmailTokensService, invalidEmailToken } from '#src/users/email-tokens/email-tokens.service';
import type { RequestOrigin } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';
import { UsersRepository } from '#src/users/users.repository';

const DELETION_SCHEDULED_JOB = 'deletion_scheduled';

export interface ScheduledDeletion {
  deletionScheduledAt: Date;
  deleteAt: Date;
}

/**
 * Deleting the account (the route needs a step-up): at once (ACCOUNT_DELETION_GRACE=0), or at the end of the
 * grace, cancellable meanwhile by the owner signed in again or through the mailed link. The deletion itself is
 * the same either way: the user row and, by cascade, every row of theirs, with `user.deleted` and its erasure in
 * one transaction, then the avatar files, then a goodbye.
 */
@Injectable()
export class AccountDeletionService implements OnModuleInit {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly schedule: DeletionSchedule,
    private readonly erasures: Erasures,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly mailJobs: MailJobs,
    private readonly notices: SecurityNotices,
    private readonly avatars: AvatarService,
    @Inject(deletionConfig.KEY) private readonly config: Settings<typeof deletionConfig>,
  ) {}

  onModuleInit(): void {
    this.mailJobs.handle(DELETION_SCHEDULED_JOB, (job) => this.mailCancelLink(job.userId as string));
  }

  /** Null: deleted now. Otherwise when it was scheduled and when it happens (asked again: the first date stands). */
  async requestDeletion(user: UserEntity, origin: RequestOrigin): Promise<ScheduledDeletion | null> {
    if (this.config.graceSeconds === 0) {
      await this.deleteNow(user);
      return null;
    }
    return this.database.run(async (tx) => {
      const now = new Date();
      const deleteAt = new Date(now.getTime() + this.config.graceSeconds * 1000);
      if (await this.schedule.schedule(user.id, now, deleteAt, origin, tx)) {
        // The mail is a job of this transaction: a crash after the commit still sends it, none without the commit.
        await this.mailJobs.enqueue(DELETION_SCHEDULED_JOB, { userId: user.id }, tx);
      }
      await this.sessions.revokeAllExcept(user.id, null, tx);
      const current = (await this.users.findById(user.id, tx)) as UserEntity;
      return { deletionScheduledAt: current.deletionScheduledAt as Date, deleteAt: current.deleteAt as Date };
    });
  }

  /** The signed-in owner changed their mind (a sign-in during the grace was the proof). Nothing scheduled: nothing to do. */
  async cancelSignedIn(userId: string, origin: RequestOrigin): Promise<void> {
    const cancelled = await this.database.run((tx) => this.schedule.cancel(userId, origin, tx));
    if (cancelled) await this.tellCancelled(userId);
  }

  /** The mailed link's token is the credential; single-use, and worthless once the deletion was cancelled otherwise. */
  async cancelWithLink(token: string, origin: RequestOrigin): Promise<void> {
    const userId = await this.database.run(async (tx) => {
      const used = await this.emailTokens.consume(token, ['cancel_deletion'], tx);
      if (!(await this.schedule.cancel(used.userId, origin, tx))) throw invalidEmailToken();
      return used.userId;
    });
    await this.tellCancelled(userId);
  }

  async deleteNow(user: UserEntity): Promise<void> {
    await this.database.run(async (tx) => {
      await this.users.delete(user.id, tx);
      await this.erasures.recordDeletion(user.id, tx);
    });
    await this.afterDeletion(user.id, user);
  }

  /** What follows a deletion's commit, whichever path deleted: the avatar files, then the goodbye. */
  async afterDeletion(userId: string, owner: MailRecipient): Promise<void> {
    await this.avatars.removeAllFiles(userId);
    await this.mail.notify(this.mail.accountDeleted(owner));
  }

  /** The job: the cancel link, valid until the deletion; nothing once it was cancelled. A MAIL_UNAVAILABLE is retried. */
  private async mailCancelLink(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user?.deleteAt || user.deleteAt <= new Date()) return;
    const { deleteAt } = user;
    const ttlSeconds = Math.max(60, Math.ceil((deleteAt.getTime() - Date.now()) / 1000));
    await this.emailTokens.mailNew(user.id, 'cancel_deletion', user.email, ttlSeconds, (token) =>
      this.notices.sendOrThrow(user.id, this.mail.deletionScheduled(user, deleteAt, token)),
    );
  }

  private async tellCancelled(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (user) await this.notices.send(user.id, this.mail.deletionCancelled(user));
  }
}

import { Injectable } from '@nestjs/common';
import { AvatarService } from '#src/avatar/avatar.service';
import { TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, type UserEventPayload } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { MailService } from '#src/mail/mail.service';
import type { UserEntity } from '#src/users/user.entity';
import { UsersRepository } from '#src/users/users.repository';

/** Deleting the account (the route needs a step-up). */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly mail: MailService,
    private readonly avatars: AvatarService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Removes the user and, by cascade, every row of theirs (sessions, identities, tokens, security events) with
   * the `user.deleted` event in one transaction; then their avatar files; then says goodbye.
   */
  async deleteAccount(user: UserEntity): Promise<void> {
    await this.database.run(async (tx) => {
      await this.users.delete(user.id, tx);
      await this.outbox.record(tx, AccountEvents.userDeleted, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    await this.avatars.removeAllFiles(user.id);
    await this.mail.notify(this.mail.accountDeleted(user.email));
  }
}

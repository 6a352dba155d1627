import { Inject, Injectable } from '@nestjs/common';
import { emailLookupKey } from '#src/common/validation/email';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import { type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, type UserEventPayload } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { DeletionSchedule } from '#src/erasure/deletion-schedule';
import { MailService } from '#src/mail/mail.service';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { UsersRepository } from '#src/users/users.repository';
import { EmailTokensService, invalidEmailToken } from '#src/users/email-tokens/email-tokens.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { PasswordService } from '#src/password/password.service';
import { SessionsService } from '#src/auth/sessions/sessions.service';
import { TakebackService } from '../takeback.service';

/**
 * "This wasn't me": the lock, from a security notice's link or by a signed-in user, and the unlock from the link
 * mailed to the account's address. Locking needs no step-up (whoever holds the session may pull the brake); it
 * ends every session, cancels a pending change and makes every sign-in answer 403 ACCOUNT_LOCKED. The unlock
 * sets a new password and is a takeback.
 */
@Injectable()
export class AccountLockService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly emailTokens: EmailTokensService,
    private readonly passwords: PasswordService,
    private readonly takeback: TakebackService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    private readonly deletionSchedule: DeletionSchedule,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /** The link of a notice: the token is the credential (single-use; the lock spends the account's other lock links too). */
  lockWithLink(token: string, origin: RequestOrigin): Promise<void> {
    return this.lock(origin, async (tx) => (await this.emailTokens.consume(token, ['lock'], tx)).userId, 'link');
  }

  lockSignedIn(userId: string, origin: RequestOrigin): Promise<void> {
    return this.lock(origin, () => Promise.resolve(userId), 'session');
  }

  /** Locking a locked account again sends a new unlock link (the earlier one stops working). */
  private async lock(origin: RequestOrigin, whose: (tx: Transaction) => Promise<string>, via: 'link' | 'session'): Promise<void> {
    const locked = await this.database.run(async (tx) => {
      const user = await this.users.findById(await whose(tx), tx);
      if (!user) throw invalidEmailToken();
      const now = new Date();
      await this.users.lock(user.id, now, tx);
      await this.sessions.revokeAllExcept(user.id, null, tx);
      await this.emailTokens.cancelPendingChange(user.id, tx);
      await this.deletionSchedule.cancel(user.id, origin, tx);
      await this.emailTokens.cancel(user.id, 'lock', tx);
      await this.securityEvents.record({ userId: user.id, type: 'account_locked', origin, details: { via } }, tx);
      await this.outbox.record(tx, AccountEvents.userLocked, { userId: user.id, at: now.toISOString() } satisfies UserEventPayload);
      const unlock = await this.emailTokens.issue(user.id, 'unlock', user.email, this.config.lockTokenTtl, tx);
      return { recipient: user, unlock };
    });
    await this.mail.notify(this.mail.accountLocked(locked.recipient, locked.unlock));
  }

  /**
   * Ends the lock with a new password: a takeback, so what was added in LOCK_LOOKBACK before the lock goes. The
   * token is checked first and used up in the transaction that unlocks, so a refused password leaves it usable.
   */
  async unlock(token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const open = await this.emailTokens.findOpen(token, ['unlock']);
    const user = open ? await this.users.findById(open.userId) : null;
    // Sent to an address the account no longer has (an undo came first), or the lock already ended (a reset).
    if (!open || !user?.lockedAt || emailLookupKey(open.email) !== user.emailNormalized) throw invalidEmailToken();
    const currentHash = await this.users.getPasswordHash(user.id);
    const newHash = await this.passwords.hashNew(newPassword, { email: user.email, username: user.username, displayName: user.displayName, currentHash });
    await this.database.run(async (tx) => {
      await this.emailTokens.consume(token, ['unlock'], tx);
      const current = await this.users.findById(user.id, tx);
      if (!current?.lockedAt) throw invalidEmailToken();
      await this.takeback.takeBack(current, { kind: 'unlock', newPassword: newHash }, origin, tx);
      await this.outbox.record(tx, AccountEvents.passwordChanged, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    await this.notices.send(user.id, this.mail.accountUnlocked(user));
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { AvatarService } from '../avatar/avatar.service';
import { PasswordHasher } from '../auth/password/password-hasher.service';
import { PasswordPolicy } from '../auth/password/password-policy.service';
import { EmailChangeService } from '../auth/email-change/email-change.service';
import type { AuthContext } from '../auth/guards/auth-context';
import { SessionsService } from '../auth/sessions/sessions.service';
import { MailService } from '../mail/mail.service';
import { type RequestOrigin, SecurityEventsRepository } from '../users/security-events.repository';
import type { UserEntity } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { AccountEvents, type UserEventPayload } from '../events/account-events';
import { Outbox } from '../events/outbox';

/** The step-up-guarded account operations: a new password, and deleting the account. */
@Injectable()
export class AccountSecurityService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly emailChange: EmailChangeService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly mail: MailService,
    private readonly avatars: AvatarService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Replaces the password and, in the same transaction, ends every other session of the user and cancels a
   * pending email change; the current session continues. The notice lists the providers that still sign in
   * (an attacker may have linked one). It is best effort: a mail failure never undoes a completed change.
   */
  async changePassword(auth: AuthContext, newPassword: string, origin: RequestOrigin): Promise<void> {
    const { user, sessionId: currentSessionId } = auth;
    const currentHash = await this.users.getPasswordHash(user.id);
    await this.policy.assertAcceptable(newPassword, { email: user.email, username: user.username, currentHash });
    const newHash = await this.hasher.hash(newPassword);
    // An account that signed up through a provider gets its first password here.
    const firstPassword = currentHash === null;
    await this.database.run(async (tx) => {
      await this.users.setPasswordHash(user.id, newHash, tx);
      await this.sessions.revokeAllExcept(user.id, currentSessionId, tx);
      // An email change someone else requested with the old password must not complete after it.
      await this.emailChange.cancelPendingChange(user.id, tx);
      await this.securityEvents.record(user.id, firstPassword ? 'password_set' : 'password_changed', origin, tx);
      await this.outbox.record(tx, AccountEvents.passwordChanged, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    // The request loaded the identities already (with the session); a password change does not alter them.
    const providers = auth.identities.map((identity) => identity.provider);
    await this.mail.notify(this.mail.passwordChanged(user.email, firstPassword, providers));
  }

  /** Removes the user and, by cascade, every row of theirs in one transaction; then their avatar files; then says goodbye. */
  async deleteAccount(user: UserEntity): Promise<void> {
    await this.database.run(async (tx) => {
      await this.users.delete(user.id, tx);
      await this.outbox.record(tx, AccountEvents.userDeleted, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    await this.avatars.removeAllFiles(user.id);
    await this.mail.notify(this.mail.accountDeleted(user.email));
  }
}

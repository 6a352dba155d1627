import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, type UserEventPayload } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { MailService } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { UsersRepository } from '#src/users/users.repository';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { SessionsService } from '#src/auth/sessions/sessions.service';
import { PasswordService } from './password.service';

/** A signed-in user's new password (the route needs a step-up). */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly emailTokens: EmailTokensService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
  ) {}

  /**
   * Replaces the password and, in the same transaction, ends every other session of the user and cancels a
   * pending email change; the current session continues. The notice lists the providers that still sign in
   * (an attacker may have linked one). It is best effort: a mail failure never undoes a completed change.
   */
  async changePassword(auth: AuthContext, newPassword: string, origin: RequestOrigin): Promise<void> {
    const { user, sessionId: currentSessionId } = auth;
    const currentHash = await this.users.getPasswordHash(user.id);
    const newHash = await this.passwords.hashNew(newPassword, { email: user.email, username: user.username, displayName: user.displayName, currentHash });
    // An account that signed up through a provider gets its first password here.
    const firstPassword = currentHash === null;
    await this.database.run(async (tx) => {
      await this.users.setPassword(user.id, newHash, tx);
      await this.sessions.revokeAllExcept(user.id, currentSessionId, tx);
      // An email change someone else requested with the old password must not complete after it.
      await this.emailTokens.cancelPendingChange(user.id, tx);
      await this.securityEvents.record({ userId: user.id, type: firstPassword ? 'password_set' : 'password_changed', origin }, tx);
      await this.outbox.record(tx, AccountEvents.passwordChanged, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    // The request loaded the identities already (with the session); a password change does not alter them.
    const providers = auth.identities.map((identity) => identity.provider);
    await this.notices.send(user.id, this.mail.passwordChanged(user, firstPassword, providers));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { type Transaction, TransactionRunner } from '../../../database/transaction-runner';
import type { Settings } from '../../../config/settings-token';
import { emailLookupKey } from '../../../common/validation/email';
import { authConfig } from '../../../config/auth.config';
import { MailService } from '../../../mail/mail.service';
import { AccountEvents, type UserEventPayload } from '../../../events/account-events';
import { Outbox } from '../../../events/outbox';
import { type RequestOrigin, SecurityEventsRepository } from '../../../users/security-events.repository';
import { UserIdentitiesRepository } from '../../../users/user-identities.repository';
import { UsersRepository } from '../../../users/users.repository';
import { EmailTokensService, invalidEmailToken } from '../../email-tokens/email-tokens.service';
import { PasswordService } from '../password.service';
import { limitMailsToAddress } from '../../../rate-limit/address-mail-limit';
import { RateLimiter } from '../../../rate-limit/rate-limiter.service';
import { SessionsService } from '../../sessions/sessions.service';

/**
 * Recovering a forgotten password through the account's address: a single-use link (RESET_TOKEN_TTL), then a
 * new password that ends every session. It also settles who owns an unverified address: resetting proves
 * the mailbox, so the address counts as verified and whoever registered it meanwhile is signed out.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly emailTokens: EmailTokensService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordService,
    private readonly limiter: RateLimiter,
    private readonly mail: MailService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * Mails a reset link when the address belongs to an account; answers the same either way (no enumeration),
   * also when the mail cannot be sent (logged). A new link supersedes the earlier one.
   */
  async requestReset(email: string, origin: RequestOrigin): Promise<void> {
    await limitMailsToAddress(this.limiter, 'password-reset', email);
    const user = await this.users.findByEmail(email);
    if (!user) return;
    const token = this.emailTokens.newToken();
    try {
      await this.mail.send(this.mail.passwordReset(user.email, token, Math.round(this.config.resetTokenTtl / 60)));
    } catch {
      return; // logged by the mail service; nothing is stored for a link nobody received
    }
    await this.emailTokens.store(token, user.id, 'reset', user.email, this.config.resetTokenTtl);
    await this.securityEvents.record(user.id, 'password_reset_requested', origin);
  }

  /** A reset token for the user's address, inside the caller's transaction (the revert of an email change). */
  async issueToken(userId: string, email: string, tx: Transaction): Promise<string> {
    const stored = await this.emailTokens.store(this.emailTokens.newToken(), userId, 'reset', email, this.config.resetTokenTtl, tx);
    return stored.token;
  }

  /**
   * Sets the new password: the policy applies; every session ends; a pending email change is cancelled; the
   * address counts as verified. The token is checked first and used up in the transaction that sets the
   * password, so a policy refusal leaves it usable and two resets with one token cannot both succeed.
   */
  async resetPassword(token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const open = await this.emailTokens.findOpen(token, ['reset']);
    const user = open ? await this.users.findById(open.userId) : null;
    // A link mailed to an address the account no longer has is not a proof of this account's mailbox.
    if (!open || !user || emailLookupKey(open.email) !== user.emailNormalized) throw invalidEmailToken();
    const currentHash = await this.users.getPasswordHash(user.id);
    const newHash = await this.passwords.hashNew(newPassword, { email: user.email, username: user.username, currentHash });
    await this.database.run(async (tx) => {
      await this.emailTokens.consume(token, ['reset'], tx);
      await this.users.setPasswordHash(user.id, newHash, tx);
      await this.users.markEmailVerified(user.id, user.email, tx);
      await this.sessions.revokeAllExcept(user.id, null, tx);
      await this.emailTokens.cancelPendingChange(user.id, tx);
      await this.securityEvents.record(user.id, 'password_reset', origin, tx);
      await this.outbox.record(tx, AccountEvents.passwordChanged, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    const providers = (await this.identities.listForUser(user.id)).map((identity) => identity.provider);
    await this.mail.notify(this.mail.passwordWasReset(user.email, providers));
  }
}

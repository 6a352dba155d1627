import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { TransactionRunner } from '#src/database/transaction-runner';
import type { Settings } from '#src/config/settings-token';
import { emailLookupKey } from '#src/common/validation/email';
import { authConfig } from '#src/config/auth.config';
import { MailJobs } from '#src/mail/jobs/mail-jobs';
import { MailService } from '#src/mail/mail.service';
import { AccountEvents, type UserEventPayload } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { UserIdentitiesRepository } from '#src/users/user-identities.repository';
import { UsersRepository } from '#src/users/users.repository';
import { EmailTokensService, invalidEmailToken } from '#src/users/email-tokens/email-tokens.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { TakebackService } from '../takeback.service';
import { PasswordService } from '#src/password/password.service';
import { limitMailsToAddress } from '#src/rate-limit/address-mail-limit';
import { RateLimiter } from '#src/rate-limit/rate-limiter.service';

const RESET_LINK_JOB = 'password_reset_link';

/**
 * Recovering a forgotten password through the account's address: a single-use link (RESET_TOKEN_TTL), then a
 * new password. Setting it is a takeback (TakebackService): it proves the mailbox, so every session ends, the
 * address counts as verified, a squatter's factors and providers go, and a lock ends as an unlock would end it.
 */
@Injectable()
export class PasswordResetService implements OnModuleInit {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly emailTokens: EmailTokensService,
    private readonly takeback: TakebackService,
    private readonly passwords: PasswordService,
    private readonly limiter: RateLimiter,
    private readonly mail: MailService,
    private readonly mailJobs: MailJobs,
    private readonly notices: SecurityNotices,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  onModuleInit(): void {
    this.mailJobs.handle(RESET_LINK_JOB, (job) => this.mailResetLink(job.email as string, job.origin as RequestOrigin));
  }

  /**
   * Records the request as a mail job, whatever the address: the same work and the same answer for an account
   * and for nobody (no enumeration, by content or by timing), and a mail that waits out an SMTP outage.
   */
  async requestReset(email: string, origin: RequestOrigin): Promise<void> {
    await limitMailsToAddress(this.limiter, 'password-reset', email);
    await this.mailJobs.enqueue(RESET_LINK_JOB, { email, origin: { ip: origin.ip, userAgent: origin.userAgent } });
  }

  /** The job: a link when the address belongs to an account; it supersedes the earlier one once it was sent. */
  private async mailResetLink(email: string, origin: RequestOrigin): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    const minutes = Math.round(this.config.resetTokenTtl / 60);
    await this.emailTokens.mailNew(user.id, 'reset', user.email, this.config.resetTokenTtl, (token, until) =>
      this.mail.send(this.mail.passwordReset(user, token, { minutes, until })),
    );
    await this.securityEvents.record({ userId: user.id, type: 'password_reset_requested', origin });
  }

  /**
   * Sets the new password (the policy applies) as a takeback. The token is checked first and used up in the
   * transaction that sets the password, so a policy refusal leaves it usable and two resets with one token
   * cannot both succeed.
   */
  async resetPassword(token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const open = await this.emailTokens.findOpen(token, ['reset']);
    const user = open ? await this.users.findById(open.userId) : null;
    // A link mailed to an address the account no longer has is not a proof of this account's mailbox.
    if (!open || !user || emailLookupKey(open.email) !== user.emailNormalized) throw invalidEmailToken();
    const currentHash = await this.users.getPasswordHash(user.id);
    const newHash = await this.passwords.hashNew(newPassword, { email: user.email, username: user.username, displayName: user.displayName, currentHash });
    await this.database.run(async (tx) => {
      await this.emailTokens.consume(token, ['reset'], tx);
      const current = await this.users.findById(user.id, tx);
      if (!current) throw invalidEmailToken();
      await this.takeback.takeBack(current, { kind: 'reset', newPassword: newHash }, origin, tx);
      await this.securityEvents.record({ userId: user.id, type: 'password_reset', origin }, tx);
      await this.outbox.record(tx, AccountEvents.passwordChanged, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    });
    const providers = (await this.identities.listForUser(user.id)).map((identity) => identity.provider);
    await this.notices.send(user.id, this.mail.passwordWasReset(user, providers));
  }
}

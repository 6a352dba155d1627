import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { authConfig } from '#src/config/auth.config';
import { Translations } from '#src/i18n/translations';
import { MailJobs } from '#src/mail/jobs/mail-jobs';
import { MailService } from '#src/mail/mail.service';
import type { UserEntity } from '#src/users/user.entity';
import { UsernamePolicy } from '#src/users/username-policy';
import { UniqueViolation, UsersRepository } from '#src/users/users.repository';
import type { RegisterDto } from './register.dto';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import { PasswordService } from '#src/password/password.service';
import { limitMailsToAddress } from '#src/rate-limit/address-mail-limit';
import { RateLimiter } from '#src/rate-limit/rate-limiter.service';

const RESEND_JOB = 'verification_link';

/** Creating accounts and confirming their addresses. */
@Injectable()
export class RegistrationService implements OnModuleInit {
  constructor(
    private readonly users: UsersRepository,
    private readonly usernames: UsernamePolicy,
    private readonly passwords: PasswordService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly mailJobs: MailJobs,
    private readonly limiter: RateLimiter,
    private readonly translations: Translations,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * Creates the account and mails a verification link. An address that is already registered gets the
   * same answer after the same work, and its owner is told by mail: no account enumeration.
   */
  async register(dto: RegisterDto, acceptLanguage?: string): Promise<void> {
    const username = dto.username ?? null;
    await this.usernames.assertAvailable(username);
    const passwordHash = await this.passwords.hashNew(dto.password, { email: dto.email, username, displayName: dto.displayName });
    let user: UserEntity;
    try {
      const locale = dto.locale ?? this.translations.newAccountLocale(acceptLanguage);
      const account = { email: dto.email, password: passwordHash, username, displayName: dto.displayName ?? null, locale, timezone: dto.timezone };
      user = await this.usernames.claim(() => this.users.create(account));
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error;
      await this.notifyExistingOwner(dto.email);
      return;
    }
    await this.sendVerification(user);
  }

  onModuleInit(): void {
    this.mailJobs.handle(RESEND_JOB, (job) => this.mailVerificationAgain(job.email as string));
  }

  /**
   * Records a mail job, whatever the address: the same answer after the same work whether it is unknown,
   * verified or not (no enumeration, by content or timing); the mail waits out an SMTP outage.
   */
  async resendVerification(email: string): Promise<void> {
    await limitMailsToAddress(this.limiter, 'verification', email);
    await this.mailJobs.enqueue(RESEND_JOB, { email });
  }

  /** The job: a new link for an unverified address; it supersedes the earlier one once it was sent. */
  private async mailVerificationAgain(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || user.emailVerified) return;
    await this.emailTokens.mailNew(user.id, 'verify', user.email, this.config.emailTokenTtl, (token) =>
      this.mail.send(this.mail.addressVerification(user, token)),
    );
  }

  // The account exists either way; a mail failure is logged, never turned into a failed registration.
  private async sendVerification(user: UserEntity): Promise<void> {
    const { token } = await this.emailTokens.issue(user.id, 'verify', user.email, this.config.emailTokenTtl);
    await this.mail.notify(this.mail.addressVerification(user, token));
  }

  private async notifyExistingOwner(email: string): Promise<void> {
    const owner = await this.users.findByEmail(email);
    if (!owner) return;
    await this.mail.notify(this.mail.registrationAttempt(owner));
  }
}

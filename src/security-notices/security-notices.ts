import { Inject, Injectable, Logger } from '@nestjs/common';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import { MailService, type OutgoingMail } from '#src/mail/mail.service';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';

/**
 * Security notices (a new sign-in, a changed password, address, factor or provider, sessions ended, data
 * exported): each carries its own "this wasn't me" lock link (LOCK_TOKEN_TTL), so whoever reads the mail can
 * stop an intruder at once. Like MailService.notify(), never fails the operation that is already done.
 */
@Injectable()
export class SecurityNotices {
  private readonly logger = new Logger(SecurityNotices.name);

  constructor(
    private readonly mail: MailService,
    private readonly emailTokens: EmailTokensService,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  async send(userId: string, notice: OutgoingMail): Promise<void> {
    if (!this.mail.enabled) return;
    await this.mail.notify(await this.withLock(userId, notice));
  }

  /** For a mail job: throws MailUnavailableError while SMTP is away, so the job is retried. */
  async sendOrThrow(userId: string, notice: OutgoingMail): Promise<void> {
    if (!this.mail.enabled) return;
    await this.mail.send(await this.withLock(userId, notice));
  }

  private async withLock(userId: string, notice: OutgoingMail): Promise<OutgoingMail> {
    let withLock = notice;
    try {
      const { token } = await this.emailTokens.issue(userId, 'lock', notice.to, this.config.lockTokenTtl);
      withLock = this.mail.withLockLink(notice, token);
    } catch (error) {
      // The notice matters more than its link: it still goes out.
      this.logger.error(`no lock link for a security notice: ${(error as Error).message}`);
    }
    return withLock;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../config/settings-token';
import { authConfig } from '../config/auth.config';
import { MailService } from '../mail/mail.service';
import type { UserEntity } from '../users/user.entity';
import { UsernamePolicy } from '../users/username-policy';
import { UniqueViolation, UsersRepository } from '../users/users.repository';
import type { RegisterDto } from './dto/register.dto';
import { EmailTokensService } from './email-tokens/email-tokens.service';
import { PasswordService } from './password/password.service';
import { limitMailsToAddress } from '../rate-limit/address-mail-limit';
import { RateLimiter } from '../rate-limit/rate-limiter.service';

/** Creating accounts and confirming their addresses. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usernames: UsernamePolicy,
    private readonly passwords: PasswordService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly limiter: RateLimiter,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * Creates the account and mails a verification link. An address that is already registered gets the
   * same answer after the same work, and its owner is told by mail: no account enumeration.
   */
  async register(dto: RegisterDto): Promise<void> {
    const username = dto.username ?? null;
    await this.usernames.assertAvailable(username);
    const passwordHash = await this.passwords.hashNew(dto.password, { email: dto.email, username });
    let user: UserEntity;
    try {
      user = await this.usernames.claim(() => this.users.create({ email: dto.email, passwordHash, username, displayName: dto.displayName ?? null }));
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error;
      await this.notifyExistingOwner(dto.email);
      return;
    }
    await this.sendVerification(user);
  }

  /**
   * Mails a new verification link to an unverified registration address, superseding the earlier link; the
   * same answer whether the address is unknown, verified or not (no enumeration), also when the mail fails.
   */
  async resendVerification(email: string): Promise<void> {
    await limitMailsToAddress(this.limiter, 'verification', email);
    const user = await this.users.findByEmail(email);
    if (!user || user.emailVerified) return;
    const token = this.emailTokens.newToken();
    try {
      await this.mail.send(this.mail.addressVerification(user.email, token));
    } catch {
      return; // logged by the mail service; the earlier link keeps working
    }
    await this.emailTokens.store(token, user.id, 'verify', user.email, this.config.emailTokenTtl);
  }

  // The account exists either way; a mail failure is logged, never turned into a failed registration.
  private async sendVerification(user: UserEntity): Promise<void> {
    const { token } = await this.emailTokens.issue(user.id, 'verify', user.email, this.config.emailTokenTtl);
    await this.mail.notify(this.mail.addressVerification(user.email, token));
  }

  private async notifyExistingOwner(email: string): Promise<void> {
    const owner = await this.users.findByEmail(email);
    if (!owner) return;
    await this.mail.notify(this.mail.registrationAttempt(owner.email));
  }
}

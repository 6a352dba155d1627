import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { emailLookupKey } from '../../common/validation/email';
import { authConfig } from '../../config/auth.config';
import { MailService } from '../../mail/mail.service';
import { AccountEvents, type UserEventPayload, identityProvidersChanged } from '../../users/account-events';
import { UserIdentitiesService } from '../../users/user-identities.service';
import { type RequestOrigin, SecurityEventsService } from '../../users/security-events.service';
import type { UserEntity } from '../../users/user.entity';
import { UniqueViolation, UsersService } from '../../users/users.service';
import { EmailTokensService, invalidEmailToken } from '../email-tokens/email-tokens.service';
import { PasswordResetService } from '../password-reset/password-reset.service';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { SessionsService } from '../sessions/sessions.service';

export type EmailChangeRequest =
  { verificationRequired: true; pendingEmail: { email: string; expiresAt: Date } } | { verificationRequired: false; user: UserEntity };

function emailTaken(): AppError {
  return new AppError('EMAIL_TAKEN', 'This email address belongs to another account.');
}

/**
 * Moving an account to a new address: request (step-up, by the controller), verify from the new address,
 * cancel, and revert from the old one. Registration verification shares the verify route.
 */
@Injectable()
export class EmailChangeService {
  private readonly logger = new Logger(EmailChangeService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly sessions: SessionsService,
    private readonly identities: UserIdentitiesService,
    private readonly passwordReset: PasswordResetService,
    private readonly limiter: RateLimiter,
    private readonly mail: MailService,
    private readonly securityEvents: SecurityEventsService,
    private readonly events: EventEmitter2,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /**
   * With mail: the new address gets a single-use link and nothing changes until it is followed. An address
   * owned by someone else gets the same answer (its owner gets a notice instead of a link), so the route
   * cannot be used to find accounts. The mail goes out before anything is stored: if it cannot be sent the
   * answer is 503 MAIL_UNAVAILABLE and the previous state, including an earlier pending change, is intact.
   * Without mail (MAIL_ENABLED=false) the change applies at once.
   */
  async requestChange(user: UserEntity, newEmail: string, origin: RequestOrigin): Promise<EmailChangeRequest> {
    if (emailLookupKey(newEmail) === user.emailNormalized) throw new AppError('EMAIL_UNCHANGED', 'This is already the address of your account.');
    await this.limiter.consume(this.config.emailRateLimit, `email-change-user:${user.id}`);
    await this.limiter.consume(this.config.emailRateLimit, `email-change-target:${emailLookupKey(newEmail)}`);
    if (!this.mail.enabled) return { verificationRequired: false, user: await this.applyAtOnce(user, newEmail, origin) };

    const token = await this.mailChangeLink(newEmail);
    const stored = await this.dataSource.transaction(async (manager) => {
      const saved = await this.emailTokens.store(token, user.id, 'change', newEmail, this.config.emailTokenTtl, manager);
      await this.users.setPendingEmail(user.id, { email: newEmail, expiresAt: saved.expiresAt }, manager);
      await this.securityEvents.record(user.id, 'email_change_requested', origin, manager);
      return saved;
    });
    return { verificationRequired: true, pendingEmail: { email: newEmail, expiresAt: stored.expiresAt } };
  }

  /**
   * Mails the pending change's link again (a new token; the old one stops working), under EMAIL_RATE_LIMIT;
   * 404 when nothing is pending. Mail first, as for a new request: 503 and nothing changed if it fails.
   */
  async resendPendingChange(user: UserEntity): Promise<void> {
    const { pendingEmail, pendingEmailExpiresAt } = user;
    if (!pendingEmail || !pendingEmailExpiresAt || pendingEmailExpiresAt <= new Date()) throw new AppError('NOT_FOUND', 'No email change is pending.');
    await this.limiter.consume(this.config.emailRateLimit, `email-change-user:${user.id}`);
    const token = await this.mailChangeLink(pendingEmail);
    await this.dataSource.transaction(async (manager) => {
      const saved = await this.emailTokens.store(token, user.id, 'change', pendingEmail, this.config.emailTokenTtl, manager);
      await this.users.setPendingEmail(user.id, { email: pendingEmail, expiresAt: saved.expiresAt }, manager);
    });
  }

  /** The link for a change to `newEmail`; an address that is someone else's gets a notice instead (no link works). */
  private async mailChangeLink(newEmail: string): Promise<string> {
    const owner = await this.users.findByEmail(newEmail);
    const token = this.emailTokens.newToken();
    if (owner) await this.mail.sendAddressInUseNotice(owner.email);
    else await this.mail.sendEmailChangeVerification(newEmail, token);
    return token;
  }

  /** The pending change's link stops working; inside the caller's transaction when one is given. */
  async cancelPendingChange(userId: string, manager?: EntityManager): Promise<void> {
    const cancel = async (m: EntityManager) => {
      await this.emailTokens.cancel(userId, 'change', m);
      await this.users.setPendingEmail(userId, null, m);
    };
    await (manager ? cancel(manager) : this.dataSource.transaction(cancel));
  }

  /**
   * Follows a verification link: confirms the registration address, or applies a pending change. The token
   * is claimed and the address switched in one transaction, so when two accounts race for one address the
   * unique index picks one winner, the other gets 409 and keeps its (still unused) token.
   */
  async verify(token: string, origin: RequestOrigin): Promise<UserEntity> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const used = await this.emailTokens.consume(token, ['verify', 'change'], manager);
      const user = await this.users.findById(used.userId, manager);
      if (!user) throw invalidEmailToken();
      if (used.purpose === 'verify') {
        if (!(await this.users.markEmailVerified(user.id, used.email, manager))) throw invalidEmailToken();
        await this.securityEvents.record(user.id, 'email_verified', origin, manager);
        return { userId: user.id, previousEmail: null };
      }
      await this.switchEmail(user.id, used.email, manager);
      await this.securityEvents.record(user.id, 'email_changed', origin, manager);
      const revert = await this.emailTokens.store(this.emailTokens.newToken(), user.id, 'revert', user.email, this.config.revertTokenTtl, manager);
      return { userId: user.id, previousEmail: user.email, newEmail: used.email, revertToken: revert.token };
    });
    if (outcome.previousEmail !== null) {
      // The change is done; a lost notice must not undo it, so a send failure is only logged.
      await this.mail
        .sendEmailChangedNotice(outcome.previousEmail, outcome.newEmail, outcome.revertToken)
        .catch((error: Error) => this.logger.error(`email-changed notice failed: ${error.message}`));
      this.emitChanged(outcome.userId);
    }
    return this.users.findById(outcome.userId) as Promise<UserEntity>;
  }

  /**
   * Follows the revert link mailed to the old address, however many changes came after it. Whoever changed
   * the address knew the password or held a session, so everything they could have added goes: the old
   * address comes back verified, every session ends, any pending change and every other revert link are
   * cancelled, providers linked since the change are unlinked, and the password stops working. The
   * confirmation to the restored address carries a password-reset link.
   */
  async revert(token: string, origin: RequestOrigin): Promise<UserEntity> {
    const restored = await this.dataSource.transaction(async (manager) => {
      const used = await this.emailTokens.consume(token, ['revert'], manager);
      await this.switchEmail(used.userId, used.email, manager);
      await this.emailTokens.cancel(used.userId, 'revert', manager);
      await this.cancelPendingChange(used.userId, manager);
      await this.sessions.revokeAllExcept(used.userId, null, manager);
      const unlinked = await this.identities.unlinkLinkedSince(used.userId, used.createdAt, manager);
      await this.users.setPasswordHash(used.userId, null, manager);
      await this.securityEvents.record(used.userId, 'email_change_reverted', origin, manager);
      const resetToken = await this.passwordReset.issueToken(used.userId, used.email, manager);
      return { userId: used.userId, email: used.email, resetToken, unlinked };
    });
    await this.mail
      .sendEmailRevertedNotice(restored.email, restored.resetToken)
      .catch((error: Error) => this.logger.error(`email-reverted notice failed: ${error.message}`));
    this.emitChanged(restored.userId);
    if (restored.unlinked.length > 0) this.events.emit(AccountEvents.profileUpdated, identityProvidersChanged(restored.userId));
    return this.users.findById(restored.userId) as Promise<UserEntity>;
  }

  private async applyAtOnce(user: UserEntity, newEmail: string, origin: RequestOrigin): Promise<UserEntity> {
    if (await this.users.findByEmail(newEmail)) throw emailTaken();
    await this.dataSource.transaction(async (manager) => {
      // Unproven: nobody followed a link to this address.
      await this.switchEmail(user.id, newEmail, manager, false);
      await this.securityEvents.record(user.id, 'email_changed', origin, manager);
    });
    this.emitChanged(user.id);
    return (await this.users.findById(user.id)) as UserEntity;
  }

  private async switchEmail(userId: string, email: string, manager: Parameters<UsersService['replaceEmail']>[3], verified = true): Promise<void> {
    try {
      await this.users.replaceEmail(userId, email, verified, manager);
    } catch (error) {
      if (error instanceof UniqueViolation) throw emailTaken();
      throw error;
    }
  }

  private emitChanged(userId: string): void {
    this.events.emit(AccountEvents.emailChanged, { userId, at: new Date().toISOString() } satisfies UserEventPayload);
  }
}

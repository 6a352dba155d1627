import { Inject, Injectable } from '@nestjs/common';
import { type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import type { Settings } from '#src/config/settings-token';
import { AppError } from '#src/common/errors/app-error';
import { emailLookupKey } from '#src/common/validation/email';
import { authConfig } from '#src/config/auth.config';
import { MailService } from '#src/mail/mail.service';
import { AccountEvents, type UserEventPayload } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';
import { UniqueViolation, UsersRepository } from '#src/users/users.repository';
import { type EmailChangeAct, EmailTokensService, type StoredEmailToken, invalidEmailToken } from '#src/users/email-tokens/email-tokens.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { TakebackService } from '#src/takeback/takeback.service';
import { RateLimiter } from '#src/rate-limit/rate-limiter.service';

export type EmailChangeRequest =
  { verificationRequired: true; pendingEmail: { email: string; expiresAt: Date } } | { verificationRequired: false; user: UserEntity };

/** RFC 8176 values of a second factor (a one-time code, a passkey); `pwd` and `fed` (a provider) are first factors. */
const SECOND_FACTOR_AMR = new Set(['otp', 'hwk', 'swk']);

function emailTaken(): AppError {
  return new AppError('EMAIL_TAKEN', 'This email address belongs to another account.');
}

/**
 * Moving an account to a new address: request (step-up, by the controller), verify from the new address,
 * cancel, and revert from the old one. Registration verification shares the verify route.
 */
@Injectable()
export class EmailChangeService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly emailTokens: EmailTokensService,
    private readonly takeback: TakebackService,
    private readonly notices: SecurityNotices,
    private readonly limiter: RateLimiter,
    private readonly mail: MailService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * With mail: the new address gets a single-use link and nothing changes until it is followed. An address
   * owned by someone else gets the same answer (its owner gets a notice instead of a link), so the route
   * cannot be used to find accounts. The profile shows the change only once its mail went out: if it cannot be
   * sent the answer is 503 MAIL_UNAVAILABLE and the previous state, including an earlier pending change, is intact.
   * Without mail (MAIL_ENABLED=false) the change applies at once.
   */
  async requestChange(user: UserEntity, newEmail: string, origin: RequestOrigin, stepUpAmr: readonly string[]): Promise<EmailChangeRequest> {
    if (emailLookupKey(newEmail) === user.emailNormalized) throw new AppError('EMAIL_UNCHANGED', 'This is already the address of your account.');
    await this.limiter.consume(this.config.emailRateLimit, `email-change-user:${user.id}`);
    await this.limiter.consume(this.config.emailRateLimit, `email-change-target:${emailLookupKey(newEmail)}`);
    if (!this.mail.enabled) return { verificationRequired: false, user: await this.applyAtOnce(user, newEmail, origin) };

    // What its undo will take back: from now on, and the factors and password too unless a second factor made it.
    const act = { at: new Date(), secondFactor: stepUpAmr.some((method) => SECOND_FACTOR_AMR.has(method)) };
    const stored = await this.mailChangeLink(user, newEmail, act);
    await this.database.run(async (tx) => {
      await this.users.setPendingEmail(user.id, { email: newEmail, expiresAt: stored.expiresAt }, tx);
      await this.securityEvents.record({ userId: user.id, type: 'email_change_requested', origin }, tx);
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
    const current = await this.emailTokens.openChange(user.id);
    const act = current ? { at: current.actAt ?? current.createdAt, secondFactor: current.actSecondFactor } : undefined;
    const stored = await this.mailChangeLink(user, pendingEmail, act);
    await this.users.setPendingEmail(user.id, { email: pendingEmail, expiresAt: stored.expiresAt });
  }

  /**
   * The link for a change to `newEmail`, in the account's language; an address that is someone else's gets a
   * notice in its owner's language instead (its token is mailed to nobody).
   */
  private async mailChangeLink(user: UserEntity, newEmail: string, act?: EmailChangeAct): Promise<StoredEmailToken> {
    const owner = await this.users.findByEmail(newEmail);
    const recipient = { email: newEmail, locale: user.locale, timezone: user.timezone };
    return this.emailTokens.mailNew(
      user.id,
      'change',
      newEmail,
      this.config.emailTokenTtl,
      (token) => this.mail.send(owner ? this.mail.addressInUseNotice(owner) : this.mail.emailChangeVerification(recipient, token)),
      act,
    );
  }

  /** The pending change's link stops working (nothing pending: nothing to do). */
  cancelPendingChange(userId: string): Promise<void> {
    return this.emailTokens.cancelPendingChange(userId);
  }

  /**
   * Follows a verification link: confirms the registration address, or applies a pending change. The token
   * is claimed and the address switched in one transaction, so when two accounts race for one address the
   * unique index picks one winner, the other gets 409 and keeps its (still unused) token.
   */
  async verify(token: string, origin: RequestOrigin): Promise<UserEntity> {
    const outcome = await this.database.run(async (tx) => {
      const used = await this.emailTokens.consume(token, ['verify', 'change'], tx);
      const user = await this.users.findById(used.userId, tx);
      if (!user) throw invalidEmailToken();
      if (used.purpose === 'verify') {
        if (!(await this.users.markEmailVerified(user.id, used.email, tx))) throw invalidEmailToken();
        await this.securityEvents.record({ userId: user.id, type: 'email_verified', origin }, tx);
        return { userId: user.id, previousEmail: null, user };
      }
      await this.switchEmail(user.id, user.email, used.email, tx);
      await this.securityEvents.record({ userId: user.id, type: 'email_changed', origin }, tx);
      const act = { at: used.actAt ?? used.createdAt, secondFactor: used.actSecondFactor };
      const revert = await this.emailTokens.issue(user.id, 'revert', user.email, this.config.revertTokenTtl, tx, act);
      return { userId: user.id, previousEmail: user.email, newEmail: used.email, revert, user };
    });
    if (outcome.previousEmail !== null) {
      // The change is done; a lost notice must not undo it, so a send failure is only logged.
      const { locale, timezone } = outcome.user;
      await this.notices.send(
        outcome.userId,
        this.mail.emailChangedNotice({ email: outcome.previousEmail, locale, timezone }, outcome.newEmail, outcome.revert),
      );
      await this.mail.notify(
        this.mail.emailChangedToNewAddress({ email: outcome.newEmail, locale, timezone }, outcome.previousEmail, outcome.revert.expiresAt),
      );
    }
    return this.users.findById(outcome.userId) as Promise<UserEntity>;
  }

  /**
   * Follows the revert link mailed to the old address, however many changes came after it: a takeback
   * (TakebackService). The old address comes back verified, even from an unverified account that registered it
   * meanwhile (a squat, removed). Undo links of later changes stop working, never those of earlier ones (the
   * owner's first link works for its whole life). Whoever changed the address knew the password or held a
   * session, so what they could have added since goes and the password stops working (the confirmation carries
   * a reset link) — unless the change was made with a second factor, whose holder the factor still vouches for.
   */
  async revert(token: string, origin: RequestOrigin): Promise<UserEntity> {
    const restored = await this.database.run(async (tx) => {
      const used = await this.emailTokens.consume(token, ['revert'], tx);
      const user = await this.users.findById(used.userId, tx);
      if (!user) throw invalidEmailToken();
      const holder = await this.users.findByEmail(used.email, tx);
      if (holder && holder.id !== user.id && !holder.emailVerified) await this.takeback.removeSquatter(holder.id, tx);
      await this.switchEmail(user.id, user.email, used.email, tx);
      await this.emailTokens.cancelCreatedAfter(user.id, 'revert', used.createdAt, tx);
      await this.securityEvents.record({ userId: user.id, type: 'email_change_reverted', origin }, tx);
      const act = { kind: 'revert' as const, since: used.actAt ?? used.createdAt, keepCredentials: used.actSecondFactor };
      const { resetToken } = await this.takeback.takeBack({ ...user, email: used.email, emailVerified: true }, act, origin, tx);
      return { userId: user.id, recipient: { email: used.email, locale: user.locale, timezone: user.timezone }, resetToken };
    });
    await this.notices.send(restored.userId, this.mail.emailRevertedNotice(restored.recipient, restored.resetToken));
    return this.users.findById(restored.userId) as Promise<UserEntity>;
  }

  private async applyAtOnce(user: UserEntity, newEmail: string, origin: RequestOrigin): Promise<UserEntity> {
    if (await this.users.findByEmail(newEmail)) throw emailTaken();
    await this.database.run(async (tx) => {
      // Unproven: nobody followed a link to this address.
      await this.switchEmail(user.id, user.email, newEmail, tx, false);
      await this.securityEvents.record({ userId: user.id, type: 'email_changed', origin }, tx);
    });
    return (await this.users.findById(user.id)) as UserEntity;
  }

  /** Makes `email` the account's address (instead of `previous`), with its `profile.email_changed` event in the same transaction. */
  private async switchEmail(userId: string, previous: string, email: string, tx: Transaction, verified = true): Promise<void> {
    try {
      await this.users.replaceEmail(userId, email, verified, tx);
    } catch (error) {
      if (error instanceof UniqueViolation) throw emailTaken();
      throw error;
    }
    await this.outbox.record(tx, AccountEvents.emailChanged, { userId, at: new Date().toISOString() } satisfies UserEventPayload, {
      before: { email: previous },
      after: { email },
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import type { Transaction } from '#src/database/transaction-runner';
import { AccountEvents, type UserEventPayload, identityProvidersChanged } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { DeletionSchedule } from '#src/erasure/deletion-schedule';
import { Erasures } from '#src/erasure/erasures.service';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';
import { UserIdentitiesRepository } from '#src/users/user-identities.repository';
import { type NewPassword, UsersRepository } from '#src/users/users.repository';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import { FactorsService } from '#src/second-factors/factors.service';
import { MfaTokens } from '#src/second-factors/mfa-tokens/mfa-tokens';
import { TotpFactors } from '#src/second-factors/totp/totp-factors';
import { SessionsService } from '#src/auth/sessions/sessions.service';

/** A way back into an account by whoever proves control of its address, and what it undoes. */
export type TakebackAct =
  /** A password reset by mail link: nothing to undo, unless the account is a squat or locked. */
  | { kind: 'reset'; newPassword: NewPassword }
  /** An undo link of an email change that began at `since`; a change made with a second factor keeps the credentials. */
  | { kind: 'revert'; since: Date; keepCredentials: boolean }
  /** The unlock link of a lock: what was added in LOCK_LOOKBACK before the lock goes. */
  | { kind: 'unlock'; newPassword: NewPassword };

export interface TakebackOutcome {
  /** A revert that took the password: the reset token for the mail to the restored address. */
  resetToken: string | null;
  /** The account was locked and no longer is. */
  unlocked: boolean;
}

const EVERYTHING = new Date(0);

/**
 * The one rule for every way back into an account (password reset, undo link, unlock; a provider's claim of a
 * squatted address goes through removeSquatter). Whoever held the account may hold a session, an MfaToken, a
 * pending change, factors, a provider link, the password: every session, MfaToken and pending change ends, and
 * what they could have added goes. An account never verified is a squat: every factor, passkey, recovery code and
 * provider goes. Otherwise what was added since the act undone (the email change; the look-back before a lock).
 * Inside the caller's transaction, next to the act's own change.
 */
@Injectable()
export class TakebackService {
  constructor(
    private readonly users: UsersRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly sessions: SessionsService,
    private readonly emailTokens: EmailTokensService,
    private readonly factors: FactorsService,
    private readonly totp: TotpFactors,
    private readonly mfaTokens: MfaTokens,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    private readonly erasures: Erasures,
    private readonly deletionSchedule: DeletionSchedule,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  async takeBack(user: UserEntity, act: TakebackAct, origin: RequestOrigin, tx: Transaction): Promise<TakebackOutcome> {
    await this.sessions.revokeAllExcept(user.id, null, tx);
    await this.mfaTokens.revokeAll(user.id, tx);
    await this.emailTokens.cancelPendingChange(user.id, tx);
    // A deletion scheduled meanwhile is a pending change too: whoever takes the account back keeps it.
    await this.deletionSchedule.cancel(user.id, origin, tx);
    await this.totp.removePending(user.id, tx);

    const since = this.removeAddedSince(user, act);
    if (since) await this.removeCredentialsAddedSince(user.id, since, origin, tx);

    let resetToken: string | null = null;
    if (act.kind === 'revert') {
      if (!act.keepCredentials) {
        await this.users.setPassword(user.id, null, tx);
        resetToken = (await this.emailTokens.issue(user.id, 'reset', user.email, this.config.resetTokenTtl, tx)).token;
      }
    } else {
      await this.users.setPassword(user.id, act.newPassword, tx);
      // The link came to the address: it is proved, and whoever registered it meanwhile is out.
      await this.users.markEmailVerified(user.id, user.email, tx);
    }

    // A reset proves what an unlock link proves (the mailbox), so it ends a lock the same way.
    const unlocked = user.lockedAt !== null && act.kind !== 'revert';
    if (unlocked) {
      await this.users.unlock(user.id, tx);
      await this.securityEvents.record({ userId: user.id, type: 'account_unlocked', origin }, tx);
      await this.outbox.record(tx, AccountEvents.userUnlocked, { userId: user.id, at: new Date().toISOString() } satisfies UserEventPayload);
    }
    return { resetToken, unlocked };
  }

  /**
   * Removes an account that never proved its address, holding one its owner takes back (a provider sign-in with
   * that verified address, an undo link): with everything of it, by cascade. False when it was verified meanwhile.
   */
  async removeSquatter(userId: string, tx: Transaction): Promise<boolean> {
    if (!(await this.users.deleteUnverified(userId, tx))) return false;
    await this.erasures.recordDeletion(userId, tx);
    return true;
  }

  /** From when on what was added goes; null: nothing goes. */
  private removeAddedSince(user: UserEntity, act: TakebackAct): Date | null {
    if (!user.emailVerified && act.kind !== 'revert') return EVERYTHING;
    const candidates: Date[] = [];
    if (act.kind === 'revert' && !act.keepCredentials) candidates.push(act.since);
    if (user.lockedAt !== null && act.kind !== 'revert') candidates.push(new Date(user.lockedAt.getTime() - this.config.lockLookback * 1000));
    return candidates.length === 0 ? null : new Date(Math.min(...candidates.map((date) => date.getTime())));
  }

  private async removeCredentialsAddedSince(userId: string, since: Date, origin: RequestOrigin, tx: Transaction): Promise<void> {
    const unlinked = await this.identities.unlinkLinkedSince(userId, since, tx);
    for (const provider of unlinked) await this.securityEvents.record({ userId, type: 'provider_unlinked', origin, details: { provider } }, tx);
    if (unlinked.length > 0) await this.outbox.record(tx, AccountEvents.profileUpdated, identityProvidersChanged(userId));
    await this.factors.removeAddedSince(userId, since, origin, tx);
  }
}

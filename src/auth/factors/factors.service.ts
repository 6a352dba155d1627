import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { type Transaction, TransactionRunner } from '../../database/transaction-runner';
import { AccountEvents, type FactorsChangedEvent } from '../../events/account-events';
import { Outbox } from '../../events/outbox';
import { MailService, type SecondFactorChange } from '../../mail/mail.service';
import { type RequestOrigin, SecurityEventsRepository } from '../../users/security-events.repository';
import type { AuthContext } from '../guards/auth-context';
import { RecoveryCodes } from './recovery-codes';
import { type TotpEnrolment, TotpFactors } from './totp-factors';

/** An account's second factors as its owner sees them (GET …/factors, the data export): dates and counts only. */
export interface FactorsOverview {
  totp: { createdAt: string } | null;
  recoveryCodes: { remaining: number; createdAt: string } | null;
}

const SECURITY_EVENT: Record<SecondFactorChange, 'factor_added' | 'factor_removed' | 'recovery_codes_regenerated'> = {
  totp_added: 'factor_added',
  totp_removed: 'factor_removed',
  recovery_codes_regenerated: 'recovery_codes_regenerated',
};

/**
 * A user's own second factors. Adding or removing one needs a fresh step-up (the routes say so); every change
 * writes a security event and an account event in its transaction, then mails the account's address.
 */
@Injectable()
export class FactorsService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly totp: TotpFactors,
    private readonly recoveryCodes: RecoveryCodes,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    private readonly mail: MailService,
  ) {}

  async overview(userId: string): Promise<FactorsOverview> {
    const [totp, codes] = await Promise.all([this.totp.active(userId), this.recoveryCodes.status(userId)]);
    return {
      totp: totp && { createdAt: (totp.confirmedAt ?? totp.createdAt).toISOString() },
      recoveryCodes: codes && { remaining: codes.remaining, createdAt: codes.createdAt.toISOString() },
    };
  }

  startTotp(auth: AuthContext): Promise<TotpEnrolment> {
    return this.totp.enrol(auth.userId, auth.sessionId, auth.user.email);
  }

  /** Turns the pending TOTP factor on; the account's first second factor also gets its recovery codes. */
  async confirmTotp(auth: AuthContext, code: string, origin: RequestOrigin): Promise<string[] | null> {
    const codes = await this.database.run(async (tx) => {
      await this.totp.confirm(auth.userId, auth.sessionId, code, tx);
      const fresh = (await this.recoveryCodes.status(auth.userId, tx)) ? null : await this.recoveryCodes.replace(auth.userId, tx);
      await this.recordChange(auth.userId, 'totp_added', origin, tx);
      return fresh;
    });
    await this.mail.notify(this.mail.secondFactorChanged(auth.user.email, 'totp_added'));
    return codes;
  }

  /** Removes the TOTP factor; it being the last second factor, the recovery codes go with it. */
  async removeTotp(auth: AuthContext, origin: RequestOrigin): Promise<void> {
    await this.database.run(async (tx) => {
      if (!(await this.totp.remove(auth.userId, tx))) throw new AppError('NOT_FOUND', 'Two-step sign-in with an authenticator app is not on.');
      await this.recoveryCodes.removeAll(auth.userId, tx);
      await this.recordChange(auth.userId, 'totp_removed', origin, tx);
    });
    await this.mail.notify(this.mail.secondFactorChanged(auth.user.email, 'totp_removed'));
  }

  async regenerateRecoveryCodes(auth: AuthContext, origin: RequestOrigin): Promise<string[]> {
    const codes = await this.database.run(async (tx) => {
      if (!(await this.totp.active(auth.userId, tx))) throw new AppError('NO_SECOND_FACTOR', 'Recovery codes need a second factor; set one up first.');
      const fresh = await this.recoveryCodes.replace(auth.userId, tx);
      await this.recordChange(auth.userId, 'recovery_codes_regenerated', origin, tx);
      return fresh;
    });
    await this.mail.notify(this.mail.secondFactorChanged(auth.user.email, 'recovery_codes_regenerated'));
    return codes;
  }

  /** The undo of an email change: a TOTP factor confirmed since that change goes, and its recovery codes. */
  async removeAddedSince(userId: string, since: Date, origin: RequestOrigin, tx: Transaction): Promise<void> {
    if (!(await this.totp.removeConfirmedSince(userId, since, tx))) return;
    await this.recoveryCodes.removeAll(userId, tx);
    await this.recordChange(userId, 'totp_removed', origin, tx);
  }

  private async recordChange(userId: string, change: SecondFactorChange, origin: RequestOrigin, tx: Transaction): Promise<void> {
    const type = SECURITY_EVENT[change];
    await this.securityEvents.record(userId, type, origin, tx, type === 'recovery_codes_regenerated' ? undefined : { factor: 'totp' });
    await this.outbox.record(tx, AccountEvents.factorsChanged, { userId, change, at: new Date().toISOString() } satisfies FactorsChangedEvent);
  }
}

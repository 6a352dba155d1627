import { Injectable } from '@nestjs/common';
import type { AppError } from '#src/common/errors/app-error';
import { isUuid } from '#src/common/validation/uuid';
import { type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, type FactorsChangedEvent } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { MailService, type SecondFactorChange } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { CredentialAttempts } from '#src/rate-limit/credential-attempts.service';
import type { AuthContext } from '#src/auth/guards/auth-context';
import type { PasskeyEntity } from './passkeys/passkey.entities';
import { Passkeys } from './passkeys/passkeys';
import { RecoveryCodes } from './recovery-codes/recovery-codes';
import { SecondFactors } from './second-factors';
import { type TotpEnrolment, TotpFactors } from './totp/totp-factors';
import { SecondFactorErrors } from './second-factors.errors';

/** An account's second factors as its owner sees them (GET …/factors, the data export): dates and counts only. */
export interface FactorsOverview {
  totp: { createdAt: string } | null;
  passkeys: PasskeyView[];
  recoveryCodes: { remaining: number; createdAt: string } | null;
}

/** A passkey as its owner sees it: no key material. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

export function passkeyView(passkey: PasskeyEntity): PasskeyView {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
    backedUp: passkey.backedUp,
  };
}

const SECURITY_EVENT: Record<SecondFactorChange, ['factor_added' | 'factor_removed' | 'recovery_codes_regenerated', string | undefined]> = {
  totp_added: ['factor_added', 'totp'],
  totp_removed: ['factor_removed', 'totp'],
  passkey_added: ['factor_added', 'passkey'],
  passkey_removed: ['factor_removed', 'passkey'],
  recovery_codes_regenerated: ['recovery_codes_regenerated', undefined],
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
    private readonly passkeys: Passkeys,
    private readonly secondFactors: SecondFactors,
    private readonly attempts: CredentialAttempts,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
  ) {}

  async overview(userId: string): Promise<FactorsOverview> {
    const [totp, passkeys, codes] = await Promise.all([this.totp.active(userId), this.passkeys.list(userId), this.recoveryCodes.status(userId)]);
    return {
      totp: totp && { createdAt: (totp.confirmedAt ?? totp.createdAt).toISOString() },
      passkeys: passkeys.map(passkeyView),
      recoveryCodes: codes && { remaining: codes.remaining, createdAt: codes.createdAt.toISOString() },
    };
  }

  startTotp(auth: AuthContext): Promise<TotpEnrolment> {
    return this.totp.enrol(auth.userId, auth.sessionId, auth.user.email);
  }

  /**
   * Turns the pending TOTP factor on; the account's first second factor also gets its recovery codes. A wrong
   * code counts on the account's second-factor counter (a stolen access token must not guess its way to the codes).
   */
  async confirmTotp(auth: AuthContext, code: string, origin: RequestOrigin): Promise<string[] | null> {
    return this.countedOnSecondFactorLimit(auth.userId, () =>
      this.change(auth, 'totp_added', origin, async (tx) => {
        await this.totp.confirm(auth.userId, auth.sessionId, code, tx);
        return this.recoveryCodesForFirstFactor(auth.userId, tx);
      }),
    );
  }

  /** Removes the TOTP factor; when it was the last second factor, the recovery codes go with it. */
  async removeTotp(auth: AuthContext, origin: RequestOrigin): Promise<void> {
    await this.change(auth, 'totp_removed', origin, async (tx) => {
      if (!(await this.totp.remove(auth.userId, tx))) throw SecondFactorErrors.totpNotOn();
      await this.dropRecoveryCodesWithoutFactor(auth.userId, tx);
    });
  }

  async regenerateRecoveryCodes(auth: AuthContext, origin: RequestOrigin): Promise<string[]> {
    return this.change(auth, 'recovery_codes_regenerated', origin, async (tx) => {
      if (!(await this.secondFactors.any(auth.userId, tx))) throw SecondFactorErrors.codesNeedASecondFactor();
      return this.recoveryCodes.replace(auth.userId, tx);
    });
  }

  passkeyOptions(auth: AuthContext) {
    return this.passkeys.registrationOptions(auth.user, auth.sessionId);
  }

  /** Registers the passkey that answered this session's options; the account's first second factor also gets recovery codes. */
  async addPasskey(
    auth: AuthContext,
    name: string | undefined,
    credential: unknown,
    origin: RequestOrigin,
  ): Promise<{ passkey: PasskeyView; recoveryCodes: string[] | null }> {
    const verified = await this.countedOnSecondFactorLimit(auth.userId, () => this.passkeys.verifyRegistration(auth.userId, auth.sessionId, credential));
    return this.change(auth, 'passkey_added', origin, async (tx) => {
      const passkey = await this.passkeys.add(auth.userId, verified, name, tx);
      return { passkey: passkeyView(passkey), recoveryCodes: await this.recoveryCodesForFirstFactor(auth.userId, tx) };
    });
  }

  async renamePasskey(auth: AuthContext, id: string, name: string): Promise<PasskeyView> {
    const passkey = isUuid(id) ? await this.passkeys.rename(auth.userId, id, name) : null;
    if (!passkey) throw passkeyNotFound();
    return passkeyView(passkey);
  }

  /** Removes one passkey; when it was the last second factor, the recovery codes go with it. */
  async removePasskey(auth: AuthContext, id: string, origin: RequestOrigin): Promise<void> {
    await this.change(auth, 'passkey_removed', origin, async (tx) => {
      if (!isUuid(id) || !(await this.passkeys.remove(auth.userId, id, tx))) throw passkeyNotFound();
      await this.dropRecoveryCodesWithoutFactor(auth.userId, tx);
    });
  }

  /** The undo of an email change: a TOTP factor confirmed and passkeys registered since that change go. */
  async removeAddedSince(userId: string, since: Date, origin: RequestOrigin, tx: Transaction): Promise<void> {
    if (await this.totp.removeConfirmedSince(userId, since, tx)) await this.recordChange(userId, 'totp_removed', origin, tx);
    const passkeys = await this.passkeys.removeCreatedSince(userId, since, tx);
    for (let i = 0; i < passkeys; i++) await this.recordChange(userId, 'passkey_removed', origin, tx);
    // Codes made since the change may be the taker's: they go too (the owner makes new ones).
    const codes = await this.recoveryCodes.status(userId, tx);
    if (codes && codes.createdAt > since) await this.recoveryCodes.removeAll(userId, tx);
    await this.dropRecoveryCodesWithoutFactor(userId, tx);
  }

  /** `work` under MFA_RATE_LIMIT_ACCOUNT: counted before it runs, a refusal (it throws) stays counted. */
  private async countedOnSecondFactorLimit<T>(userId: string, work: () => Promise<T>): Promise<T> {
    let result: T | undefined;
    await this.attempts.checkSecondFactor(userId, async () => {
      result = await work();
      return true;
    });
    return result as T;
  }

  /** `work` and the change's records in one transaction; once committed, the notice to the account's address. */
  private async change<T>(auth: AuthContext, change: SecondFactorChange, origin: RequestOrigin, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const result = await this.database.run(async (tx) => {
      const done = await work(tx);
      await this.recordChange(auth.userId, change, origin, tx);
      return done;
    });
    await this.notices.send(auth.userId, this.mail.secondFactorChanged(auth.user, change));
    return result;
  }

  /** Ten recovery codes when the account had none (its first second factor); otherwise null. */
  private async recoveryCodesForFirstFactor(userId: string, tx: Transaction): Promise<string[] | null> {
    return (await this.recoveryCodes.status(userId, tx)) ? null : this.recoveryCodes.replace(userId, tx);
  }

  /** Recovery codes stand in for a second factor: without any, they stop working. */
  private async dropRecoveryCodesWithoutFactor(userId: string, tx: Transaction): Promise<void> {
    if (!(await this.secondFactors.any(userId, tx))) await this.recoveryCodes.removeAll(userId, tx);
  }

  private async recordChange(userId: string, change: SecondFactorChange, origin: RequestOrigin, tx: Transaction): Promise<void> {
    const [type, factor] = SECURITY_EVENT[change];
    await this.securityEvents.record({ userId, type, origin, details: factor === undefined ? undefined : { factor } }, tx);
    await this.outbox.record(tx, AccountEvents.factorsChanged, { userId, change, at: new Date().toISOString() } satisfies FactorsChangedEvent);
  }
}

function passkeyNotFound(): AppError {
  return SecondFactorErrors.noSuchPasskey();
}

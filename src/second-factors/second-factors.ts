import { Injectable } from '@nestjs/common';
import type { SecondFactorMethod } from '#src/common/errors/second-factor-methods';
import type { Db } from '#src/database/transaction-runner';
import { CredentialAttempts } from '#src/rate-limit/credential-attempts.service';
import type { ChallengePurpose } from './passkeys/passkey.entities';
import { type PasskeyAssertion, Passkeys } from './passkeys/passkeys';
import type { ChallengeBinding } from './passkeys/webauthn-challenges';
import { RecoveryCodes } from './recovery-codes/recovery-codes';
import { TotpFactors } from './totp/totp-factors';

export type { SecondFactorMethod };

/** A second factor that was proved: which method, and its RFC 8176 values. */
export interface ProvedFactor {
  method: SecondFactorMethod;
  amr: string[];
}

/** What a sign-in or step-up asks of an account with a second factor, and checking a code against them. */
@Injectable()
export class SecondFactors {
  constructor(
    private readonly totp: TotpFactors,
    private readonly recoveryCodes: RecoveryCodes,
    private readonly passkeys: Passkeys,
    private readonly attempts: CredentialAttempts,
  ) {}

  /** The methods the account has, strongest first; empty: the account has no second factor. */
  async methods(userId: string, db?: Db): Promise<SecondFactorMethod[]> {
    const methods = await this.factorsOf(userId, db);
    if (methods.length === 0) return methods;
    const codes = await this.recoveryCodes.status(userId, db);
    return codes && codes.remaining > 0 ? [...methods, 'recovery_code'] : methods;
  }

  /**
   * Which method the code proved (a 6-digit TOTP code, or one of the recovery codes, each once), or null. The
   * attempt counts on the account's second-factor counter, across IPs (429 while it is full).
   */
  async check(user: { id: string }, code: string): Promise<ProvedFactor | null> {
    let method: SecondFactorMethod | null = null;
    await this.attempts.checkSecondFactor(user.id, async () => (method = await this.verifyCode(user.id, code)) !== null);
    // RFC 8176 has no value for a recovery code; it is a one-time password too.
    return method && { method, amr: ['otp'] };
  }

  /**
   * A passkey's answer to a challenge of this account (bound as given); counted on the account's second-factor
   * counter like a code.
   */
  async checkPasskey(
    user: { id: string },
    response: unknown,
    expected: { purpose: ChallengePurpose; binding: ChallengeBinding },
    requireUserVerification: boolean,
  ): Promise<PasskeyAssertion | null> {
    let assertion: PasskeyAssertion | null = null;
    await this.attempts.checkSecondFactor(
      user.id,
      async () => (assertion = await this.passkeys.authenticate(response, expected, user.id, requireUserVerification)) !== null,
    );
    return assertion;
  }

  /** Whether the account has a second factor (a passkey or a confirmed authenticator app; recovery codes only stand in). */
  async any(userId: string, db?: Db): Promise<boolean> {
    return (await this.factorsOf(userId, db)).length > 0;
  }

  private async factorsOf(userId: string, db?: Db): Promise<Array<'passkey' | 'totp'>> {
    const [passkey, totp] = await Promise.all([this.passkeys.any(userId, db), this.totp.active(userId, db)]);
    return [...(passkey ? (['passkey'] as const) : []), ...(totp ? (['totp'] as const) : [])];
  }

  private async verifyCode(userId: string, code: string): Promise<SecondFactorMethod | null> {
    if (/^\d{6}$/.test(code)) return (await this.totp.verify(userId, code)) ? 'totp' : null;
    return (await this.recoveryCodes.consume(userId, code)) ? 'recovery_code' : null;
  }
}

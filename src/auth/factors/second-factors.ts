import { Injectable } from '@nestjs/common';
import type { Db } from '../../database/transaction-runner';
import { CredentialAttempts } from '../credential-attempts.service';
import { RecoveryCodes } from './recovery-codes';
import { TotpFactors } from './totp-factors';

/** How an account may prove its second factor, strongest first. */
export type SecondFactorMethod = 'totp' | 'recovery_code';

/** What a sign-in or step-up asks of an account with a second factor, and checking a code against them. */
@Injectable()
export class SecondFactors {
  constructor(
    private readonly totp: TotpFactors,
    private readonly recoveryCodes: RecoveryCodes,
    private readonly attempts: CredentialAttempts,
  ) {}

  /** The methods the account has; empty: the account has no second factor. */
  async methods(userId: string, db?: Db): Promise<SecondFactorMethod[]> {
    // Every sign-in asks this: an account without a factor costs one lookup.
    if (!(await this.totp.active(userId, db))) return [];
    const codes = await this.recoveryCodes.status(userId, db);
    return codes && codes.remaining > 0 ? ['totp', 'recovery_code'] : ['totp'];
  }

  /**
   * Which method the code proved (a 6-digit TOTP code, or one of the recovery codes, each once), or null. The
   * attempt counts on the account's failure counter, as a password does (429 while it is full).
   */
  async check(user: { id: string; email: string }, ip: string, code: string): Promise<SecondFactorMethod | null> {
    let method: SecondFactorMethod | null = null;
    await this.attempts.check(user.email, ip, async () => (method = await this.verifyCode(user.id, code)) !== null);
    return method;
  }

  private async verifyCode(userId: string, code: string): Promise<SecondFactorMethod | null> {
    if (/^\d{6}$/.test(code)) return (await this.totp.verify(userId, code)) ? 'totp' : null;
    return (await this.recoveryCodes.consume(userId, code)) ? 'recovery_code' : null;
  }
}

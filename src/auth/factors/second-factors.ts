import { Injectable } from '@nestjs/common';
import type { Db } from '../../database/transaction-runner';
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
  ) {}

  /** The methods the account has; empty: the account has no second factor. */
  async methods(userId: string, db?: Db): Promise<SecondFactorMethod[]> {
    const [totp, codes] = await Promise.all([this.totp.active(userId, db), this.recoveryCodes.status(userId, db)]);
    if (!totp) return [];
    return codes && codes.remaining > 0 ? ['totp', 'recovery_code'] : ['totp'];
  }

  /** Which method the code proved (a 6-digit TOTP code, or one of the recovery codes, each once), or null. */
  async verifyCode(userId: string, code: string): Promise<SecondFactorMethod | null> {
    if (/^\d{6}$/.test(code)) return (await this.totp.verify(userId, code)) ? 'totp' : null;
    return (await this.recoveryCodes.consume(userId, code)) ? 'recovery_code' : null;
  }
}

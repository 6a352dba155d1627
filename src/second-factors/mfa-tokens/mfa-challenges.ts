import { Injectable } from '@nestjs/common';
import { type SecondFactorMethod, SecondFactors } from '../second-factors';
import { MfaTokens } from './mfa-tokens';

/** A sign-in that passed its first factor and waits for the second. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  methods: SecondFactorMethod[];
  expiresIn: number;
}

/** The second step every sign-in (password, provider) asks of an account with a second factor. */
@Injectable()
export class MfaChallenges {
  constructor(
    private readonly secondFactors: SecondFactors,
    private readonly mfaTokens: MfaTokens,
  ) {}

  /**
   * An MfaToken and the methods, when the account has a second factor; null otherwise. `firstFactor`: how
   * the first step was proved (RFC 8176), for the session the second step opens.
   */
  async challenge(userId: string, firstFactor: readonly string[]): Promise<MfaChallenge | null> {
    const methods = await this.secondFactors.methods(userId);
    if (methods.length === 0) return null;
    const { token, expiresIn } = await this.mfaTokens.issue(userId, firstFactor);
    return { mfaRequired: true, mfaToken: token, methods, expiresIn };
  }
}

import { Injectable } from '@nestjs/common';
import { type RequestOrigin, type SecurityEventDetails, SecurityEventsRepository } from '#src/users/security-events.repository';
import { UsersRepository } from '#src/users/users.repository';
import type { AuthContext } from '#src/auth/guards/auth-context';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { Passkeys } from '#src/second-factors/passkeys/passkeys';
import { SecondFactorErrors } from '#src/second-factors/second-factors.errors';
import { SecondFactors } from '#src/second-factors/second-factors';
import type { ChallengeBinding } from '#src/second-factors/passkeys/webauthn-challenges';
import { PasswordService } from '#src/password/password.service';
import { type IssuedToken, TokenService } from '#src/auth/tokens/token.service';
import { StepUpErrors } from './step-up.errors';

/** Re-authentication for sensitive operations: the password, or the second factor when the account has one. */
@Injectable()
export class StepUpService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly secondFactors: SecondFactors,
    private readonly passkeys: Passkeys,
  ) {}

  /** `{ password }` or `{ code }`, exactly one. */
  stepUp(auth: AuthContext, credential: { password?: string; code?: string }, origin: RequestOrigin & { ip: string }): Promise<IssuedToken> {
    if ((credential.password === undefined) === (credential.code === undefined)) {
      throw StepUpErrors.passwordOrCode();
    }
    return credential.code !== undefined
      ? this.stepUpWithCode(auth, credential.code, origin)
      : this.stepUpWithPassword(auth, credential.password as string, origin);
  }

  /** Issues a step-up token bound to this user and session; failures share the login counter. */
  private async stepUpWithPassword(auth: AuthContext, password: string, origin: RequestOrigin & { ip: string }): Promise<IssuedToken> {
    // The strongest factor the account has is what a step-up asks for: with a second factor, the password is not enough.
    const methods = await this.secondFactors.methods(auth.userId);
    if (methods.length > 0) {
      throw SecondFactorErrors.secondFactorRequired(methods);
    }
    const hash = await this.users.getPasswordHash(auth.userId);
    if (!hash) throw StepUpErrors.noPassword();
    if (!(await this.passwords.check(auth.user.email, origin.ip, password, hash))) {
      await this.securityEvents.record({ userId: auth.userId, type: 'step_up_failed', origin });
      throw StepUpErrors.wrongPassword();
    }
    return this.issue(auth, ['pwd'], origin);
  }

  /** A TOTP or recovery code; a wrong one counts on the account's failure counter. */
  private async stepUpWithCode(auth: AuthContext, code: string, origin: RequestOrigin & { ip: string }): Promise<IssuedToken> {
    const proved = await this.secondFactors.check(auth.user, code);
    if (!proved) {
      await this.securityEvents.record({ userId: auth.userId, type: 'step_up_failed', origin, details: { factor: 'second_factor' } });
      throw StepUpErrors.wrongCode();
    }
    return this.issue(auth, proved.amr, origin, { secondFactor: proved.method });
  }

  passkeyOptions(auth: AuthContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.passkeys.authenticationOptions({ purpose: 'step_up', binding: sessionBinding(auth) }, auth.userId, 'required');
  }

  /** A user-verified passkey of this account answering this session's challenge; a refusal counts on the failure counter. */
  async stepUpWithPasskey(auth: AuthContext, response: unknown, origin: RequestOrigin & { ip: string }): Promise<IssuedToken> {
    const assertion = await this.secondFactors.checkPasskey(auth.user, response, { purpose: 'step_up', binding: sessionBinding(auth) }, true);
    if (!assertion) {
      await this.securityEvents.record({ userId: auth.userId, type: 'step_up_failed', origin, details: { factor: 'passkey' } });
      throw StepUpErrors.passkeyRefused();
    }
    return this.issue(auth, assertion.amr, origin, { secondFactor: 'passkey', passkeyId: assertion.passkey.id });
  }

  /**
   * The one place a step-up token is issued, bound to the user and session it was proved for, with its
   * `step_up` security event. A provider's re-authentication comes here from its callback (`amr: fed`).
   */
  async issue(auth: Pick<AuthContext, 'userId' | 'sessionId'>, amr: string[], origin: RequestOrigin, details?: SecurityEventDetails): Promise<IssuedToken> {
    const issued = await this.tokens.signStepUpToken(auth.userId, auth.sessionId, amr);
    await this.securityEvents.record({ userId: auth.userId, type: 'step_up', origin, details });
    return issued;
  }
}

function sessionBinding(auth: AuthContext): ChallengeBinding {
  return { userId: auth.userId, sessionId: auth.sessionId, mfaTokenHash: null };
}

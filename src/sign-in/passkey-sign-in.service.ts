import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { RequestOrigin } from '#src/users/security-events.repository';
import { UsersRepository } from '#src/users/users.repository';
import { Passkeys } from '#src/second-factors/passkeys/passkeys';
import { SecondFactors } from '#src/second-factors/second-factors';
import { type ChallengeBinding, UNBOUND } from '#src/second-factors/passkeys/webauthn-challenges';
import { LoginService } from './login.service';
import { hashOpaqueToken } from '#src/common/crypto/opaque-token';
import { SessionIssuer } from '#src/auth/sessions/session-issuer';
import type { SessionTokens } from '#src/auth/sessions/session-tokens';
import { assertNotLocked } from '#src/users/account-lock';
import { SignInErrors } from './sign-in.errors';

/**
 * Signing in with a passkey: on its own (a discoverable credential with user verification, no password), or
 * as the second step of a sign-in that passed its password or provider.
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    private readonly passkeys: Passkeys,
    private readonly secondFactors: SecondFactors,
    private readonly login: LoginService,
    private readonly users: UsersRepository,
    private readonly issuer: SessionIssuer,
  ) {}

  /** Options for any passkey of this site (no account is named yet); user verification required. */
  passwordlessOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.passkeys.authenticationOptions({ purpose: 'sign_in', binding: UNBOUND }, null, 'required');
  }

  /** A user-verified passkey is both factors: possession of the key and the user's PIN or biometrics. */
  async signIn(response: unknown, client: RequestOrigin & { ip: string }): Promise<SessionTokens> {
    const assertion = await this.passkeys.authenticate(response, { purpose: 'sign_in', binding: UNBOUND }, null, true);
    const user = assertion && (await this.users.findById(assertion.passkey.userId));
    if (!assertion || !user) throw SignInErrors.passkeyRefused();
    assertNotLocked(user);
    return this.issuer.open(user, client, assertion.amr, { kind: 'passkey', passkeyId: assertion.passkey.id, passkeyName: assertion.passkey.name });
  }

  /** Options for the passkeys of the account whose sign-in waits for its second factor. */
  async secondFactorOptions(mfaToken: string | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const userId = await this.login.pendingSignIn(mfaToken);
    return this.passkeys.authenticationOptions({ purpose: 'second_factor', binding: mfaBinding(userId, mfaToken as string) }, userId, 'preferred');
  }

  completeWithPasskey(mfaToken: string | undefined, response: unknown, client: RequestOrigin & { ip: string }): Promise<SessionTokens> {
    return this.login.completeSecondFactor(mfaToken, client, async (user) => {
      const assertion = await this.secondFactors.checkPasskey(
        user,
        response,
        { purpose: 'second_factor', binding: mfaBinding(user.id, mfaToken as string) },
        false,
      );
      return assertion && { method: 'passkey', amr: assertion.amr };
    });
  }
}

/** A second step's challenge belongs to its sign-in attempt: the MfaToken (by its hash) and its account. */
function mfaBinding(userId: string, mfaToken: string): ChallengeBinding {
  return { userId, sessionId: null, mfaTokenHash: hashOpaqueToken(mfaToken) };
}

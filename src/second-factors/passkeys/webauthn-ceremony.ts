import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { factorsConfig } from '#src/config/factors.config';
import type { Settings } from '#src/config/settings-token';

/** The part of an authenticator's answer read before verification; the library checks the rest. */
export interface CeremonyAnswer {
  id: string;
  response: { clientDataJSON: string; userHandle?: unknown };
}

/** A stored credential, as the ceremony needs it to check a signature. */
export interface CredentialKey {
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string[] | undefined;
}

/** What a registration proved: the credential to store. */
export interface RegisteredCredential {
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string | null;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

/** What an authentication proved. */
export interface AuthenticatedCredential {
  newCounter: number;
  backedUp: boolean;
  deviceType: 'singleDevice' | 'multiDevice';
  userVerified: boolean;
}

/**
 * WebAuthn Level 3 over `@simplewebauthn/server`: the options of each ceremony and the verification of the
 * authenticator's answers against the rp id and the allowed origins. A refused answer is null (the reason goes
 * to the debug log), so nobody learns which check failed. Which challenge and which credential belong to whom is
 * `Passkeys`' business, not this adapter's.
 */
@Injectable()
export class WebAuthnCeremony {
  private readonly logger = new Logger(WebAuthnCeremony.name);

  constructor(@Inject(factorsConfig.KEY) private readonly config: Settings<typeof factorsConfig>) {}

  creationOptions(
    user: { id: string; email: string; displayName?: string | null },
    challenge: string,
    timeoutMs: number,
    exclude: Array<{ id: string; transports: string[] | undefined }>,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return generateRegistrationOptions({
      rpName: this.config.webauthn.rpName,
      rpID: this.config.webauthn.rpId,
      // The user handle: the account id, which is no personal data and never changes with the address.
      userID: new TextEncoder().encode(user.id),
      userName: user.email,
      userDisplayName: user.displayName ?? user.email,
      // As bytes: a string would be taken as text and encoded once more.
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: timeoutMs,
      attestationType: 'none',
      excludeCredentials: exclude.map((credential) => ({ id: credential.id, transports: credential.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
  }

  /** Without `allow`, any discoverable credential of this site may answer (passwordless sign-in). */
  requestOptions(
    challenge: string,
    timeoutMs: number,
    allow: Array<{ id: string; transports: string[] | undefined }> | undefined,
    userVerification: 'required' | 'preferred',
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const allowCredentials = allow?.map((credential) => ({ id: credential.id, transports: credential.transports }));
    return generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      allowCredentials,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: timeoutMs,
      userVerification,
    });
  }

  async verifyRegistration(answer: CeremonyAnswer, challenge: string): Promise<RegisteredCredential | null> {
    const verified = await this.verify('registration', () =>
      verifyRegistrationResponse({
        response: answer as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: false,
      }),
    );
    if (!verified?.verified) return null;
    const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      signCount: credential.counter,
      transports: credential.transports?.join(',') || null,
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
    };
  }

  /** Null also for a signature counter that did not move forward (a cloned authenticator). */
  async verifyAuthentication(
    answer: CeremonyAnswer,
    challenge: string,
    key: CredentialKey,
    requireUserVerification: boolean,
  ): Promise<AuthenticatedCredential | null> {
    const verified = await this.verify('authentication', () =>
      verifyAuthenticationResponse({
        response: answer as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        credential: { id: key.credentialId, publicKey: Buffer.from(key.publicKey, 'base64url'), counter: key.signCount, transports: key.transports },
        requireUserVerification,
      }),
    );
    if (!verified?.verified) return null;
    const info = verified.authenticationInfo;
    return { newCounter: info.newCounter, backedUp: info.credentialBackedUp, deviceType: info.credentialDeviceType, userVerified: info.userVerified };
  }

  private async verify<T>(ceremony: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      this.logger.debug(`passkey ${ceremony} refused: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }
}

/** A credential id is base64url (WebAuthn's JSON form); anything else (a NUL byte: PostgreSQL refuses it in a query) is no answer. */
export function isCeremonyAnswer(value: unknown): value is CeremonyAnswer {
  if (value === null || typeof value !== 'object') return false;
  const answer = value as { id?: unknown; response?: { clientDataJSON?: unknown } };
  return typeof answer.id === 'string' && /^[A-Za-z0-9_-]{1,1400}$/.test(answer.id) && typeof answer.response?.clientDataJSON === 'string';
}

/** The challenge the client data says it answers, or null when the client data is not JSON with one. */
export function challengeOf(answer: CeremonyAnswer): string | null {
  try {
    const clientData = JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof clientData.challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(clientData.challenge) ? clientData.challenge : null;
  } catch {
    return null;
  }
}

import { randomUUID } from 'node:crypto';
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
import { MoreThan, type Repository } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { factorsConfig } from '../../config/factors.config';
import type { Settings } from '../../config/settings-token';
import { type Db, type Transaction, TransactionRunner } from '../../database/transaction-runner';
import { uniqueViolationText } from '../../database/unique-violation';
import { type ChallengePurpose, PasskeyEntity } from './passkey.entities';
import { type ChallengeBinding, WebAuthnChallenges } from './webauthn-challenges';

/** A passkey that answered a challenge, and how it proved the user (RFC 8176). */
export interface PasskeyAssertion {
  passkey: PasskeyEntity;
  amr: string[];
}

/** A registration the authenticator proved, not stored yet. */
export type VerifiedPasskey = Pick<PasskeyEntity, 'credentialId' | 'publicKey' | 'signCount' | 'transports' | 'deviceType' | 'backedUp'>;

/** What a ceremony's answer must match besides its challenge. */
interface Expected {
  purpose: ChallengePurpose;
  binding: ChallengeBinding;
}

/**
 * Passkeys (WebAuthn Level 3, `@simplewebauthn/server`): the options of each ceremony, verifying the
 * authenticator's answers against the rp id and the allowed origins, and the stored credentials with their
 * signature counters. Every failure of an answer is a plain "no" to the caller (the reason goes to the debug
 * log), so nobody learns which check failed.
 */
@Injectable()
export class Passkeys {
  private readonly logger = new Logger(Passkeys.name);

  constructor(
    private readonly database: TransactionRunner,
    private readonly challenges: WebAuthnChallenges,
    @Inject(factorsConfig.KEY) private readonly config: Settings<typeof factorsConfig>,
  ) {}

  list(userId: string, db?: Db): Promise<PasskeyEntity[]> {
    return this.rows(db).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  any(userId: string, db?: Db): Promise<boolean> {
    return this.rows(db).existsBy({ userId });
  }

  /** Creation options for the user's next passkey, bound to this session; the existing ones are excluded. */
  async registrationOptions(user: { id: string; email: string; displayName?: string | null }, sessionId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const challenge = await this.challenges.issue('register', { userId: user.id, sessionId, mfaTokenHash: null });
    return generateRegistrationOptions({
      rpName: this.config.webauthn.rpName,
      rpID: this.config.webauthn.rpId,
      // The user handle: the account id, which is no personal data and never changes with the address.
      userID: new TextEncoder().encode(user.id),
      userName: user.email,
      userDisplayName: user.displayName ?? user.email,
      // As bytes: a string would be taken as text and encoded once more.
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: this.challenges.ttlSeconds * 1000,
      attestationType: 'none',
      excludeCredentials: (await this.list(user.id)).map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey) })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
  }

  /**
   * Verifies the authenticator's answer to this session's registration challenge (used up either way, so
   * before any transaction): 422 INVALID_CREDENTIAL for any bad answer.
   */
  async verifyRegistration(userId: string, sessionId: string, response: unknown): Promise<VerifiedPasskey> {
    const invalid = () => new AppError('INVALID_CREDENTIAL', 'The passkey could not be verified. Start again from the options.');
    if (!isCeremonyAnswer(response) || !(await this.takeChallenge(response, { purpose: 'register', binding: { userId, sessionId, mfaTokenHash: null } }))) throw invalid();
    const verified = await this.verify('registration', () =>
      verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challengeOf(response) as string,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: false,
      }),
    );
    if (!verified?.verified) throw invalid();
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

  /** Stores a verified passkey; 409 FACTOR_EXISTS for a credential already registered (here or to another account). */
  async add(userId: string, verified: VerifiedPasskey, name: string | undefined, tx: Transaction): Promise<PasskeyEntity> {
    const existing = await this.rows(tx).countBy({ userId });
    const passkey: PasskeyEntity = { id: randomUUID(), userId, ...verified, name: name?.trim() || `Passkey ${existing + 1}`, createdAt: new Date(), lastUsedAt: null };
    try {
      await this.rows(tx).insert(passkey);
    } catch (error) {
      if (uniqueViolationText(error)?.includes('credential') !== true) throw error;
      throw new AppError('FACTOR_EXISTS', 'This passkey is already registered.');
    }
    return passkey;
  }

  /**
   * Request options. With `userId`, only that account's passkeys are allowed (409 NO_PASSKEY when it has none);
   * without, any discoverable one (passwordless sign-in). The challenge is bound as given.
   */
  async authenticationOptions(expected: Expected, userId: string | null, userVerification: 'required' | 'preferred'): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const own = userId === null ? null : await this.list(userId);
    if (own?.length === 0) throw new AppError('NO_PASSKEY', 'This account has no passkey; use a code instead.');
    const allowCredentials = own?.map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey) }));
    const challenge = await this.challenges.issue(expected.purpose, expected.binding);
    return generateAuthenticationOptions({ rpID: this.config.webauthn.rpId, allowCredentials, challenge: Buffer.from(challenge, 'base64url'), timeout: this.challenges.ttlSeconds * 1000, userVerification });
  }

  /**
   * The passkey that signed the challenge, or null: unknown credential, another account's (with `userId`),
   * bad signature, a used, expired or foreign challenge, the wrong origin or rp id, missing user
   * verification when required, or a signature counter that did not move forward (a cloned authenticator).
   */
  async authenticate(response: unknown, expected: Expected, userId: string | null, requireUserVerification: boolean): Promise<PasskeyAssertion | null> {
    if (!isCeremonyAnswer(response) || !(await this.takeChallenge(response, expected))) return null;
    const passkey = await this.rows().findOneBy({ credentialId: response.id });
    if (!passkey || (userId !== null && passkey.userId !== userId) || !this.userHandleMatches(response, passkey)) return null;
    const verified = await this.verify('authentication', () =>
      verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challengeOf(response) as string,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.signCount, transports: transportsOf(passkey) },
        requireUserVerification,
      }),
    );
    if (!verified?.verified) return null;
    const info = verified.authenticationInfo;
    const used = { signCount: info.newCounter, lastUsedAt: new Date(), backedUp: info.credentialBackedUp, deviceType: info.credentialDeviceType };
    // Conditional on the counter read above (the library refused one that did not grow): of two racing answers, one wins.
    const moved = await this.rows().update({ id: passkey.id, signCount: passkey.signCount }, used);
    if (moved.affected !== 1) return null;
    Object.assign(passkey, used);
    // RFC 8176: a synced passkey's key lives in software (`swk`), one bound to its authenticator in hardware (`hwk`).
    const amr = [passkey.deviceType === 'multiDevice' ? 'swk' : 'hwk', ...(info.userVerified ? ['user'] : [])];
    return { passkey, amr };
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyEntity | null> {
    const result = await this.rows().update({ id, userId }, { name: name.trim() });
    return result.affected === 1 ? this.rows().findOneBy({ id, userId }) : null;
  }

  async remove(userId: string, id: string, tx: Transaction): Promise<boolean> {
    return ((await this.rows(tx).delete({ id, userId })).affected ?? 0) > 0;
  }

  /** The undo of an email change: the passkeys registered since go. How many went. */
  async removeCreatedSince(userId: string, since: Date, tx: Transaction): Promise<number> {
    return (await this.rows(tx).delete({ userId, createdAt: MoreThan(since) })).affected ?? 0;
  }

  private takeChallenge(response: CeremonyAnswer, expected: Expected): Promise<boolean> {
    const challenge = challengeOf(response);
    return challenge === null ? Promise.resolve(false) : this.challenges.take(challenge, expected.purpose, expected.binding);
  }

  /** A discoverable credential names its account too: it must be the passkey's. */
  private userHandleMatches(response: CeremonyAnswer, passkey: PasskeyEntity): boolean {
    const handle = response.response.userHandle;
    if (handle === undefined || handle === null || handle === '') return true;
    return typeof handle === 'string' && Buffer.from(handle, 'base64url').toString('utf8') === passkey.userId;
  }

  private async verify<T>(ceremony: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      this.logger.debug(`passkey ${ceremony} refused: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private rows(db?: Db): Repository<PasskeyEntity> {
    return this.database.repository(PasskeyEntity, db);
  }
}

/** The part of an authenticator's answer read before verification; the library checks the rest. */
interface CeremonyAnswer {
  id: string;
  response: { clientDataJSON: string; userHandle?: unknown };
}

function isCeremonyAnswer(value: unknown): value is CeremonyAnswer {
  if (value === null || typeof value !== 'object') return false;
  const answer = value as { id?: unknown; response?: { clientDataJSON?: unknown } };
  // A credential id is base64url (WebAuthn's JSON form); anything else (a NUL byte: PostgreSQL refuses it in a
  // query) is no answer of an authenticator.
  return typeof answer.id === 'string' && /^[A-Za-z0-9_-]{1,1400}$/.test(answer.id) && typeof answer.response?.clientDataJSON === 'string';
}

/** The challenge the client data says it answers, or null when the client data is not JSON with one. */
function challengeOf(answer: CeremonyAnswer): string | null {
  try {
    const clientData = JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof clientData.challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(clientData.challenge) ? clientData.challenge : null;
  } catch {
    return null;
  }
}

function transportsOf(passkey: PasskeyEntity): string[] | undefined {
  return passkey.transports?.split(',');
}

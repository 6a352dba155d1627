import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Db, Transaction } from '#src/database/transaction-runner';
import type { ChallengePurpose, PasskeyEntity } from './passkey.entities';
import { PasskeysRepository } from './passkeys.repository';
import { type CeremonyAnswer, type RegisteredCredential, WebAuthnCeremony, challengeOf, isCeremonyAnswer } from './webauthn-ceremony';
import { type ChallengeBinding, WebAuthnChallenges } from './webauthn-challenges';
import { SecondFactorErrors } from '../second-factors.errors';

/** A passkey that answered a challenge, and how it proved the user (RFC 8176). */
export interface PasskeyAssertion {
  passkey: PasskeyEntity;
  amr: string[];
}

/** A registration the authenticator proved, not stored yet. */
export type VerifiedPasskey = RegisteredCredential;

/** What a ceremony's answer must match besides its challenge. */
interface Expected {
  purpose: ChallengePurpose;
  binding: ChallengeBinding;
}

/**
 * An account's passkeys: whose challenge an answer may use, whose credential it may be, the stored credentials
 * and their signature counters. The WebAuthn protocol itself is `WebAuthnCeremony`'s. Every failure of an answer
 * is a plain "no" to the caller, so nobody learns which check failed.
 */
@Injectable()
export class Passkeys {
  constructor(
    private readonly rows: PasskeysRepository,
    private readonly challenges: WebAuthnChallenges,
    private readonly ceremony: WebAuthnCeremony,
  ) {}

  list(userId: string, db?: Db): Promise<PasskeyEntity[]> {
    return this.rows.list(userId, db);
  }

  any(userId: string, db?: Db): Promise<boolean> {
    return this.rows.any(userId, db);
  }

  /** Creation options for the user's next passkey, bound to this session; the existing ones are excluded. */
  async registrationOptions(
    user: { id: string; email: string; displayName?: string | null },
    sessionId: string,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const challenge = await this.challenges.issue('register', { userId: user.id, sessionId, mfaTokenHash: null });
    const existing = (await this.list(user.id)).map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey) }));
    return this.ceremony.creationOptions(user, challenge, this.challenges.ttlSeconds * 1000, existing);
  }

  /**
   * Verifies the authenticator's answer to this session's registration challenge (used up either way, so
   * before any transaction): 422 INVALID_CREDENTIAL for any bad answer.
   */
  async verifyRegistration(userId: string, sessionId: string, response: unknown): Promise<VerifiedPasskey> {
    const invalid = () => SecondFactorErrors.passkeyNotVerified();
    if (!isCeremonyAnswer(response) || !(await this.takeChallenge(response, { purpose: 'register', binding: { userId, sessionId, mfaTokenHash: null } })))
      throw invalid();
    const verified = await this.ceremony.verifyRegistration(response, challengeOf(response) as string);
    if (!verified) throw invalid();
    return verified;
  }

  /** Stores a verified passkey; 409 FACTOR_EXISTS for a credential already registered (here or to another account). */
  async add(userId: string, verified: VerifiedPasskey, name: string | undefined, tx: Transaction): Promise<PasskeyEntity> {
    const existing = await this.rows.count(userId, tx);
    const passkey: PasskeyEntity = {
      id: randomUUID(),
      userId,
      ...verified,
      name: name?.trim() || `Passkey ${existing + 1}`,
      createdAt: new Date(),
      lastUsedAt: null,
    };
    if (!(await this.rows.insert(passkey, tx))) throw SecondFactorErrors.passkeyAlreadyRegistered();
    return passkey;
  }

  /**
   * Request options. With `userId`, only that account's passkeys are allowed (409 NO_PASSKEY when it has none);
   * without, any discoverable one (passwordless sign-in). The challenge is bound as given.
   */
  async authenticationOptions(
    expected: Expected,
    userId: string | null,
    userVerification: 'required' | 'preferred',
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const own = userId === null ? null : await this.list(userId);
    if (own?.length === 0) throw SecondFactorErrors.noPasskey();
    const allowCredentials = own?.map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey) }));
    const challenge = await this.challenges.issue(expected.purpose, expected.binding);
    return this.ceremony.requestOptions(challenge, this.challenges.ttlSeconds * 1000, allowCredentials, userVerification);
  }

  /**
   * The passkey that signed the challenge, or null: unknown credential, another account's (with `userId`),
   * bad signature, a used, expired or foreign challenge, the wrong origin or rp id, missing user
   * verification when required, or a signature counter that did not move forward (a cloned authenticator).
   */
  async authenticate(response: unknown, expected: Expected, userId: string | null, requireUserVerification: boolean): Promise<PasskeyAssertion | null> {
    if (!isCeremonyAnswer(response) || !(await this.takeChallenge(response, expected))) return null;
    const passkey = await this.rows.findByCredentialId(response.id);
    if (!passkey || (userId !== null && passkey.userId !== userId) || !this.userHandleMatches(response, passkey)) return null;
    const key = { credentialId: passkey.credentialId, publicKey: passkey.publicKey, signCount: passkey.signCount, transports: transportsOf(passkey) };
    const info = await this.ceremony.verifyAuthentication(response, challengeOf(response) as string, key, requireUserVerification);
    if (!info) return null;
    const used = { signCount: info.newCounter, lastUsedAt: new Date(), backedUp: info.backedUp, deviceType: info.deviceType };
    // Conditional on the counter read above (the library refused one that did not grow): of two racing answers, one wins.
    if (!(await this.rows.recordUse(passkey, used))) return null;
    Object.assign(passkey, used);
    // RFC 8176: a synced passkey's key lives in software (`swk`), one bound to its authenticator in hardware (`hwk`).
    const amr = [passkey.deviceType === 'multiDevice' ? 'swk' : 'hwk', ...(info.userVerified ? ['user'] : [])];
    return { passkey, amr };
  }

  rename(userId: string, id: string, name: string): Promise<PasskeyEntity | null> {
    return this.rows.rename(userId, id, name.trim());
  }

  remove(userId: string, id: string, tx: Transaction): Promise<boolean> {
    return this.rows.remove(userId, id, tx);
  }

  /** The undo of an email change: the passkeys registered since go. How many went. */
  removeCreatedSince(userId: string, since: Date, tx: Transaction): Promise<number> {
    return this.rows.removeCreatedSince(userId, since, tx);
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
}

function transportsOf(passkey: PasskeyEntity): string[] | undefined {
  return passkey.transports?.split(',');
}

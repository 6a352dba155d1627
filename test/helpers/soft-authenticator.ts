import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** WebAuthn authenticator-data flags. */
const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export interface AnswerOverrides {
  /** The page the browser says it ran on. */
  origin?: string;
  /** The rp id the authenticator hashes into its data. */
  rpId?: string;
  challenge?: string;
  userVerified?: boolean;
}

/**
 * A software WebAuthn authenticator (ES256, `none` attestation, a resident credential), built from the
 * specification, for API tests of the ceremonies' hostile cases: answers for another origin or rp id, a
 * replayed challenge, a counter that went back. The real-browser test uses Chromium's virtual authenticator.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(32).toString('base64url');
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  private userHandle = '';
  signCount = 0;

  constructor(
    readonly origin: string,
    private readonly options: { synced?: boolean } = {},
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicJwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  }

  /** A copy holding the same key, with its own counter (a cloned authenticator). */
  clone(signCount: number): SoftAuthenticator {
    const copy = Object.create(SoftAuthenticator.prototype) as SoftAuthenticator;
    Object.assign(copy, this, { signCount });
    return copy;
  }

  register(options: CreationOptions, overrides: AnswerOverrides = {}): Record<string, unknown> {
    this.userHandle = options.user.id;
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(this.publicJwk.x, 'base64url')],
      [-3, Buffer.from(this.publicJwk.y, 'base64url')],
    ]);
    const idBytes = Buffer.from(this.credentialId, 'base64url');
    const attested = Buffer.concat([
      Buffer.alloc(16),
      Buffer.from([idBytes.length >> 8, idBytes.length & 0xff]),
      idBytes,
      Buffer.from(isoCBOR.encode(coseKey)),
    ]);
    const authData = this.authData(overrides.rpId ?? options.rp.id ?? '', AT | this.flags(overrides), attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.create', overrides.challenge ?? options.challenge, overrides),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** An assertion; the counter moves forward first, as an authenticator's does. */
  authenticate(options: RequestOptions, overrides: AnswerOverrides = {}): Record<string, unknown> {
    this.signCount += 1;
    const authData = this.authData(overrides.rpId ?? options.rpId ?? '', this.flags(overrides));
    const clientDataJSON = this.clientData('webauthn.get', overrides.challenge ?? options.challenge, overrides);
    const signed = Buffer.concat([authData, createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest()]);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        signature: sign('sha256', signed, this.privateKey).toString('base64url'),
        userHandle: this.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private flags(overrides: AnswerOverrides): number {
    return UP | (overrides.userVerified === false ? 0 : UV) | (this.options.synced ? BE | BS : 0);
  }

  private authData(rpId: string, flags: number, attested: Buffer = Buffer.alloc(0)): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.signCount);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flags]), counter, attested]);
  }

  private clientData(type: string, challenge: string, overrides: AnswerOverrides): string {
    return Buffer.from(JSON.stringify({ type, challenge, origin: overrides.origin ?? this.origin, crossOrigin: false })).toString('base64url');
  }
}

import { type KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { JWK } from 'jose';
import { authConfig, type SigningAlgorithm } from '#src/config/auth.config';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

/** The generated key's name: sorts before the timestamped names of keys added later by rotation. */
const FIRST_KEY_FILE = '0000-first.pem';

function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  throw new Error(`Unsupported signing key type ${key.asymmetricKeyType ?? 'unknown'}: use a P-256 or Ed25519 key`);
}

/**
 * The asymmetric keys that sign access and step-up tokens. Keys come from JWT_PRIVATE_KEYS (shared by
 * every instance) or from DATA_DIR/keys, where one is generated on first start. They are parsed once
 * into KeyObjects: re-importing a PEM on every verify costs several times the verification itself.
 * The newest key signs; all of them verify and are published, so a rotated-out key keeps working
 * until its tokens expire.
 */
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly keys: SigningKey[];
  private readonly byKid = new Map<string, SigningKey>();

  constructor(@Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>) {
    const pems = config.privateKeys.length > 0 ? config.privateKeys : this.loadOrCreateKeyFiles();
    this.keys = pems.map((pem) => this.toSigningKey(pem));
    for (const key of this.keys) this.byKid.set(key.kid, key);
  }

  /** The key that signs new tokens. */
  get current(): SigningKey {
    return this.keys[this.keys.length - 1];
  }

  find(kid: string | undefined): SigningKey | undefined {
    return kid === undefined ? undefined : this.byKid.get(kid);
  }

  get algorithms(): SigningAlgorithm[] {
    return [...new Set(this.keys.map((key) => key.alg))];
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }

  private toSigningKey(pem: string): SigningKey {
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    const alg = algorithmOf(privateKey);
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    // The RFC 7638 thumbprint is a stable kid that other services can cache by.
    const kid = thumbprintSync(jwk);
    return { kid, alg, privateKey, publicKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
  }

  /**
   * Key files sorted by name (they are named by creation time); creates the first one if none exists.
   * Creation is atomic, so instances started together on one DATA_DIR agree: the key is written whole to a
   * private temporary file, then hard-linked to the one name every instance tries; link() fails for all but
   * the first, and everyone then reads the winner.
   */
  private loadOrCreateKeyFiles(): string[] {
    const dir = this.config.keysDir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const existing = this.readKeyFiles();
    if (existing.length > 0) return existing;
    const temporary = join(dir, `.${randomUUID()}.tmp`);
    writeFileSync(temporary, this.generate(this.config.algorithm), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temporary, join(dir, FIRST_KEY_FILE));
      this.logger.log(`Generated a new ${this.config.algorithm} signing key in ${dir}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
    return this.readKeyFiles();
  }

  private readKeyFiles(): string[] {
    return readdirSync(this.config.keysDir)
      .filter((name) => name.endsWith('.pem'))
      .sort()
      .map((name) => readFileSync(join(this.config.keysDir, name), 'utf8'));
  }

  private generate(alg: SigningAlgorithm): string {
    const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }
}

/** RFC 7638 thumbprint; jose's is async for WebCrypto's sake, and the constructor needs it now. */
function thumbprintSync(jwk: JWK): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

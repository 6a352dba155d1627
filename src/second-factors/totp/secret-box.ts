import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { factorsConfig } from '#src/config/factors.config';
import type { Settings } from '#src/config/settings-token';

const VERSION = 'v1';

/**
 * Second-factor secrets at rest: TOTP secrets are encrypted (AES-256-GCM, a fresh IV each), recovery codes are
 * kept as an HMAC. The key is MFA_ENCRYPTION_KEY, or one generated once under DATA_DIR/keys (created atomically,
 * so instances started together on one directory agree on it). Separate keys derive from it for each use.
 */
@Injectable()
export class SecretBox {
  private readonly logger = new Logger(SecretBox.name);
  private readonly encryptionKey: Buffer;
  private readonly hmacKey: Buffer;

  constructor(@Inject(factorsConfig.KEY) config: Settings<typeof factorsConfig>) {
    const master = config.encryptionKey ?? this.loadOrCreate(config.keyFile);
    this.encryptionKey = createHmac('sha256', master).update('totp-secret-encryption').digest();
    this.hmacKey = createHmac('sha256', master).update('recovery-code-hmac').digest();
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
  }

  /** Throws when the value was not sealed with this key (a changed MFA_ENCRYPTION_KEY). */
  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || !data) throw new Error('not a sealed second-factor secret');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A keyed hash: a stolen table of recovery-code hashes cannot be searched without the key. */
  digest(value: string): string {
    return createHmac('sha256', this.hmacKey).update(value).digest('hex');
  }

  private loadOrCreate(file: string): Buffer {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomUUID()}.tmp`;
    writeFileSync(temporary, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temporary, file);
      this.logger.log(`Generated the second-factor encryption key in ${dirname(file)}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import * as bcrypt from 'bcrypt';
import { passwordConfig } from '#src/config/password.config';

/** bcrypt reads at most 72 bytes; longer input must be refused, never silently truncated. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * How a presented password matched: in its normalised form (NFKC, how every hash is made now), or only as typed
 * (a hash made before normalisation, to be replaced).
 */
export type PasswordMatch = 'normalised' | 'as-typed';

/** Unicode NFKC: the same password typed on another keyboard (composed or decomposed, full-width) is the same. */
export const normalisePassword = (password: string): string => password.normalize('NFKC');

/**
 * bcrypt through its async API, which runs on libuv's thread pool: hashing never blocks the event loop. Every
 * hash is of the NFKC form of the password.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(@Inject(passwordConfig.KEY) private readonly config: Settings<typeof passwordConfig>) {}

  async onModuleInit(): Promise<void> {
    // Compared against when the account is unknown, so that path costs what a wrong password costs.
    this.dummyHash = await bcrypt.hash('not-a-real-password', this.config.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(normalisePassword(password), this.config.bcryptCost);
  }

  /** Constant-cost check: a missing hash or over-long input still spends its bcrypt comparisons. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    return (await this.match(password, hash)) !== null;
  }

  /**
   * The normalised form first; a password whose typed form differs (non-ASCII input) is also compared as typed,
   * for a hash made before normalisation. That second comparison depends only on the input, never on the account,
   * so an unknown account costs the same.
   */
  async match(password: string, hash: string | null | undefined): Promise<PasswordMatch | null> {
    const usable = typeof hash === 'string' && hash.length > 0;
    const against = usable ? hash : this.dummyHash;
    const normalised = normalisePassword(password);
    const fits = (text: string) => Buffer.byteLength(text, 'utf8') <= BCRYPT_MAX_BYTES;
    const asNormalised = await bcrypt.compare(normalised, against);
    if (usable && asNormalised && fits(normalised)) return 'normalised';
    if (normalised === password) return null;
    const asTyped = await bcrypt.compare(password, against);
    return usable && asTyped && fits(password) ? 'as-typed' : null;
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import * as bcrypt from 'bcrypt';
import { authConfig } from '#src/config/auth.config';

/** bcrypt reads at most 72 bytes; longer input must be refused, never silently truncated. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt through its async API, which runs on libuv's thread pool: hashing never blocks the event loop.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(@Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>) {}

  async onModuleInit(): Promise<void> {
    // Compared against when the account is unknown, so that path costs what a wrong password costs.
    this.dummyHash = await bcrypt.hash('not-a-real-password', this.config.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptCost);
  }

  /** Constant-cost check: a missing hash or over-long input still spends one bcrypt comparison. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const usable = typeof hash === 'string' && hash.length > 0 && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
    const matches = await bcrypt.compare(password, usable ? hash : this.dummyHash);
    return usable && matches;
  }
}

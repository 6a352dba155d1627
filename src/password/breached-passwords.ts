import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { passwordConfig } from '#src/config/password.config';
import type { Settings } from '#src/config/settings-token';

/** How often in a breach corpus a password was seen; 0: never. `null`: the range API could not tell. */
export type BreachCount = number | null;

const TIMEOUT_MS = 1_500;
/** A range's answer is kept this long: the corpus changes slowly, and a repeated password costs no request. */
const CACHE_TTL_MS = 24 * 3600 * 1000;
/** Ranges kept at most (each about 800 suffixes once the padding is dropped). */
const CACHE_RANGES = 512;
const OUTAGE_LOG_INTERVAL_MS = 60_000;

/**
 * The Pwned Passwords range API with k-anonymity: only the first five hex characters of the password's SHA-1
 * leave the service, with `Add-Padding: true` so that the answer's size says nothing either; the suffixes come
 * back and are compared here. PWNED_PASSWORDS_URL empty turns the check off. When the API is slow (1.5 s) or
 * down, the answer is `null`: the bundled common list decides alone and the password is not refused for the
 * outage, which is logged at most once a minute.
 */
@Injectable()
export class BreachedPasswords {
  private readonly logger = new Logger(BreachedPasswords.name);
  private readonly ranges = new Map<string, { at: number; suffixes: Map<string, number> }>();
  private lastOutageLog = 0;

  constructor(@Inject(passwordConfig.KEY) private readonly config: Settings<typeof passwordConfig>) {}

  get enabled(): boolean {
    return this.config.pwnedPasswordsUrl !== null;
  }

  /** Null also with the check turned off: a password set then was never checked, and a sign-in checks it once it is on. */
  async count(password: string): Promise<BreachCount> {
    if (!this.config.pwnedPasswordsUrl) return null;
    const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffixes = await this.range(this.config.pwnedPasswordsUrl, prefix);
    return suffixes === null ? null : (suffixes.get(sha1.slice(5)) ?? 0);
  }

  private async range(base: string, prefix: string): Promise<Map<string, number> | null> {
    const cached = this.ranges.get(prefix);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.suffixes;
    try {
      const response = await fetch(`${base.replace(/\/?$/, '/')}${prefix}`, { headers: { 'add-padding': 'true' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const suffixes = parseRange(await response.text());
      this.remember(prefix, suffixes);
      return suffixes;
    } catch (error) {
      this.logOutage(error);
      return null;
    }
  }

  private remember(prefix: string, suffixes: Map<string, number>): void {
    this.ranges.delete(prefix);
    this.ranges.set(prefix, { at: Date.now(), suffixes });
    // A Map keeps insertion order: the first key is the oldest.
    if (this.ranges.size > CACHE_RANGES) this.ranges.delete(this.ranges.keys().next().value as string);
  }

  private logOutage(error: unknown): void {
    if (Date.now() - this.lastOutageLog < OUTAGE_LOG_INTERVAL_MS) return;
    this.lastOutageLog = Date.now();
    this.logger.warn(`the breached-password check is unavailable (${(error as Error).message}); the bundled common-password list decides meanwhile`);
  }
}

/** `SUFFIX:COUNT` lines; padding lines have a count of 0 and are dropped. */
function parseRange(body: string): Map<string, number> {
  const suffixes = new Map<string, number>();
  for (const line of body.split('\n')) {
    const [suffix, count] = line.trim().split(':');
    const seen = Number(count);
    if (suffix && /^[0-9A-F]{35}$/i.test(suffix) && Number.isInteger(seen) && seen > 0) suffixes.set(suffix.toUpperCase(), seen);
  }
  return suffixes;
}

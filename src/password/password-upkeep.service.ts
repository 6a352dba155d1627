import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '#src/database/transaction-runner';
import { MailService } from '#src/mail/mail.service';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';
import { UsersRepository } from '#src/users/users.repository';
import { BreachedPasswords } from './breached-passwords';
import { type PasswordMatch, PasswordHasher, normalisePassword } from './password-hasher.service';

/** A password the range API could not judge is asked about again at most this often (per account, per instance). */
const RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * What a password sign-in leaves to do, after its answer (never delaying it or failing it): a hash made before
 * normalisation is replaced by one of the NFKC form, and a password set before the breach check existed is
 * checked once; found in the corpus, the profile says `passwordBreached: true`, a `password_breached_detected`
 * event is written and one mail asks for a change.
 */
@Injectable()
export class PasswordUpkeep {
  private readonly logger = new Logger(PasswordUpkeep.name);
  private readonly lastTried = new Map<string, number>();

  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly breaches: BreachedPasswords,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly mail: MailService,
  ) {}

  /** `hash`: the one the password matched (the account's, read with the sign-in). */
  afterSignIn(user: UserEntity, password: string, hash: string, match: PasswordMatch, origin: RequestOrigin): void {
    const needsCheck = user.passwordCheckedAt === null && this.breaches.enabled && this.due(user.id);
    if (match === 'normalised' && !needsCheck) return;
    void this.run(user, password, hash, match, needsCheck, origin).catch((error: Error) => this.logger.warn(`password upkeep skipped: ${error.message}`));
  }

  private async run(user: UserEntity, password: string, hash: string, match: PasswordMatch, needsCheck: boolean, origin: RequestOrigin): Promise<void> {
    let current = hash;
    if (match === 'as-typed') {
      current = await this.hasher.hash(password);
      await this.users.replaceLegacyHash(user.id, hash, current);
    }
    if (!needsCheck) return;
    this.lastTried.set(user.id, Date.now());
    const count = await this.breaches.count(normalisePassword(password));
    if (count === null) return; // the range API is away: the next sign-in (a day later at the earliest) asks again
    const breached = count > 0;
    const first = await this.database.run(async (tx) => {
      const found = await this.users.recordPasswordCheck(user.id, current, breached, tx);
      if (found) await this.securityEvents.record({ userId: user.id, type: 'password_breached_detected', origin, details: { breachCount: count } }, tx);
      return found;
    });
    if (first) await this.mail.notify(this.mail.passwordBreached(user, { breachCount: count }));
  }

  private due(userId: string): boolean {
    const tried = this.lastTried.get(userId);
    if (tried !== undefined && Date.now() - tried < RETRY_AFTER_MS) return false;
    if (this.lastTried.size > 10_000) this.lastTried.clear();
    return true;
  }
}

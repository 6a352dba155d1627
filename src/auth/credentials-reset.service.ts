import { Injectable } from '@nestjs/common';
import type { Transaction } from '../database/transaction-runner';
import { AccountEvents, identityProvidersChanged } from '../events/account-events';
import { Outbox } from '../events/outbox';
import type { RequestOrigin } from '../users/security-events.repository';
import { UserIdentitiesRepository } from '../users/user-identities.repository';
import { UsersRepository } from '../users/users.repository';
import { EmailTokensService } from './email-tokens/email-tokens.service';
import { FactorsService } from './factors/factors.service';
import { PasswordResetService } from './password/reset/password-reset.service';
import { SessionsService } from './sessions/sessions.service';

/**
 * Taking back an account someone else held since `since` (the undo of an email change): whoever it was knew
 * the password or held a session, so everything they could have added goes. Inside the caller's transaction.
 */
@Injectable()
export class CredentialsReset {
  constructor(
    private readonly users: UsersRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly sessions: SessionsService,
    private readonly emailTokens: EmailTokensService,
    private readonly factors: FactorsService,
    private readonly passwordReset: PasswordResetService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Ends every session, cancels a pending email change, unlinks the providers and removes the second factors
   * added since, and makes the password stop working; returns a password-reset token for `email`.
   */
  async resetAfterTakeover(userId: string, email: string, since: Date, origin: RequestOrigin, tx: Transaction): Promise<string> {
    await this.emailTokens.cancelPendingChange(userId, tx);
    await this.sessions.revokeAllExcept(userId, null, tx);
    const unlinked = await this.identities.unlinkLinkedSince(userId, since, tx);
    if (unlinked.length > 0) await this.outbox.record(tx, AccountEvents.profileUpdated, identityProvidersChanged(userId));
    await this.factors.removeAddedSince(userId, since, origin, tx);
    await this.users.setPasswordHash(userId, null, tx);
    return this.passwordReset.issueToken(userId, email, tx);
  }
}

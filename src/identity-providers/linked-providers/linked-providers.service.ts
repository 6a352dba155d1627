import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#src/database/transaction-runner';
import { OidcProviders } from '../oidc/oidc-providers.service';
import { MailService } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { AccountEvents, identityProvidersChanged } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { UserIdentitiesRepository } from '#src/users/user-identities.repository';
import type { LinkedIdentity } from '#src/users/user-identity.entity';
import type { UserEntity } from '#src/users/user.entity';
import { IdentityProviderErrors } from '../identity-providers.errors';

/** Removing a linked provider; linking runs through the provider's flow (OidcFlowStarter and its callback). */
@Injectable()
export class LinkedProvidersService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly identities: UserIdentitiesRepository,
    private readonly providers: OidcProviders,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Unlinks the provider unless it is the last way to sign in; answers with the identities left. A provider
   * removed from the configuration can still be unlinked.
   */
  async unlink(user: UserEntity, providerId: string, origin: RequestOrigin): Promise<LinkedIdentity[]> {
    await this.database.run(async (tx) => {
      const outcome = await this.identities.unlinkUnlessLast(user.id, providerId, tx);
      if (outcome === 'not_linked') throw IdentityProviderErrors.notLinked();
      if (outcome === 'last_login_method') {
        throw IdentityProviderErrors.lastLoginMethod();
      }
      await this.securityEvents.record({ userId: user.id, type: 'provider_unlinked', origin, details: { provider: providerId } }, tx);
      await this.outbox.record(tx, AccountEvents.profileUpdated, identityProvidersChanged(user.id));
    });
    const name = this.providers.find(providerId)?.name ?? providerId;
    await this.notices.send(user.id, this.mail.providerUnlinked(user, name));
    return this.identities.listForUser(user.id);
  }
}

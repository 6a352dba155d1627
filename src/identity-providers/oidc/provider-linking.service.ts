import { Injectable } from '@nestjs/common';
import type { OidcProviderConfig } from '#src/config/oidc.config';
import { TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, identityProvidersChanged } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { MailService } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { IdentityConflict, UserIdentitiesRepository } from '#src/users/user-identities.repository';
import type { UserEntity } from '#src/users/user.entity';
import { CallbackFailure, type ProviderIdentity } from './callback-failure';

/** The link step of a provider's callback: the identity the provider just proved joins the signed-in account. */
@Injectable()
export class ProviderLinking {
  constructor(
    private readonly database: TransactionRunner,
    private readonly identities: UserIdentitiesRepository,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
  ) {}

  /** Links the identity, with its security event and account event in one transaction; then tells the owner. */
  async link(provider: OidcProviderConfig, owner: UserEntity, identity: ProviderIdentity, origin: RequestOrigin): Promise<void> {
    const existing = await this.identities.findBySubject(provider.id, identity.subject);
    if (existing) throw new CallbackFailure(existing.userId === owner.id ? 'provider_already_linked' : 'identity_in_use');
    try {
      await this.database.run(async (tx) => {
        await this.identities.link({ userId: owner.id, provider: provider.id, subject: identity.subject, email: identity.email }, tx);
        await this.securityEvents.record({ userId: owner.id, type: 'provider_linked', origin, details: { provider: provider.id } }, tx);
        await this.outbox.record(tx, AccountEvents.profileUpdated, identityProvidersChanged(owner.id));
      });
    } catch (error) {
      if (error instanceof IdentityConflict) throw new CallbackFailure(error.reason);
      throw error;
    }
    await this.notices.send(owner.id, this.mail.providerLinked(owner, provider.name));
  }
}

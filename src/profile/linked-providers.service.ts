import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { OidcProviders } from '../auth/oidc/oidc-providers.service';
import { AppError } from '../common/errors/app-error';
import { MailService } from '../mail/mail.service';
import { AccountEvents, identityProvidersChanged } from '../users/account-events';
import { type RequestOrigin, SecurityEventsService } from '../users/security-events.service';
import { UserIdentitiesService } from '../users/user-identities.service';
import type { LinkedIdentity } from '../users/user-identity.entity';
import type { UserEntity } from '../users/user.entity';

/** Removing a linked provider; linking runs through the provider's flow (OidcFlowStarter and its callback). */
@Injectable()
export class LinkedProvidersService {
  private readonly logger = new Logger(LinkedProvidersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly identities: UserIdentitiesService,
    private readonly providers: OidcProviders,
    private readonly securityEvents: SecurityEventsService,
    private readonly mail: MailService,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * Unlinks the provider unless it is the last way to sign in; answers with the identities left. A provider
   * removed from the configuration can still be unlinked.
   */
  async unlink(user: UserEntity, providerId: string, origin: RequestOrigin): Promise<LinkedIdentity[]> {
    const outcome = await this.dataSource.transaction((manager) => this.identities.unlinkUnlessLast(user.id, providerId, manager));
    if (outcome === 'not_linked') throw new AppError('NOT_FOUND', 'This provider is not linked to your account.');
    if (outcome === 'last_login_method') {
      throw new AppError('LAST_LOGIN_METHOD', 'This is your only way to sign in. Set a password or link another provider first.');
    }
    await this.securityEvents.record(user.id, 'provider_unlinked', origin, undefined, { provider: providerId });
    this.events.emit(AccountEvents.profileUpdated, identityProvidersChanged(user.id));
    const name = this.providers.find(providerId)?.name ?? providerId;
    await this.mail.sendProviderUnlinked(user.email, name).catch((error: Error) => this.logger.error(`provider-unlinked mail failed: ${error.message}`));
    return this.identities.listForUser(user.id);
  }
}

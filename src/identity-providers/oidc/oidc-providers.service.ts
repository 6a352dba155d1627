import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Settings } from '../../config/settings-token';
import type { Configuration } from 'openid-client';
import { AppError } from '../../common/errors/app-error';
import { isLoopback, type OidcProviderConfig, oidcConfig } from '../../config/oidc.config';

export type OpenIdClient = typeof import('openid-client');

const DISCOVERY_TIMEOUT_SECONDS = 10;

/**
 * The configured providers and their discovered metadata. Discovery runs on first use and is kept; a
 * failure is not kept, so a provider that was down is tried again on the next request.
 */
@Injectable()
export class OidcProviders {
  private readonly logger = new Logger(OidcProviders.name);
  private readonly byId: Map<string, OidcProviderConfig>;
  private readonly discovered = new Map<string, Promise<Configuration>>();
  private library?: Promise<OpenIdClient>;

  constructor(@Inject(oidcConfig.KEY) config: Settings<typeof oidcConfig>) {
    this.byId = new Map(config.providers.map((provider) => [provider.id, provider]));
  }

  list(): OidcProviderConfig[] {
    return [...this.byId.values()];
  }

  find(id: string): OidcProviderConfig | undefined {
    return this.byId.get(id);
  }

  /** The provider's settings; 404 for an id that is not configured. */
  get(id: string): OidcProviderConfig {
    const provider = this.find(id);
    if (!provider) throw new AppError('NOT_FOUND', 'There is no identity provider with this id.');
    return provider;
  }

  /** openid-client is loaded only when a provider is used: deployments without providers never pay for it. */
  client(): Promise<OpenIdClient> {
    this.library ??= import('openid-client');
    return this.library;
  }

  /** The provider's discovered configuration; 503 when its discovery document cannot be fetched. */
  async configuration(provider: OidcProviderConfig): Promise<Configuration> {
    let pending = this.discovered.get(provider.id);
    if (!pending) {
      pending = this.discover(provider);
      this.discovered.set(provider.id, pending);
      pending.catch(() => this.discovered.delete(provider.id));
    }
    try {
      return await pending;
    } catch (error) {
      this.logger.warn(`discovery of identity provider "${provider.id}" failed: ${(error as Error).message}`);
      throw new AppError('SERVICE_UNAVAILABLE', 'The identity provider cannot be reached right now; try again later.');
    }
  }

  private async discover(provider: OidcProviderConfig): Promise<Configuration> {
    const client = await this.client();
    const issuer = new URL(provider.issuer);
    // Plain http is accepted for loopback issuers only (development and tests); configuration refuses others.
    const execute = [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' && isLoopback(issuer.hostname) ? [client.allowInsecureRequests] : [])];
    const authentication = provider.clientSecret ? client.ClientSecretBasic(provider.clientSecret) : client.None();
    return client.discovery(issuer, provider.clientId, undefined, authentication, { execute, timeout: DISCOVERY_TIMEOUT_SECONDS });
  }
}

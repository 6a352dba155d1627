import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { type OidcProviderConfig, oidcConfig } from '#src/config/oidc.config';
import { IdentityProviderErrors } from '../identity-providers.errors';

/** The configured providers (OIDC_PROVIDERS); the protocol with them is `OidcClient`'s. */
@Injectable()
export class OidcProviders {
  private readonly byId: Map<string, OidcProviderConfig>;

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
    if (!provider) throw IdentityProviderErrors.unknownProvider();
    return provider;
  }
}

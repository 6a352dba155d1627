import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { type OidcProviderConfig, oidcConfig } from '#src/config/oidc.config';
import { SecondFactorErrors } from '#src/second-factors/second-factors.errors';
import { SecondFactors } from '#src/second-factors/second-factors';
import type { AuthContext } from '#src/auth/guards/auth-context';
import type { OidcFlowPurpose } from './oidc-flow.entity';
import { OidcFlowsService } from './oidc-flows.service';
import { OidcClient } from './oidc-client';
import { OidcProviders } from './oidc-providers.service';
import { allowedRedirect } from './redirect-allowlist';
import { IdentityProviderErrors } from '../identity-providers.errors';

export interface FlowRequest {
  providerId: string;
  redirect: string | undefined;
  /** Called once the request is known to be valid: sets the flow cookie and returns its binding. */
  browserBinding: () => string;
}

interface FlowTarget {
  provider: OidcProviderConfig;
  redirect: string;
}

/** Starts authorization-code flows (PKCE S256, state, nonce) for sign-in, linking and step-up. */
@Injectable()
export class OidcFlowStarter {
  constructor(
    private readonly providers: OidcProviders,
    private readonly oidc: OidcClient,
    private readonly flows: OidcFlowsService,
    private readonly secondFactors: SecondFactors,
    @Inject(oidcConfig.KEY) private readonly config: Settings<typeof oidcConfig>,
  ) {}

  /** The provider and the checked redirect; 404 and 400 come before anything is stored or sent anywhere. */
  private validate(providerId: string, redirect: string | undefined): FlowTarget {
    const provider = this.providers.get(providerId);
    if (redirect === undefined || redirect === '') return { provider, redirect: this.config.defaultRedirect };
    const allowed = allowedRedirect(redirect, this.config.redirectAllowlist);
    if (!allowed) {
      throw IdentityProviderErrors.redirectNotAllowed();
    }
    return { provider, redirect: allowed };
  }

  signIn(request: FlowRequest): Promise<string> {
    return this.start(request, this.validate(request.providerId, request.redirect), 'sign_in');
  }

  link(auth: AuthContext, request: FlowRequest): Promise<string> {
    const target = this.validate(request.providerId, request.redirect);
    if (isLinked(auth, request.providerId)) {
      throw IdentityProviderErrors.alreadyLinked();
    }
    return this.start(request, target, 'link', auth);
  }

  async stepUp(auth: AuthContext, request: FlowRequest): Promise<string> {
    const target = this.validate(request.providerId, request.redirect);
    if (!isLinked(auth, request.providerId)) {
      throw IdentityProviderErrors.notLinkedForStepUp();
    }
    // As with the password: a provider proves one factor, and an account with a second one steps up with that.
    const methods = await this.secondFactors.methods(auth.userId);
    if (methods.length > 0) throw SecondFactorErrors.secondFactorRequired(methods);
    return this.start(request, target, 'step_up', auth);
  }

  private async start(request: FlowRequest, { provider, redirect }: FlowTarget, purpose: OidcFlowPurpose, auth?: AuthContext): Promise<string> {
    const secrets = await this.oidc.prepare(provider);
    const state = await this.flows.begin(
      { provider: provider.id, purpose, userId: auth?.userId, sessionId: auth?.sessionId, redirect, ...secrets },
      request.browserBinding(),
    );
    return this.oidc.authorizationUrl(provider, {
      ...secrets,
      state,
      redirectUri: `${this.config.callbackBaseUrl}/${provider.id}/callback`,
      scopes: provider.scopes,
      // A step-up must be a fresh authentication at the provider, not a remembered session there.
      freshLogin: purpose === 'step_up',
    });
  }
}

function isLinked(auth: AuthContext, providerId: string): boolean {
  return auth.identities.some((identity) => identity.provider === providerId);
}

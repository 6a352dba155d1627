import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../../config/settings-token';
import { AppError } from '../../common/errors/app-error';
import { type OidcProviderConfig, oidcConfig } from '../../config/oidc.config';
import { SecondFactors, secondFactorRequired } from '../../second-factors/second-factors';
import type { AuthContext } from '../../auth/guards/auth-context';
import type { OidcFlowPurpose } from './oidc-flow.entity';
import { OidcFlowsService } from './oidc-flows.service';
import { OidcProviders } from './oidc-providers.service';
import { allowedRedirect } from './redirect-allowlist';

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
      throw new AppError('VALIDATION_FAILED', 'The redirect is not on the allow-list (OIDC_REDIRECT_ALLOWLIST).', {
        fields: { redirect: ['redirect must be a URL on the allow-list'] },
      });
    }
    return { provider, redirect: allowed };
  }

  signIn(request: FlowRequest): Promise<string> {
    return this.start(request, this.validate(request.providerId, request.redirect), 'sign_in');
  }

  link(auth: AuthContext, request: FlowRequest): Promise<string> {
    const target = this.validate(request.providerId, request.redirect);
    if (isLinked(auth, request.providerId)) {
      throw new AppError('PROVIDER_ALREADY_LINKED', 'This provider is already linked to your account; unlink it first to link another identity.');
    }
    return this.start(request, target, 'link', auth);
  }

  async stepUp(auth: AuthContext, request: FlowRequest): Promise<string> {
    const target = this.validate(request.providerId, request.redirect);
    if (!isLinked(auth, request.providerId)) {
      throw new AppError('PROVIDER_NOT_LINKED', 'This provider is not linked to your account, so it cannot confirm who you are.');
    }
    // As with the password: a provider proves one factor, and an account with a second one steps up with that.
    const methods = await this.secondFactors.methods(auth.userId);
    if (methods.length > 0) throw secondFactorRequired(methods);
    return this.start(request, target, 'step_up', auth);
  }

  private async start(request: FlowRequest, { provider, redirect }: FlowTarget, purpose: OidcFlowPurpose, auth?: AuthContext): Promise<string> {
    const client = await this.providers.client();
    const configuration = await this.providers.configuration(provider);
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = await this.flows.begin(
      { provider: provider.id, purpose, userId: auth?.userId, sessionId: auth?.sessionId, redirect, codeVerifier, nonce },
      request.browserBinding(),
    );
    const parameters: Record<string, string> = {
      response_type: 'code',
      redirect_uri: `${this.config.callbackBaseUrl}/${provider.id}/callback`,
      scope: provider.scopes.join(' '),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    };
    // A step-up must be a fresh authentication at the provider, not a remembered session there.
    if (purpose === 'step_up') Object.assign(parameters, { prompt: 'login', max_age: '0' });
    return client.buildAuthorizationUrl(configuration, parameters).toString();
  }
}

function isLinked(auth: AuthContext, providerId: string): boolean {
  return auth.identities.some((identity) => identity.provider === providerId);
}

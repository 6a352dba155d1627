import { Injectable, Logger } from '@nestjs/common';
import type { Configuration } from 'openid-client';
import { EMAIL_MAX_LENGTH } from '#src/common/validation/email';
import { isLoopback, type OidcProviderConfig } from '#src/config/oidc.config';
import { CallbackFailure, type ProviderIdentity } from './callback-failure';
import { IdentityProviderErrors } from '../identity-providers.errors';

type OpenIdClient = typeof import('openid-client');

const DISCOVERY_TIMEOUT_SECONDS = 10;
// OpenID Connect caps `sub` at 255 ASCII characters; anything longer is not a conforming provider.
const SUBJECT_MAX = 255;

/** What an authorization request needs kept until the provider sends the browser back. */
export interface AuthorizationSecrets {
  codeVerifier: string;
  nonce: string;
}

export interface AuthorizationRequest extends AuthorizationSecrets {
  state: string;
  redirectUri: string;
  scopes: string[];
  /** A fresh authentication at the provider (`prompt=login`, `max_age=0`), not a remembered session there. */
  freshLogin: boolean;
}

/**
 * The OpenID Connect protocol, over openid-client: discovery (kept once it worked; a failure is tried again on
 * the next request), the authorization URL with PKCE, and redeeming the code (openid-client checks PKCE, state,
 * the ID token's signature, issuer, audience, expiry and nonce) into the provider's identity. The services keep
 * the account rules only. openid-client is loaded on first use: deployments without providers never pay for it.
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private readonly discovered = new Map<string, Promise<Configuration>>();
  private library?: Promise<OpenIdClient>;

  /** A new PKCE verifier and nonce; 503 when the provider's discovery document cannot be fetched. */
  async prepare(provider: OidcProviderConfig): Promise<AuthorizationSecrets> {
    const [client] = await Promise.all([this.client(), this.configuration(provider)]);
    return { codeVerifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce() };
  }

  async authorizationUrl(provider: OidcProviderConfig, request: AuthorizationRequest): Promise<string> {
    const [client, configuration] = await Promise.all([this.client(), this.configuration(provider)]);
    const parameters: Record<string, string> = {
      response_type: 'code',
      redirect_uri: request.redirectUri,
      scope: request.scopes.join(' '),
      state: request.state,
      nonce: request.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (request.freshLogin) Object.assign(parameters, { prompt: 'login', max_age: '0' });
    return client.buildAuthorizationUrl(configuration, parameters).toString();
  }

  /**
   * The identity the provider vouches for, from the URL it redirected to (rebuilt by the caller from PUBLIC_URL,
   * never from the request's Host header). Every protocol failure is a `CallbackFailure`.
   */
  async redeem(provider: OidcProviderConfig, callbackUrl: URL, secrets: AuthorizationSecrets): Promise<ProviderIdentity> {
    const client = await this.client();
    let configuration: Configuration;
    try {
      configuration = await this.configuration(provider);
    } catch {
      throw new CallbackFailure('provider_unavailable');
    }
    try {
      const response = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: secrets.codeVerifier,
        expectedState: callbackUrl.searchParams.get('state') ?? undefined,
        expectedNonce: secrets.nonce,
        idTokenExpected: true,
      });
      const claims = response.claims();
      if (!claims || claims.sub.length > SUBJECT_MAX) throw new CallbackFailure('invalid_response');
      return {
        subject: claims.sub,
        email: typeof claims.email === 'string' && claims.email.length <= EMAIL_MAX_LENGTH ? claims.email : null,
        // Some providers send the boolean as a string.
        emailVerified: claims.email_verified === true || claims.email_verified === 'true',
        name: typeof claims.name === 'string' ? claims.name : null,
        authTime: typeof claims.auth_time === 'number' ? claims.auth_time : null,
        locale: typeof claims.locale === 'string' ? claims.locale : null,
        zoneinfo: typeof claims.zoneinfo === 'string' ? claims.zoneinfo : null,
      };
    } catch (error) {
      if (error instanceof CallbackFailure) throw error;
      if (error instanceof client.AuthorizationResponseError) {
        throw new CallbackFailure(error.error === 'access_denied' ? 'access_denied' : 'provider_error');
      }
      this.logger.warn(`identity provider "${provider.id}" response refused: ${(error as Error).message}`);
      throw new CallbackFailure('invalid_response');
    }
  }

  private client(): Promise<OpenIdClient> {
    this.library ??= import('openid-client');
    return this.library;
  }

  /** The provider's discovered configuration; 503 when its discovery document cannot be fetched. */
  private async configuration(provider: OidcProviderConfig): Promise<Configuration> {
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
      throw IdentityProviderErrors.providerUnreachable();
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

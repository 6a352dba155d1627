import { OAuth2Server } from 'oauth2-mock-server';

/** Who signs in at the provider next, as the ID token will say. */
export interface ProviderAccount {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  /** Standard claims a new account takes its language and zone from. */
  locale?: string;
  zoneinfo?: string;
  /** Seconds since the epoch; default: now (a fresh login). Null leaves the claim out. */
  auth_time?: number | null;
}

/**
 * A real OpenID Connect provider on loopback (oauth2-mock-server: discovery, JWKS, authorization code with
 * PKCE, RS256 ID tokens with the nonce). The authorize endpoint answers at once, as if the account given
 * to `signInAs` had just logged in there.
 */
export class TestOidcProvider {
  readonly server = new OAuth2Server();
  private account: ProviderAccount = { sub: 'nobody' };
  /** Claims forced into the next ID token only (a forged issuer, audience, nonce…). */
  private tamper: Record<string, unknown> | null = null;
  private authorizeError: string | null = null;

  /** Keep the client id to letters and digits: the mock reads HTTP Basic credentials without form-decoding them. */
  constructor(readonly clientId: string) {}

  get issuer(): string {
    return this.server.issuer.url as string;
  }

  async start(): Promise<this> {
    await this.server.issuer.keys.generate('RS256');
    this.server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
      if (token.payload.aud === undefined) return; // the access token; only the ID token carries the audience
      const { auth_time, ...claims } = this.account;
      Object.assign(token.payload, claims);
      if (auth_time !== null) token.payload.auth_time = auth_time ?? Math.floor(Date.now() / 1000);
      if (this.tamper) Object.assign(token.payload, this.tamper);
      this.tamper = null;
    });
    this.server.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
      if (!this.authorizeError) return;
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', this.authorizeError);
      this.authorizeError = null;
    });
    await this.server.start(0, '127.0.0.1');
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  signInAs(account: ProviderAccount): this {
    this.account = account;
    return this;
  }

  tamperNextIdToken(claims: Record<string, unknown>): this {
    this.tamper = claims;
    return this;
  }

  refuseNextAuthorization(error: string): this {
    this.authorizeError = error;
    return this;
  }

  /** Follows the authorization URL like a browser and returns where the provider sends it back. */
  async authorize(authorizationUrl: string): Promise<URL> {
    const response = await fetch(authorizationUrl, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) throw new Error(`provider answered ${response.status}: ${await response.text()}`);
    return new URL(location);
  }
}

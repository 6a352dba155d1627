import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '#src/database/transaction-runner';
import type { Settings } from '#src/config/settings-token';
import { isEmail } from 'class-validator';
import { canonicalEmail } from '#src/common/validation/email';
import { codePointLength, hasControlCharacters } from '#src/common/validation/text';
import { canonicalTimeZone } from '#src/common/validation/field.decorators';
import { canonicalTag } from '#src/i18n/language-match';
import { Translations } from '#src/i18n/translations';
import { type OidcProviderConfig, oidcConfig } from '#src/config/oidc.config';
import { MailService } from '#src/mail/mail.service';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { IdentityConflict, UserIdentitiesRepository } from '#src/users/user-identities.repository';
import type { UserEntity } from '#src/users/user.entity';
import { UniqueViolation, UsersRepository } from '#src/users/users.repository';
import { ProviderLinking } from './provider-linking.service';
import { SessionIssuer } from '#src/auth/sessions/session-issuer';
import type { SessionTokens } from '#src/auth/sessions/session-tokens';
import { type MfaChallenge, MfaChallenges } from '#src/second-factors/mfa-tokens/mfa-challenges';
import { SecondFactors } from '#src/second-factors/second-factors';
import { SessionsService } from '#src/auth/sessions/sessions.service';
import { TakebackService } from '#src/takeback/takeback.service';
import type { IssuedToken } from '#src/auth/tokens/token.service';
import { StepUpService } from '#src/step-up/step-up.service';
import type { OidcFlowEntity } from './oidc-flow.entity';
import { OidcFlowsService } from './oidc-flows.service';
import { OidcClient } from './oidc-client';
import { OidcProviders } from './oidc-providers.service';
import { CallbackFailure, type ProviderIdentity } from './callback-failure';
import { withError } from './redirect-allowlist';

/** Where the browser goes next, and what the callback hands it on the way (as cookies). */
export interface CallbackOutcome {
  redirect: string;
  session?: SessionTokens;
  stepUp?: IssuedToken;
  /** The sign-in of an account with a second factor: the MfaToken to complete it with (as the `mfa_token` cookie). */
  mfa?: { token: string; expiresIn: number };
}

// How far the provider's clock may be behind ours when judging a step-up's `auth_time`.
const AUTH_TIME_SKEW_SECONDS = 5;
const DISPLAY_NAME_MAX = 64;

/**
 * Finishes a flow when the provider sends the browser back: takes the single-use state, redeems the code
 * (`OidcClient`: the protocol's checks), then signs in, links or steps up, as the flow said when it started.
 * Every failure becomes a redirect with `error=`; nothing is half done.
 */
@Injectable()
export class OidcCallbackService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly providers: OidcProviders,
    private readonly oidc: OidcClient,
    private readonly flows: OidcFlowsService,
    private readonly users: UsersRepository,
    private readonly identities: UserIdentitiesRepository,
    private readonly sessions: SessionsService,
    private readonly issuer: SessionIssuer,
    private readonly challenges: MfaChallenges,
    private readonly stepUps: StepUpService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly mail: MailService,
    private readonly takeback: TakebackService,
    private readonly secondFactors: SecondFactors,
    private readonly linking: ProviderLinking,
    @Inject(oidcConfig.KEY) private readonly config: Settings<typeof oidcConfig>,
    private readonly translations: Translations,
  ) {}

  async complete(providerId: string, query: URLSearchParams, browserBinding: string | undefined, origin: RequestOrigin): Promise<CallbackOutcome> {
    const state = query.get('state');
    const flow = state ? await this.flows.take(state, browserBinding) : null;
    if (!flow || flow.provider !== providerId) return { redirect: withError(this.config.defaultRedirect, 'invalid_state') };
    // A provider taken out of the configuration while its flow was under way.
    const provider = this.providers.find(flow.provider);
    if (!provider) return { redirect: withError(flow.redirect, 'provider_unavailable') };
    try {
      const identity = await this.redeem(provider, flow, query);
      switch (flow.purpose) {
        case 'sign_in': {
          const signedIn = await this.signIn(provider, identity, origin);
          if ('mfaRequired' in signedIn)
            return { redirect: withError(flow.redirect, 'mfa_required'), mfa: { token: signedIn.mfaToken, expiresIn: signedIn.expiresIn } };
          return { redirect: flow.redirect, session: signedIn };
        }
        case 'link':
          await this.link(provider, flow, identity, origin);
          return { redirect: flow.redirect };
        case 'step_up':
          return { redirect: flow.redirect, stepUp: await this.stepUp(flow, identity, origin) };
      }
    } catch (error) {
      if (error instanceof CallbackFailure) return { redirect: withError(flow.redirect, error.error) };
      throw error;
    }
  }

  private redeem(provider: OidcProviderConfig, flow: OidcFlowEntity, query: URLSearchParams): Promise<ProviderIdentity> {
    // The URL the provider redirected to, rebuilt from PUBLIC_URL (never from the request's Host header).
    const callbackUrl = new URL(`${this.config.callbackBaseUrl}/${provider.id}/callback`);
    callbackUrl.search = query.toString();
    return this.oidc.redeem(provider, callbackUrl, { codeVerifier: flow.codeVerifier, nonce: flow.nonce });
  }

  /**
   * The identity's account, or a new account for a verified address nobody uses. An address that belongs
   * to an account is never linked silently: whoever controls the provider account may not own ours.
   */
  private async signIn(provider: OidcProviderConfig, identity: ProviderIdentity, origin: RequestOrigin): Promise<SessionTokens | MfaChallenge> {
    const linked = await this.identities.findBySubject(provider.id, identity.subject);
    if (linked) {
      const user = await this.users.findById(linked.userId);
      if (!user) throw new CallbackFailure('invalid_state');
      if (user.lockedAt) throw new CallbackFailure('account_locked');
      await this.identities.markUsed(linked.id);
      // No way around the second factor: the provider proves the first one only.
      return (
        (await this.challenges.challenge(user.id, [])) ??
        this.issuer.open(user, origin, [], { kind: 'provider', providerId: provider.id, providerName: provider.name })
      );
    }
    const email = identity.email === null ? null : canonicalEmail(identity.email);
    if (email === null || !identity.emailVerified || !isEmail(email, { allow_utf8_local_part: true, require_tld: false })) {
      throw new CallbackFailure('email_not_verified');
    }
    const owner = await this.users.findByEmail(email);
    // An account whose address was never proven does not hold it against the provider that proves it: an
    // unverified registration may be a squatter's, and is replaced.
    if (owner?.emailVerified) await this.refuseExistingAccount(owner, provider, origin);
    const user = await this.createAccount(provider, identity, email, origin, owner?.id);
    return this.issuer.open(user, origin, [], { kind: 'new_account' });
  }

  private async refuseExistingAccount(owner: UserEntity, provider: OidcProviderConfig, origin: RequestOrigin): Promise<never> {
    await this.securityEvents.record({ userId: owner.id, type: 'provider_sign_in_refused', origin, details: { provider: provider.id } });
    await this.mail.notify(this.mail.providerSignInRefused(owner, provider.name));
    throw new CallbackFailure('account_exists');
  }

  /** The account and its first identity in one transaction: never an account nobody can sign in to. */
  private async createAccount(
    provider: OidcProviderConfig,
    identity: ProviderIdentity,
    email: string,
    origin: RequestOrigin,
    replacing?: string,
  ): Promise<UserEntity> {
    try {
      return await this.database.run(async (tx) => {
        // A takeback of the address: the squat goes whole, with whatever its holder added to it.
        if (replacing) await this.takeback.removeSquatter(replacing, tx);
        const user = await this.users.create(
          {
            email,
            password: null,
            emailVerified: true,
            displayName: displayNameFrom(identity.name),
            // Some providers write `en_US`; a claim that is no tag or zone leaves the defaults.
            locale: canonicalTag(identity.locale?.replace(/_/g, '-') ?? '') ?? this.translations.defaultLocale,
            timezone: (identity.zoneinfo && canonicalTimeZone(identity.zoneinfo)) || undefined,
          },
          tx,
        );
        await this.identities.link({ userId: user.id, provider: provider.id, subject: identity.subject, email }, tx);
        await this.securityEvents.record({ userId: user.id, type: 'provider_signup', origin, details: { provider: provider.id } }, tx);
        return user;
      });
    } catch (error) {
      // A parallel registration or sign-in took the address or the identity first.
      if (error instanceof UniqueViolation) {
        const owner = await this.users.findByEmail(email);
        if (owner) return this.refuseExistingAccount(owner, provider, origin);
      }
      if (error instanceof IdentityConflict) throw new CallbackFailure('identity_in_use');
      throw error;
    }
  }

  private async link(provider: OidcProviderConfig, flow: OidcFlowEntity, identity: ProviderIdentity, origin: RequestOrigin): Promise<void> {
    await this.linking.link(provider, await this.liveUser(flow), identity, origin);
  }

  /** A step-up token for the session that started the flow, if the provider just re-authenticated the linked identity. */
  private async stepUp(flow: OidcFlowEntity, identity: ProviderIdentity, origin: RequestOrigin): Promise<IssuedToken> {
    const owner = await this.liveUser(flow);
    const linked = await this.identities.findBySubject(flow.provider, identity.subject);
    if (!linked || linked.userId !== owner.id) throw new CallbackFailure('identity_not_linked');
    const startedAt = Math.floor(flow.createdAt.getTime() / 1000);
    if (identity.authTime === null || identity.authTime < startedAt - AUTH_TIME_SKEW_SECONDS) throw new CallbackFailure('stale_authentication');
    // Checked again here, not only when the flow began: a second factor enrolled meanwhile is what a step-up asks for.
    if (await this.secondFactors.any(owner.id)) throw new CallbackFailure('second_factor_required');
    await this.identities.markUsed(linked.id);
    return this.stepUps.issue({ userId: owner.id, sessionId: flow.sessionId as string }, ['fed'], origin, { provider: flow.provider });
  }

  /** The account of a link or step-up flow, while the session that started it is still live. */
  private async liveUser(flow: OidcFlowEntity): Promise<UserEntity> {
    const live = flow.userId && flow.sessionId ? await this.sessions.findLiveUser(flow.sessionId, flow.userId) : null;
    if (!live) throw new CallbackFailure('session_revoked');
    return live.user;
  }
}

/** The provider's `name` as a display name when it fits the field rules; otherwise none. */
function displayNameFrom(name: string | null): string | null {
  const trimmed = name?.normalize('NFC').trim();
  if (!trimmed || hasControlCharacters(trimmed) || codePointLength(trimmed) > DISPLAY_NAME_MAX) return null;
  return trimmed;
}

import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Get, HttpStatus, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { OidcProviderDto } from './oidc.dto';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { AuthCookies } from '#src/auth/tokens/auth-cookies';
import { OidcCallbackService } from './oidc-callback.service';
import { OidcFlowCookie } from './oidc-flow-cookie';
import { OidcFlowStarter } from './oidc-flow-starter.service';
import { OidcProviders } from './oidc-providers.service';
import { IdentityProviderErrors } from '../identity-providers.errors';

/** Sign-in with an OpenID Connect provider, and the callback every flow (sign-in, link, step-up) returns to. */
@ApiTags('providers')
@Public()
@ServiceContract()
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly providers: OidcProviders,
    private readonly starter: OidcFlowStarter,
    private readonly callback: OidcCallbackService,
    private readonly flowCookie: OidcFlowCookie,
    private readonly cookies: AuthCookies,
  ) {}

  @ApiOperation({ summary: 'The identity providers a login page can offer' })
  @Get('providers')
  listProviders(): OidcProviderDto[] {
    return this.providers.list().map(({ id, name }) => ({ id, name }));
  }

  @ApiOperation({
    summary: 'Sign in with an identity provider',
    description: [
      'Redirects the browser to the provider (authorization code flow with PKCE S256, `state` and `nonce`) and sets the short-lived `oidc_flow` cookie that binds the flow to this browser.',
      'A `redirect` that is not on OIDC_REDIRECT_ALLOWLIST answers 400 before anything starts; without one the browser ends on OIDC_DEFAULT_REDIRECT.',
    ].join('\n\n'),
  })
  @ApiQuery({
    name: 'redirect',
    required: false,
    schema: { type: 'string', format: 'uri' },
    description: 'Where the browser goes after the sign-in: a URL on OIDC_REDIRECT_ALLOWLIST.',
  })
  @ApiFoundResponse({ description: 'To the provider.' })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @UseGuards(AuthIpRateLimitGuard)
  @Get(':provider/login')
  async startProviderSignIn(
    @Param('provider') providerId: string,
    @Query('redirect') redirect: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (redirect !== undefined && typeof redirect !== 'string') {
      throw IdentityProviderErrors.oneRedirect();
    }
    const url = await this.starter.signIn(this.flowCookie.flowRequest(providerId, redirect, request, reply));
    await redirectTo(reply, url);
  }

  @ApiOperation({
    summary: 'Where the provider sends the browser back',
    description: [
      'Takes the single-use `state` (it must come back in the browser that started the flow, within OIDC_FLOW_TTL), redeems the code and checks the ID token (signature, issuer, audience, expiry, nonce), then:',
      '- sign-in: signs in the user this identity is linked to, or creates an account when the provider says the address is verified and no account uses it; sets the `access_token` and `refresh_token` cookies. An address that belongs to an account is never linked automatically: `error=account_exists`, and the owner is mailed.',
      '- link: links the identity to the account that started the flow (`error=identity_in_use` when another account has it).',
      '- step-up: sets the `step_up_token` cookie for the session that started the flow, if the provider re-authenticated the linked identity after the flow began.',
      "Always answers 302: to the flow's redirect, with `error=<code>` on failure (`invalid_state`, `access_denied`, `provider_error`, `provider_unavailable`, `invalid_response`, `email_not_verified`, `account_exists`, `identity_in_use`, `provider_already_linked`, `identity_not_linked`, `stale_authentication`, `session_revoked`, `account_locked` (the account is locked), `second_factor_required` (a provider step-up of an account that has a second factor now), and `mfa_required`: the account has a second factor, the `mfa_token` cookie is set, complete the sign-in with POST /api/auth/login/mfa).",
    ].join('\n\n'),
  })
  @ApiQuery({ name: 'state', required: true, description: 'The single-use state the flow started with.' })
  @ApiQuery({ name: 'code', required: false, description: 'The authorization code.' })
  @ApiQuery({ name: 'error', required: false, description: "The provider's refusal (`access_denied`, …)." })
  @ApiFoundResponse({ description: "To the flow's redirect, with `error=` on failure." })
  @ApiErrors('TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Get(':provider/callback')
  async finish(
    @Param('provider') providerId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<void> {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const outcome = await this.callback.complete(providerId, query, this.flowCookie.read(request), origin);
    if (outcome.session) this.cookies.setSession(reply, outcome.session);
    if (outcome.stepUp) this.cookies.setStepUp(reply, outcome.stepUp.token, outcome.stepUp.expiresIn);
    if (outcome.mfa) this.cookies.setMfa(reply, outcome.mfa.token, outcome.mfa.expiresIn);
    await redirectTo(reply, outcome.redirect);
  }
}

/** A 302 that no cache keeps and whose URL (code, state) is not passed on as a referrer. */
function redirectTo(reply: FastifyReply, url: string): FastifyReply {
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, HttpStatus.FOUND);
}

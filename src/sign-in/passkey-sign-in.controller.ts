import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import type { TokenResponseDto } from '#src/auth/sessions/token-response.dto';
import { MfaPasskeyDto, MfaTokenDto, PasskeyRequestOptionsDto, WebAuthnCredentialDto } from '#src/second-factors/passkeys/passkey.dto';
import { PasskeySignInService } from './passkey-sign-in.service';
import { SessionReply } from '#src/auth/sessions/session-reply';
import { AuthCookies } from '#src/auth/tokens/auth-cookies';
import { readMfaToken } from '#src/auth/tokens/token-transport';

/** Passkey sign-in, on its own or as a sign-in's second step. Rate-limited per IP, like every credential route. */
@ApiTags('auth')
@Public()
@ServiceContract()
@UseGuards(AuthIpRateLimitGuard)
@Controller('auth')
export class PasskeySignInController {
  constructor(
    private readonly passkeySignIn: PasskeySignInService,
    private readonly sessionReply: SessionReply,
    private readonly cookies: AuthCookies,
  ) {}

  @ApiOperation({
    summary: 'Start a sign-in with a passkey alone',
    description:
      'WebAuthn request options with no `allowCredentials`: any passkey of this site may answer (a discoverable credential), with user verification (PIN or biometrics). Pass them to `startAuthentication({ optionsJSON })` of `@simplewebauthn/browser`; the challenge works once.',
  })
  @ApiErrors('TOO_MANY_REQUESTS')
  @Post('passkeys/options')
  @HttpCode(HttpStatus.OK)
  passkeySignInOptions(): Promise<PasskeyRequestOptionsDto> {
    return this.passkeySignIn.passwordlessOptions();
  }

  @ApiOperation({
    summary: 'Sign in with a passkey alone',
    description:
      'The authenticator’s answer to the options. Answers as a sign-in does; the access token’s `amr` says how: `hwk` (a passkey bound to its device) or `swk` (a synced one), and `user` (verified). Any failure (unknown passkey, bad signature, a used or expired challenge, another origin or rp id, a signature counter that went backwards) is 401 INVALID_CREDENTIALS.',
  })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS')
  @Post('passkeys/login')
  @HttpCode(HttpStatus.OK)
  async signInWithPasskey(
    @Body() dto: WebAuthnCredentialDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<TokenResponseDto> {
    return this.sessionReply.send(reply, await this.passkeySignIn.signIn(dto.credential, origin));
  }

  @ApiOperation({
    summary: 'Start the second step of a sign-in with a passkey',
    description:
      'For the account of the MfaToken (body, or the `mfa_token` cookie after a provider sign-in): WebAuthn request options for its passkeys. The challenge belongs to this sign-in and works once.',
  })
  @ApiErrors('VALIDATION_FAILED', 'MFA_TOKEN_INVALID', 'NO_PASSKEY', 'TOO_MANY_REQUESTS')
  @Post('login/mfa/passkey/options')
  @HttpCode(HttpStatus.OK)
  secondFactorPasskeyOptions(@Body() dto: MfaTokenDto, @Req() request: FastifyRequest): Promise<PasskeyRequestOptionsDto> {
    return this.passkeySignIn.secondFactorOptions(readMfaToken(request, dto.mfaToken));
  }

  @ApiOperation({
    summary: 'Complete a sign-in with a passkey',
    description:
      'The authenticator’s answer to the options of this sign-in. A refused answer counts on the account’s failure counter. Answers as a sign-in does; the MfaToken is used up.',
  })
  @ApiErrors('VALIDATION_FAILED', 'MFA_TOKEN_INVALID', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS')
  @Post('login/mfa/passkey')
  @HttpCode(HttpStatus.OK)
  async completeSignInWithPasskey(
    @Body() dto: MfaPasskeyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<TokenResponseDto> {
    const tokens = await this.passkeySignIn.completeWithPasskey(readMfaToken(request, dto.mfaToken), dto.credential, origin);
    this.cookies.clearMfa(reply);
    return this.sessionReply.send(reply, tokens);
  }
}

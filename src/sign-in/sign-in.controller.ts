import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { TokenResponseDto } from '#src/auth/sessions/token-response.dto';
import { LoginDto, MfaCodeDto, MfaRequiredDto } from './login.dto';
import { RefreshTokenDto } from './refresh.dto';
import { ACCESS_COOKIE_SECURITY, BEARER_SECURITY } from '#src/auth/guards/authenticated.decorator';
import { OptionalCredentials, REFRESH_COOKIE_SECURITY } from '#src/auth/guards/optional-credentials.decorator';
import { LoginService } from './login.service';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { SessionReply } from '#src/auth/sessions/session-reply';
import { AuthCookies } from '#src/auth/tokens/auth-cookies';
import { readMfaToken, readRefreshToken } from '#src/auth/tokens/token-transport';

/** Signing in with a password (and its second step), refreshing and signing out: rate-limited per IP except logout. */
@ApiTags('auth')
@Public()
@ServiceContract()
@Controller('auth')
export class SignInController {
  constructor(
    private readonly login: LoginService,
    private readonly cookies: AuthCookies,
    private readonly sessionReply: SessionReply,
  ) {}

  @ApiOperation({
    summary: 'Sign in with email and password',
    description: [
      'Returns the tokens in the body and sets the `access_token` and `refresh_token` cookies. Unknown email and wrong password answer alike.',
      'An account with a second factor gets no session yet: `{ mfaRequired: true, mfaToken, methods, expiresIn }`, to complete with POST /api/auth/login/mfa.',
    ].join('\n\n'),
  })
  @ApiExtraModels(MfaRequiredDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaRequiredDto) }] } })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  async signIn(
    @Body() dto: LoginDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<TokenResponseDto | MfaRequiredDto> {
    const outcome = await this.login.login(dto.email, dto.password, origin);
    if ('mfaRequired' in outcome) return outcome;
    return this.sessionReply.send(reply, outcome);
  }

  @ApiOperation({
    summary: 'Complete a sign-in with a second factor',
    description:
      'The MfaToken of the sign-in (body, or the `mfa_token` cookie after a provider sign-in) and a code: the 6 digits of the authenticator app, or a recovery code (each works once). A wrong code counts on the account’s failure counter, like a wrong password. Answers as a sign-in does.',
  })
  @ApiErrors('VALIDATION_FAILED', 'MFA_TOKEN_INVALID', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('login/mfa')
  @HttpCode(HttpStatus.OK)
  async completeSignIn(
    @Body() dto: MfaCodeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<TokenResponseDto> {
    const tokens = await this.login.completeWithCode(readMfaToken(request, dto.mfaToken), dto.code, origin);
    this.cookies.clearMfa(reply);
    return this.sessionReply.send(reply, tokens);
  }

  @ApiOperation({
    summary: 'Rotate the refresh token',
    description:
      'Takes the refresh token from the body or the `refresh_token` cookie and returns a new pair. Presenting a rotated-out token again answers REFRESH_TOKEN_REUSED and ends that session (also when two refreshes race with one token).',
  })
  @ApiErrors('VALIDATION_FAILED', 'REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'ACCOUNT_LOCKED', 'TOO_MANY_REQUESTS')
  @ApiBody({ type: RefreshTokenDto, required: false })
  @OptionalCredentials(REFRESH_COOKIE_SECURITY)
  @UseGuards(AuthIpRateLimitGuard)
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  async refresh(
    @Body() dto: RefreshTokenDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<TokenResponseDto> {
    const tokens = await this.login.refresh(readRefreshToken(request, dto.refreshToken), origin);
    return this.sessionReply.send(reply, tokens);
  }

  @ApiOperation({
    summary: 'Sign out',
    description: 'Ends the session named by the access token or the refresh token (body or cookie) and clears the three token cookies. Always 204.',
  })
  @ApiBody({ type: RefreshTokenDto, required: false })
  @OptionalCredentials(BEARER_SECURITY, ACCESS_COOKIE_SECURITY, REFRESH_COOKIE_SECURITY)
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(
    @Body() dto: RefreshTokenDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<void> {
    await this.login.logout(request, dto.refreshToken, origin);
    this.cookies.clearAll(reply);
  }
}

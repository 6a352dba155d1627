import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { StepUpDto, StepUpResponseDto } from './step-up.dto';
import { PasskeyRequestOptionsDto, WebAuthnCredentialDto } from '#src/second-factors/passkeys/passkey.dto';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { StepUpService } from './step-up.service';
import { AuthCookies } from '#src/auth/tokens/auth-cookies';

@ApiTags('auth')
@Authenticated()
@ServiceContract()
@Controller('auth/step-up')
export class StepUpController {
  constructor(
    private readonly stepUp: StepUpService,
    private readonly cookies: AuthCookies,
  ) {}

  @ApiOperation({
    summary: 'Re-authenticate with the password or a second-factor code (step-up)',
    description:
      'Returns a short-lived step-up token bound to this user and session, and sets the `step_up_token` cookie. `{ password }` or `{ code }`: an account with a second factor steps up with it (a code of the authenticator app, or a recovery code), and its password alone answers 401 SECOND_FACTOR_REQUIRED with `details.methods`. The token’s `amr` says which: `pwd` or `otp`. A passkey steps up through `POST …/step-up/passkey`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'SECOND_FACTOR_REQUIRED', 'NO_PASSWORD', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post()
  @HttpCode(HttpStatus.OK)
  async reauthenticate(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: StepUpDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<StepUpResponseDto> {
    const issued = await this.stepUp.stepUp(auth, dto, origin);
    this.cookies.setStepUp(reply, issued.token, issued.expiresIn);
    return { stepUpToken: issued.token, expiresIn: issued.expiresIn };
  }

  @ApiOperation({
    summary: 'Start a step-up with a passkey',
    description: 'WebAuthn request options for my passkeys, with user verification required; the challenge belongs to this session and works once.',
  })
  @ApiErrors('NO_PASSKEY', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('passkey/options')
  @HttpCode(HttpStatus.OK)
  stepUpPasskeyOptions(@CurrentAuth() auth: AuthContext): Promise<PasskeyRequestOptionsDto> {
    return this.stepUp.passkeyOptions(auth);
  }

  @ApiOperation({
    summary: 'Re-authenticate with a passkey (step-up)',
    description:
      'The authenticator’s answer to this session’s options. A user-verified passkey is a step-up on its own, whatever else the account has. Answers as the step-up with a password does; the token’s `amr` is `hwk` or `swk`, and `user`. A refused answer is 401 INVALID_CREDENTIALS and counts on the account’s failure counter.',
  })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('passkey')
  @HttpCode(HttpStatus.OK)
  async stepUpWithPasskey(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: WebAuthnCredentialDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<StepUpResponseDto> {
    const issued = await this.stepUp.stepUpWithPasskey(auth, dto.credential, origin);
    this.cookies.setStepUp(reply, issued.token, issued.expiresIn);
    return { stepUpToken: issued.token, expiresIn: issued.expiresIn };
  }
}

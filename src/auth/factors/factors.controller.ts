import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../../common/decorators/api-errors.decorator';
import { requestOrigin } from '../../common/http/client-ip';
import { ServiceContract } from '../../common/http/service-contract.decorator';
import type { AuthContext } from '../guards/auth-context';
import { Authenticated } from '../guards/authenticated.decorator';
import { CurrentAuth } from '../guards/current-auth.decorator';
import { RequiresStepUp } from '../guards/requires-step-up.decorator';
import { ConfirmedFactorDto, FactorsResponseDto, RecoveryCodesDto, SecondFactorCodeDto, TotpEnrolmentDto } from './factors.dto';
import { FactorsService } from './factors.service';

@ApiTags('factors')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/factors')
export class FactorsController {
  constructor(private readonly factors: FactorsService) {}

  @ApiOperation({ summary: 'List my second factors', description: 'Dates and counts only: no secret, no code.' })
  @Get()
  listMyFactors(@CurrentAuth() auth: AuthContext): Promise<FactorsResponseDto> {
    return this.factors.overview(auth.userId);
  }

  @ApiOperation({
    summary: 'Start setting up an authenticator app (step-up)',
    description:
      'Returns a new TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s) as base32, as an `otpauth://` URI and as a QR code. Nothing changes for sign-in until a code from the app confirms it (`POST …/factors/totp/confirm`, from this session, before `expiresAt`); starting again replaces the secret.',
  })
  @ApiErrors('FACTOR_EXISTS')
  @RequiresStepUp()
  @Post('totp')
  @HttpCode(HttpStatus.OK)
  async startTotp(@CurrentAuth() auth: AuthContext): Promise<TotpEnrolmentDto> {
    const enrolment = await this.factors.startTotp(auth);
    return { ...enrolment, expiresAt: enrolment.expiresAt.toISOString() };
  }

  @ApiOperation({
    summary: 'Turn on the authenticator app with its first code',
    description:
      'From the session that started the setup. From now on sign-in and step-up ask for a code. The account’s first second factor also gets ten recovery codes, shown this once.',
  })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_CODE')
  @Post('totp/confirm')
  @HttpCode(HttpStatus.OK)
  async confirmTotp(@CurrentAuth() auth: AuthContext, @Body() dto: SecondFactorCodeDto, @Req() request: FastifyRequest): Promise<ConfirmedFactorDto> {
    return { recoveryCodes: await this.factors.confirmTotp(auth, dto.code, requestOrigin(request)) };
  }

  @ApiOperation({ summary: 'Turn off the authenticator app (step-up)', description: 'Being the last second factor, its recovery codes stop working too. A notice is mailed.' })
  @ApiErrors('NOT_FOUND')
  @RequiresStepUp()
  @Delete('totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  async removeTotp(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<void> {
    await this.factors.removeTotp(auth, requestOrigin(request));
  }

  @ApiOperation({ summary: 'Make new recovery codes (step-up)', description: 'Ten new single-use codes, shown this once; the earlier ones stop working.' })
  @ApiErrors('NO_SECOND_FACTOR')
  @RequiresStepUp()
  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  async regenerateRecoveryCodes(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.factors.regenerateRecoveryCodes(auth, requestOrigin(request)) };
  }
}

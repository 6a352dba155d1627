import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { RequiresStepUp } from '#src/auth/guards/requires-step-up.decorator';
import { ConfirmedFactorDto, FactorsResponseDto, RecoveryCodesDto, SecondFactorCodeDto, TotpEnrolmentDto } from './factors.dto';
import { FactorsService } from './factors.service';
import { AddPasskeyDto, AddedPasskeyDto, PasskeyCreationOptionsDto, PasskeyDto, RenamePasskeyDto } from './passkeys/passkey.dto';

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
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_CODE', 'TOO_MANY_REQUESTS')
  @Post('totp/confirm')
  @HttpCode(HttpStatus.OK)
  async confirmTotp(@CurrentAuth() auth: AuthContext, @Body() dto: SecondFactorCodeDto, @ClientOrigin() origin: ClientOrigin): Promise<ConfirmedFactorDto> {
    return { recoveryCodes: await this.factors.confirmTotp(auth, dto.code, origin) };
  }

  @ApiOperation({
    summary: 'Turn off the authenticator app (step-up)',
    description: 'Being the last second factor, its recovery codes stop working too. A notice is mailed.',
  })
  @ApiErrors('NOT_FOUND')
  @RequiresStepUp()
  @Delete('totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  async removeTotp(@CurrentAuth() auth: AuthContext, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.factors.removeTotp(auth, origin);
  }

  @ApiOperation({ summary: 'Make new recovery codes (step-up)', description: 'Ten new single-use codes, shown this once; the earlier ones stop working.' })
  @ApiErrors('NO_SECOND_FACTOR')
  @RequiresStepUp()
  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  async regenerateRecoveryCodes(@CurrentAuth() auth: AuthContext, @ClientOrigin() origin: ClientOrigin): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.factors.regenerateRecoveryCodes(auth, origin) };
  }

  @ApiOperation({
    summary: 'Start adding a passkey (step-up)',
    description:
      'WebAuthn creation options for `navigator.credentials.create()` (JSON form: `startRegistration({ optionsJSON })` of `@simplewebauthn/browser`). The challenge is single-use and belongs to this session; passkeys already on the account are excluded.',
  })
  @RequiresStepUp()
  @Post('passkeys/options')
  @HttpCode(HttpStatus.OK)
  passkeyRegistrationOptions(@CurrentAuth() auth: AuthContext): Promise<PasskeyCreationOptionsDto> {
    return this.factors.passkeyOptions(auth);
  }

  @ApiOperation({
    summary: 'Add a passkey (step-up)',
    description:
      'The authenticator’s answer to the options of this session. From now on sign-in asks for a second factor, a passkey signs in on its own and is a step-up on its own. The account’s first second factor also gets ten recovery codes, shown this once. A notice is mailed.',
  })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CREDENTIAL', 'FACTOR_EXISTS', 'TOO_MANY_REQUESTS')
  @RequiresStepUp()
  @Post('passkeys')
  async addPasskey(@CurrentAuth() auth: AuthContext, @Body() dto: AddPasskeyDto, @ClientOrigin() origin: ClientOrigin): Promise<AddedPasskeyDto> {
    return this.factors.addPasskey(auth, dto.name, dto.credential, origin);
  }

  @ApiOperation({ summary: 'Rename a passkey', description: 'Names are for telling passkeys apart; renaming changes nothing else.' })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  @ApiParam({ name: 'id', format: 'uuid', description: 'A passkey id from the list.' })
  @Patch('passkeys/:id')
  renamePasskey(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: RenamePasskeyDto): Promise<PasskeyDto> {
    return this.factors.renamePasskey(auth, id, dto.name);
  }

  @ApiOperation({
    summary: 'Remove a passkey (step-up)',
    description: 'It can no longer sign in. Being the last second factor, the recovery codes stop working too. A notice is mailed.',
  })
  @ApiErrors('NOT_FOUND')
  @ApiParam({ name: 'id', format: 'uuid', description: 'A passkey id from the list.' })
  @RequiresStepUp()
  @Delete('passkeys/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async removePasskey(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.factors.removePasskey(auth, id, origin);
  }
}

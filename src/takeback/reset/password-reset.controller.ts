import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ForgotPasswordDto, ResetPasswordDto } from './password-reset.dto';
import { SuccessResponseDto } from '#src/common/http/success-response.dto';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { PasswordResetService } from './password-reset.service';

/** Recovering a forgotten password: a link mailed to the account's address, then a new password. */
@ApiTags('password')
@Public()
@ServiceContract()
@Controller('auth/password')
export class PasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  @ApiOperation({
    summary: 'Mail a password-reset link',
    description:
      'Always 202, whether or not the address belongs to an account (no enumeration). When it does, a single-use link to `/reset-password` (valid `RESET_TOKEN_TTL`, default 30 minutes) is mailed and any earlier one stops working. Limited per address (1 a minute, 5 an hour) and by `AUTH_RATE_LIMIT_IP`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  async forgotPassword(@Body() dto: ForgotPasswordDto, @ClientOrigin() origin: ClientOrigin): Promise<SuccessResponseDto> {
    await this.reset.requestReset(dto.email, origin);
    return { success: true };
  }

  @ApiOperation({
    summary: 'Set a new password with a reset link',
    description:
      'The token is the credential. The policy applies; every session of the account is revoked, a pending email change is cancelled, the address counts as verified and a notice is mailed. A link mailed to an address the account no longer has is refused.',
  })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'PASSWORD_POLICY_VIOLATION', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  async resetPassword(@Body() dto: ResetPasswordDto, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.reset.resetPassword(dto.token, dto.newPassword, origin);
  }
}

import { Body, Controller, Headers, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { SuccessResponseDto } from '#src/common/http/success-response.dto';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { RegisterDto, ResendVerificationDto } from './register.dto';
import { RegistrationService } from './registration.service';

/** Creating an account and sending its verification link again; both rate-limited per IP. */
@ApiTags('auth')
@Public()
@ServiceContract()
@Controller('auth')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @ApiOperation({
    summary: 'Create an account',
    description:
      'Sends a verification mail. When the address is already registered the answer is the same and the owner is mailed instead, so the route cannot be used to find accounts. Without `locale`, the account takes the most wanted language of `Accept-Language` that has a catalogue (else its first tag, else `DEFAULT_LOCALE`).',
  })
  @ApiErrors('VALIDATION_FAILED', 'USERNAME_TAKEN', 'PASSWORD_POLICY_VIOLATION', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  async register(@Body() dto: RegisterDto, @Headers('accept-language') acceptLanguage: string | undefined): Promise<SuccessResponseDto> {
    await this.registration.register(dto, acceptLanguage);
    return { success: true };
  }

  @ApiOperation({
    summary: 'Send the verification link again',
    description:
      'Always 202, whether the address is unknown, verified or not (no enumeration). For an unverified registration address a new link is mailed and the previous one stops working. Limited per address (1 a minute, 5 an hour) and by `AUTH_RATE_LIMIT_IP`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('email/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  async resendVerification(@Body() dto: ResendVerificationDto): Promise<SuccessResponseDto> {
    await this.registration.resendVerification(dto.email);
    return { success: true };
  }
}

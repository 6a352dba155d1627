import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { PasswordCheckDto, PasswordCheckResponseDto } from './password-check.dto';
import { PasswordStrength } from './password-strength.service';

@ApiTags('auth')
@Public()
@ServiceContract()
@Controller('auth/password')
export class PasswordCheckController {
  constructor(private readonly strength: PasswordStrength) {}

  @ApiOperation({
    summary: 'Check a password against the policy, for a strength meter',
    description:
      'No account needed. Applies the same rules as registration, change and reset (the breach corpus included; `email` adds the address’s own rule) and adds zxcvbn-ts’ `score`. The password is never logged or stored. Counted in `AUTH_RATE_LIMIT_IP`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('check')
  @HttpCode(HttpStatus.OK)
  check(@Body() dto: PasswordCheckDto): Promise<PasswordCheckResponseDto> {
    return this.strength.check(dto.password, dto.email);
  }
}

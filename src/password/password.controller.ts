import { ServiceContract } from '../common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { requestOrigin } from '../common/http/client-ip';
import type { AuthContext } from '../auth/guards/auth-context';
import { Authenticated } from '../auth/guards/authenticated.decorator';
import { CurrentAuth } from '../auth/guards/current-auth.decorator';
import { RequiresStepUp } from '../auth/guards/requires-step-up.decorator';
import { ChangePasswordDto } from './change-password.dto';
import { PasswordChangeService } from './password-change.service';

@ApiTags('password')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me')
export class PasswordController {
  constructor(private readonly passwordChange: PasswordChangeService) {}

  @ApiOperation({
    summary: 'Set a new password (step-up)',
    description:
      'Every other session of the user is ended at once; this one continues. A "password changed" mail goes to the account address (a mail failure never fails the change).',
  })
  @ApiErrors('VALIDATION_FAILED', 'PASSWORD_POLICY_VIOLATION')
  @RequiresStepUp()
  @Put('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  async changeMyPassword(@CurrentAuth() auth: AuthContext, @Body() dto: ChangePasswordDto, @Req() request: FastifyRequest): Promise<void> {
    await this.passwordChange.changePassword(auth, dto.newPassword, requestOrigin(request));
  }
}

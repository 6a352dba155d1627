import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { RequiresStepUp } from '#src/auth/guards/requires-step-up.decorator';
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
  async changeMyPassword(@CurrentAuth() auth: AuthContext, @Body() dto: ChangePasswordDto, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.passwordChange.changePassword(auth, dto.newPassword, origin);
  }
}

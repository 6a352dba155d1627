import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { AccountLockService } from './account-lock.service';

@ApiTags('lock')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/lock')
export class MyLockController {
  constructor(private readonly locks: AccountLockService) {}

  @ApiOperation({
    summary: 'Lock my account ("this wasn’t me")',
    description:
      'No step-up: whoever holds the session may pull the brake. Every session (this one too) and refresh token ends, a pending email change is cancelled, every sign-in answers 403 `ACCOUNT_LOCKED`, and an unlock link is mailed to the account’s address.',
  })
  @Post()
  @HttpCode(HttpStatus.NO_CONTENT)
  async lockMyAccount(@CurrentAuth() auth: AuthContext, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.locks.lockSignedIn(auth.userId, origin);
  }
}

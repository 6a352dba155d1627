import { Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { requestOrigin } from '../../common/http/client-ip';
import { ServiceContract } from '../../common/http/service-contract.decorator';
import type { AuthContext } from '../../auth/guards/auth-context';
import { Authenticated } from '../../auth/guards/authenticated.decorator';
import { CurrentAuth } from '../../auth/guards/current-auth.decorator';
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
  async lockMyAccount(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<void> {
    await this.locks.lockSignedIn(auth.userId, requestOrigin(request));
  }
}

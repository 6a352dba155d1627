import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { AccountLockService } from './account-lock.service';
import { LockAccountDto, UnlockAccountDto } from './lock.dto';

/** The two links of "this wasn't me": the lock in every security notice, and the unlock it mails. */
@ApiTags('lock')
@Public()
@ServiceContract()
@UseGuards(AuthIpRateLimitGuard)
@Controller('auth')
export class AccountLockController {
  constructor(private readonly locks: AccountLockService) {}

  @ApiOperation({
    summary: 'Lock an account from a security notice’s link',
    description:
      'The token of the "This wasn’t me — lock my account" link (valid `LOCK_TOKEN_TTL`, default 7 days) is the credential. Every session and refresh token ends at once, a pending email change is cancelled, and every sign-in (password, second step, passkey, provider, refresh) answers 403 `ACCOUNT_LOCKED` until an unlock; an unlock link is mailed to the account’s address. Counted in `AUTH_RATE_LIMIT_IP`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'TOO_MANY_REQUESTS')
  @Post('lock')
  @HttpCode(HttpStatus.NO_CONTENT)
  async lockAccount(@Body() dto: LockAccountDto, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.locks.lockWithLink(dto.token, origin);
  }

  @ApiOperation({
    summary: 'Unlock an account with a new password',
    description:
      'The token of the mailed unlock link is the credential; the password policy applies. A takeback: every session ends, the address counts as verified, and the second factors, passkeys and providers added in `LOCK_LOOKBACK` (default 7 days) before the lock are removed; older ones stay. Counted in `AUTH_RATE_LIMIT_IP`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'PASSWORD_POLICY_VIOLATION', 'TOO_MANY_REQUESTS')
  @Post('unlock')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unlockAccount(@Body() dto: UnlockAccountDto, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.locks.unlock(dto.token, dto.newPassword, origin);
  }
}

import { Body, Controller, HttpCode, HttpStatus, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { renderTokenPage } from '#src/common/http/token-page';
import { appConfig } from '#src/config/app.config';
import type { Settings } from '#src/config/settings-token';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { AccountDeletionService } from './account-deletion.service';
import { CancelDeletionDto } from './deletion.dto';

@ApiTags('profile')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/deletion')
export class MyDeletionController {
  constructor(private readonly deletion: AccountDeletionService) {}

  @ApiOperation({
    summary: 'Cancel the scheduled deletion of my account',
    description:
      'During the grace (`ACCOUNT_DELETION_GRACE`) the owner signs in again and cancels, no step-up: the sign-in was one. The cancel links mailed for it stop working. Nothing scheduled: 204 all the same.',
  })
  @Post('cancel')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cancelMyDeletion(@CurrentAuth() auth: AuthContext, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.deletion.cancelSignedIn(auth.userId, origin);
  }
}

/** The mailed cancel link: its token is the credential. */
@ApiTags('profile')
@Public()
@ServiceContract()
@UseGuards(AuthIpRateLimitGuard)
@Controller('auth/deletion')
export class DeletionLinkController {
  constructor(private readonly deletion: AccountDeletionService) {}

  @ApiOperation({
    summary: 'Cancel a scheduled deletion with the mailed link',
    description:
      'The token of the link mailed when the deletion was scheduled (valid until the deletion). Single-use; once the deletion was cancelled another way it is 400 `EMAIL_TOKEN_INVALID`. Counted in `AUTH_RATE_LIMIT_IP`.',
  })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'TOO_MANY_REQUESTS')
  @Post('cancel')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cancelDeletion(@Body() dto: CancelDeletionDto, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.deletion.cancelWithLink(dto.token, origin);
  }
}

/** The page of the cancel link, outside /api: opening it changes nothing (mail scanners follow links). */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class DeletionPagesController {
  private readonly page: string;

  constructor(@Inject(appConfig.KEY) config: Settings<typeof appConfig>) {
    this.page = renderTokenPage(config.productName, {
      title: 'Keep your account',
      intro: 'Your account is scheduled for deletion. Keep it, and everything stored with it, by cancelling the deletion.',
      button: 'Cancel the deletion',
      endpoint: '/api/auth/deletion/cancel',
      success: 'The deletion is cancelled: your account stays. Sign in as usual.',
    });
  }

  @LinkPage(
    'cancel-deletion',
    'Cancel a scheduled deletion (the page of the mailed link)',
    'The page of the cancel link: it posts the token to POST /api/auth/deletion/cancel.',
  )
  cancelDeletionPage(): string {
    return this.page;
  }
}

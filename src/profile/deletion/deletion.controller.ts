import { Body, Controller, HttpCode, HttpStatus, Headers, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import type { FastifyReply } from 'fastify';
import { type LinkPageSpec, LinkPages } from '#src/i18n/link-pages';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { AccountDeletionService } from './account-deletion.service';
import { CancelDeletionDto } from './deletion.dto';

const CANCEL_PAGE: LinkPageSpec = { key: 'cancelDeletion', endpoint: '/api/auth/deletion/cancel' };

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
  constructor(
    private readonly pages: LinkPages,
    private readonly emailTokens: EmailTokensService,
  ) {}

  @LinkPage(
    'cancel-deletion',
    'Cancel a scheduled deletion (the page of the mailed link)',
    'The page of the cancel link: it posts the token to POST /api/auth/deletion/cancel.',
  )
  cancelDeletionPage(
    @Query('token') token: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.serve(CANCEL_PAGE, this.emailTokens.ownerLocale(token, ['cancel_deletion']), acceptLanguage, reply);
  }
}

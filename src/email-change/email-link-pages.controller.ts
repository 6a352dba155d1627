import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Headers, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import type { FastifyReply } from 'fastify';
import { type LinkPageSpec, LinkPages } from '#src/i18n/link-pages';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';

const VERIFY_PAGE: LinkPageSpec = { key: 'verify', endpoint: '/api/auth/email/verify' };
const REVERT_PAGE: LinkPageSpec = { key: 'revert', endpoint: '/api/auth/email/revert' };

/**
 * The pages of the verification and undo links, outside /api. A GET never consumes a token (mail scanners
 * prefetch links): the page's button POSTs it.
 */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class EmailLinkPagesController {
  constructor(
    private readonly pages: LinkPages,
    private readonly emailTokens: EmailTokensService,
  ) {}

  @LinkPage(
    'verify-email',
    'Verify an address (the page of the mailed link)',
    'The page of the verification link: it posts the token to POST /api/auth/email/verify.',
  )
  verifyEmailPage(
    @Query('token') token: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.serve(VERIFY_PAGE, this.emailTokens.ownerLocale(token, ['verify', 'change']), acceptLanguage, reply);
  }

  @LinkPage(
    'revert-email',
    'Undo an email change (the page of the mailed link)',
    'The page of the undo link mailed to the old address: it posts the token to POST /api/auth/email/revert.',
  )
  revertEmailPage(
    @Query('token') token: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.serve(REVERT_PAGE, this.emailTokens.ownerLocale(token, ['revert']), acceptLanguage, reply);
  }
}

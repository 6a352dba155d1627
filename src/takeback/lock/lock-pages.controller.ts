import { Controller, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import type { FastifyReply } from 'fastify';
import { type LinkPageSpec, LinkPages } from '#src/i18n/link-pages';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import { passwordConfig } from '#src/config/password.config';
import type { Settings } from '#src/config/settings-token';

const LOCK_PAGE: LinkPageSpec = { key: 'lock', endpoint: '/api/auth/lock' };

/** The pages of the lock and unlock links, outside /api: opening one changes nothing (mail scanners follow links). */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class LockPagesController {
  private readonly unlockPage: LinkPageSpec;

  constructor(
    private readonly pages: LinkPages,
    private readonly emailTokens: EmailTokensService,
    @Inject(passwordConfig.KEY) passwords: Settings<typeof passwordConfig>,
  ) {
    this.unlockPage = { key: 'unlock', endpoint: '/api/auth/unlock', newPassword: true, values: { min: passwords.policy.minLength } };
  }

  @LinkPage(
    'lock-account',
    'Lock an account (the page of a security notice’s link)',
    'The page of the "this wasn’t me" link: it posts the token to POST /api/auth/lock.',
  )
  lockAccountPage(
    @Query('token') token: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.serve(LOCK_PAGE, this.emailTokens.ownerLocale(token, ['lock']), acceptLanguage, reply);
  }

  @LinkPage(
    'unlock-account',
    'Unlock an account (the page of the mailed link)',
    'The page of the unlock link: it posts the token and a new password to POST /api/auth/unlock.',
  )
  unlockAccountPage(
    @Query('token') token: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.serve(this.unlockPage, this.emailTokens.ownerLocale(token, ['unlock']), acceptLanguage, reply);
  }
}

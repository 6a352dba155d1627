import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import type { FastifyReply } from 'fastify';
import { type LinkPageSpec, LinkPages } from '#src/i18n/link-pages';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import { passwordConfig } from '#src/config/password.config';
import type { Settings } from '#src/config/settings-token';

/** The page of the password-reset link, outside /api: opening it consumes nothing, its form POSTs the token. */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class ResetPasswordPageController {
  private readonly resetPage: LinkPageSpec;

  constructor(
    private readonly pages: LinkPages,
    private readonly emailTokens: EmailTokensService,
    @Inject(passwordConfig.KEY) passwords: Settings<typeof passwordConfig>,
  ) {
    this.resetPage = { key: 'reset', endpoint: '/api/auth/password/reset', newPassword: true, values: { min: passwords.policy.minLength } };
  }

  @LinkPage(
    'reset-password',
    'Choose a new password (the page of the mailed link)',
    'The page of the password-reset link: it posts the token and the new password to POST /api/auth/password/reset.',
  )
  resetPasswordPage(
    @Query('token') token: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.serve(this.resetPage, this.emailTokens.ownerLocale(token, ['reset']), acceptLanguage, reply);
  }
}

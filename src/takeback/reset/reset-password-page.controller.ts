import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import { renderTokenPage } from '#src/common/http/token-page';
import { appConfig } from '#src/config/app.config';
import type { Settings } from '#src/config/settings-token';

/** The page of the password-reset link, outside /api: opening it consumes nothing, its form POSTs the token. */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class ResetPasswordPageController {
  private readonly resetPage: string;

  constructor(@Inject(appConfig.KEY) config: Settings<typeof appConfig>) {
    this.resetPage = renderTokenPage(config.productName, {
      title: 'Choose a new password',
      intro: 'At least 8 characters, with lower- and upper-case letters, a digit and a symbol. Every device will be signed out.',
      button: 'Set my new password',
      endpoint: '/api/auth/password/reset',
      success: 'Done: sign in with your new password.',
      newPassword: true,
    });
  }

  @LinkPage(
    'reset-password',
    'Choose a new password (the page of the mailed link)',
    'The page of the password-reset link: it posts the token and the new password to POST /api/auth/password/reset.',
  )
  resetPasswordPage(): string {
    return this.resetPage;
  }
}

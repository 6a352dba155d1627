import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Inject } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { appConfig } from '#src/config/app.config';
import { LinkPage } from '#src/common/http/link-page.decorator';
import { renderTokenPage } from '#src/common/http/token-page';

/**
 * The pages of the verification and undo links, outside /api. A GET never consumes a token (mail scanners
 * prefetch links): the page's button POSTs it.
 */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class EmailLinkPagesController {
  private readonly verifyPage: string;
  private readonly revertPage: string;

  constructor(@Inject(appConfig.KEY) config: Settings<typeof appConfig>) {
    this.verifyPage = renderTokenPage(config.productName, {
      title: 'Verify your email address',
      intro: 'Press the button to confirm this address for your account.',
      button: 'Verify my address',
      endpoint: '/api/auth/email/verify',
      success: 'Thank you: your address is verified.',
    });
    this.revertPage = renderTokenPage(config.productName, {
      title: 'Undo the change of your email address',
      intro: 'Press the button to bring back this address. Every device will be signed out; then choose a new password.',
      button: 'Undo the change',
      endpoint: '/api/auth/email/revert',
      success: 'Done: your old address is back and every device was signed out. Choose a new password with the link just mailed to it.',
    });
  }

  @LinkPage(
    'verify-email',
    'Verify an address (the page of the mailed link)',
    'The page of the verification link: it posts the token to POST /api/auth/email/verify.',
  )
  verifyEmailPage(): string {
    return this.verifyPage;
  }

  @LinkPage(
    'revert-email',
    'Undo an email change (the page of the mailed link)',
    'The page of the undo link mailed to the old address: it posts the token to POST /api/auth/email/revert.',
  )
  revertEmailPage(): string {
    return this.revertPage;
  }
}

import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { appConfig } from '../../config/app.config';
import { TOKEN_PAGE_CSP, renderTokenPage } from './token-page';

/**
 * Landing pages for mailed links, outside /api. A GET never consumes a token (mail scanners prefetch
 * links): the page's button POSTs it.
 */
@ApiExcludeController()
@Public()
@Controller()
export class EmailLinkPagesController {
  private readonly verifyPage: string;
  private readonly revertPage: string;
  private readonly resetPage: string;

  constructor(@Inject(appConfig.KEY) config: ConfigType<typeof appConfig>) {
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
    this.resetPage = renderTokenPage(config.productName, {
      title: 'Choose a new password',
      intro: 'At least 8 characters, with lower- and upper-case letters, a digit and a symbol. Every device will be signed out.',
      button: 'Set my new password',
      endpoint: '/api/auth/password/reset',
      success: 'Done: sign in with your new password.',
      newPassword: true,
    });
  }

  @Get('reset-password')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', TOKEN_PAGE_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  resetPasswordPage(): string {
    return this.resetPage;
  }

  @Get('verify-email')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', TOKEN_PAGE_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  verifyEmailPage(): string {
    return this.verifyPage;
  }

  @Get('revert-email')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', TOKEN_PAGE_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  revertEmailPage(): string {
    return this.revertPage;
  }
}

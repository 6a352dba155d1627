import { Controller, Get, Header, Inject, applyDecorators } from '@nestjs/common';
import type { Settings } from '../../config/settings-token';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';
import { appConfig } from '../../config/app.config';
import { TOKEN_PAGE_CSP, renderTokenPage } from './token-page';

/**
 * Landing pages for mailed links, outside /api. A GET never consumes a token (mail scanners prefetch
 * links): the page's button POSTs it.
 */
/** A GET page of a mailed link: self-contained HTML under a strict CSP, never cached, no referrer; documented. */
function LinkPage(path: string, summary: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary, description: `${description} Opening the page consumes nothing (mail scanners follow links): the button posts the token.` }),
    ApiQuery({ name: 'token', required: false, description: 'The single-use token of the link.' }),
    ApiOkResponse({ description: 'The HTML page.', content: { 'text/html': { schema: { type: 'string' } } } }),
    Get(path),
    Header('Content-Type', 'text/html; charset=utf-8'),
    Header('Content-Security-Policy', TOKEN_PAGE_CSP),
    Header('Cache-Control', 'no-store'),
    Header('Referrer-Policy', 'no-referrer'),
  );
}

@ApiTags('pages')
@Public()
@Controller()
export class EmailLinkPagesController {
  private readonly verifyPage: string;
  private readonly revertPage: string;
  private readonly resetPage: string;

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
    this.resetPage = renderTokenPage(config.productName, {
      title: 'Choose a new password',
      intro: 'At least 8 characters, with lower- and upper-case letters, a digit and a symbol. Every device will be signed out.',
      button: 'Set my new password',
      endpoint: '/api/auth/password/reset',
      success: 'Done: sign in with your new password.',
      newPassword: true,
    });
  }

  @LinkPage('reset-password', 'Choose a new password (the page of the mailed link)', 'The page of the password-reset link: it posts the token and the new password to POST /api/auth/password/reset.')
  resetPasswordPage(): string {
    return this.resetPage;
  }

  @LinkPage('verify-email', 'Verify an address (the page of the mailed link)', 'The page of the verification link: it posts the token to POST /api/auth/email/verify.')
  verifyEmailPage(): string {
    return this.verifyPage;
  }

  @LinkPage('revert-email', 'Undo an email change (the page of the mailed link)', 'The page of the undo link mailed to the old address: it posts the token to POST /api/auth/email/revert.')
  revertEmailPage(): string {
    return this.revertPage;
  }
}

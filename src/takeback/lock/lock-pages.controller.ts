import { Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/decorators/public.decorator';
import { LinkPage } from '#src/common/http/link-page.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { renderTokenPage } from '#src/common/http/token-page';
import { appConfig } from '#src/config/app.config';
import type { Settings } from '#src/config/settings-token';

/** The pages of the lock and unlock links, outside /api: opening one changes nothing (mail scanners follow links). */
@ApiTags('pages')
@Public()
@ServiceContract()
@Controller()
export class LockPagesController {
  private readonly lockPage: string;
  private readonly unlockPage: string;

  constructor(@Inject(appConfig.KEY) config: Settings<typeof appConfig>) {
    this.lockPage = renderTokenPage(config.productName, {
      title: 'Lock your account',
      intro:
        'If you did not do what the mail describes, lock your account: every device is signed out at once and nobody can sign in until you unlock it with the link we then mail to your address.',
      button: 'Lock my account',
      endpoint: '/api/auth/lock',
      success: 'Your account is locked. Check your mailbox for the link that unlocks it.',
    });
    this.unlockPage = renderTokenPage(config.productName, {
      title: 'Unlock your account',
      intro: 'Choose a new password to unlock your account. Sign-in methods added in the days before the lock are removed; older ones stay.',
      button: 'Unlock with this password',
      endpoint: '/api/auth/unlock',
      success: 'Your account is unlocked: sign in with your new password.',
      newPassword: true,
    });
  }

  @LinkPage(
    'lock-account',
    'Lock an account (the page of a security notice’s link)',
    'The page of the "this wasn’t me" link: it posts the token to POST /api/auth/lock.',
  )
  lockAccountPage(): string {
    return this.lockPage;
  }

  @LinkPage(
    'unlock-account',
    'Unlock an account (the page of the mailed link)',
    'The page of the unlock link: it posts the token and a new password to POST /api/auth/unlock.',
  )
  unlockAccountPage(): string {
    return this.unlockPage;
  }
}

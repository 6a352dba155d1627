import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { ConfigType } from '@nestjs/config';
import { mailConfig } from '../config/mail.config';
import { type MailContent, renderMail } from './mail-layout';
import { MailTransport } from './mail.transport';

/** The mail could not be handed to the transport; callers decide whether that fails their operation. */
export class MailUnavailableError extends AppError {
  constructor() {
    super('MAIL_UNAVAILABLE', 'Mail cannot be sent right now; nothing was changed. Try again later.');
  }
}

/** One method per mail. Nothing is sent when MAIL_ENABLED=false. */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly transport: MailTransport,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** A link to a page of this service (PUBLIC_URL-based). */
  link(path: string, params: Record<string, string> = {}): string {
    const url = new URL(path, `${this.config.publicUrl}/`);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  sendAddressVerification(to: string, token: string): Promise<void> {
    const url = this.link('verify-email', { token });
    return this.send(
      to,
      `Verify your ${this.config.productName} address`,
      {
        title: 'Confirm your email address',
        paragraphs: ['Please confirm that this address belongs to you. The link works once.', 'If you did not create an account, ignore this mail.'],
        action: { label: 'Verify my address', url },
      },
      url,
    );
  }

  sendRegistrationAttempt(to: string): Promise<void> {
    return this.send(to, `Someone tried to register with your ${this.config.productName} address`, {
      title: 'You already have an account',
      paragraphs: [
        'Someone (perhaps you) tried to create a new account with this address. Your existing account is unchanged.',
        'If this was you, sign in with your existing password instead. If it was not you, you can ignore this mail.',
      ],
    });
  }

  sendPasswordChanged(to: string, firstPassword = false, providers: string[] = []): Promise<void> {
    const subject = firstPassword ? `A password was added to your ${this.config.productName} account` : `Your ${this.config.productName} password was changed`;
    return this.send(to, subject, {
      title: firstPassword ? 'A password was added' : 'Your password was changed',
      paragraphs: [
        `${firstPassword ? 'Your account now has a password' : 'The password of your account was just changed'}, every other signed-in device was signed out and a pending change of your email address, if any, was cancelled.`,
        ...this.providerParagraphs(providers),
        'If you did not do this, your account may be compromised: reset your password from the sign-in page at once.',
      ],
    });
  }

  sendAccountDeleted(to: string): Promise<void> {
    return this.send(to, `Your ${this.config.productName} account was deleted`, {
      title: 'Goodbye',
      paragraphs: ['Your account and everything stored with it have been deleted. This address can be used to register again.'],
    });
  }

  sendEmailChangeVerification(to: string, token: string): Promise<void> {
    const url = this.link('verify-email', { token });
    return this.send(
      to,
      `Confirm your new ${this.config.productName} address`,
      {
        title: 'Confirm your new email address',
        paragraphs: [
          'You asked to use this address for your account. It takes effect when you confirm it; the link works once.',
          'If you did not ask for this, ignore this mail: nothing changes.',
        ],
        action: { label: 'Confirm my new address', url },
      },
      url,
    );
  }

  sendAddressInUseNotice(to: string): Promise<void> {
    return this.send(to, `Someone tried to use your ${this.config.productName} address`, {
      title: 'Your address was offered for another account',
      paragraphs: [
        'Someone signed in to another account asked to change its email address to this one. Nothing was changed: this address stays with your account.',
        'If this was you, there is nothing to do.',
      ],
    });
  }

  sendEmailChangedNotice(to: string, newAddress: string, revertToken: string): Promise<void> {
    const url = this.link('revert-email', { token: revertToken });
    return this.send(
      to,
      `Your ${this.config.productName} address was changed`,
      {
        title: 'Your email address was changed',
        paragraphs: [
          `Your account now uses ${newAddress} instead of this address.`,
          'If you did not do this, undo it with the link below: this address comes back, every device is signed out, and you should then choose a new password.',
        ],
        action: { label: 'This was not me: undo the change', url },
      },
      url,
    );
  }

  sendEmailRevertedNotice(to: string, resetToken: string): Promise<void> {
    const url = this.link('reset-password', { token: resetToken });
    return this.send(
      to,
      `Your ${this.config.productName} address was restored`,
      {
        title: 'Your email address is back',
        paragraphs: [
          'The recent change of your email address was undone: every device was signed out, sign-in methods added since the change were removed, and your password no longer works (whoever changed your address may know it).',
          'Choose a new password with the link below to sign in again.',
        ],
        action: { label: 'Choose a new password', url },
      },
      url,
    );
  }

  sendPasswordReset(to: string, token: string, validMinutes: number): Promise<void> {
    const url = this.link('reset-password', { token });
    return this.send(
      to,
      `Reset your ${this.config.productName} password`,
      {
        title: 'Choose a new password',
        paragraphs: [
          `Someone (perhaps you) asked to reset the password of the account with this address. The link works once, for ${validMinutes} minutes; every device will be signed out.`,
          'If you did not ask for this, ignore this mail: your password stays as it is.',
        ],
        action: { label: 'Choose a new password', url },
      },
      url,
    );
  }

  sendPasswordWasReset(to: string, providers: string[]): Promise<void> {
    return this.send(to, `Your ${this.config.productName} password was reset`, {
      title: 'Your password was reset',
      paragraphs: ['The password of your account was reset with a link mailed to this address, and every device was signed out.', ...this.providerParagraphs(providers)],
    });
  }

  sendNewSignIn(to: string, signIn: { method: string; at: Date; ip: string; device: string; sessionId: string }): Promise<void> {
    return this.send(to, `New sign-in to your ${this.config.productName} account`, {
      title: 'A new sign-in to your account',
      paragraphs: [
        `Your account was signed in to with ${signIn.method} on ${signIn.at.toUTCString()}, from ${signIn.device} at IP address ${signIn.ip}. It is not a browser and address your account has used in the last 90 days.`,
        `If this was you, there is nothing to do. If not: sign in, end that session (DELETE /api/auth/users/me/sessions/${signIn.sessionId}, or "sign out everywhere else" in your account settings), then change your password.`,
      ],
    });
  }

  sendSignedOutEverywhere(to: string, providers: string[]): Promise<void> {
    return this.send(to, `Every other device was signed out of your ${this.config.productName} account`, {
      title: 'Other devices were signed out',
      paragraphs: [
        'Every device but the one you used was signed out of your account, and a pending change of your email address, if any, was cancelled.',
        ...this.providerParagraphs(providers),
      ],
    });
  }

  /** Linked providers still sign in after a password change: the owner is told which, and how to remove one. */
  private providerParagraphs(providers: string[]): string[] {
    if (providers.length === 0) return [];
    return [
      `These sign-in methods still work: ${providers.join(', ')}. If you do not recognise one, remove it in one step: DELETE /api/auth/users/me/providers/<provider> after a step-up, or in your account settings.`,
    ];
  }

  sendProviderLinked(to: string, providerName: string): Promise<void> {
    return this.send(to, `${providerName} can now sign in to your ${this.config.productName} account`, {
      title: 'A sign-in method was added',
      paragraphs: [
        `Your ${providerName} account was linked to your account: it can now be used to sign in and to confirm sensitive changes.`,
        'If you did not do this, unlink it at once from your account settings and change your password.',
      ],
    });
  }

  sendProviderUnlinked(to: string, providerName: string): Promise<void> {
    return this.send(to, `${providerName} was removed from your ${this.config.productName} account`, {
      title: 'A sign-in method was removed',
      paragraphs: [`Your ${providerName} account can no longer be used to sign in to your account.`, 'If you did not do this, contact support at once.'],
    });
  }

  sendProviderSignInRefused(to: string, providerName: string): Promise<void> {
    return this.send(to, `Someone tried to sign in with ${providerName} using your ${this.config.productName} address`, {
      title: 'A sign-in with another provider was refused',
      paragraphs: [
        `Someone (perhaps you) tried to sign in with a ${providerName} account that uses this email address. It is not linked to your account, so nothing was changed and nobody was signed in.`,
        `If this was you, sign in the usual way, then link ${providerName} from your account settings.`,
      ],
    });
  }

  private async send(to: string, subject: string, content: MailContent, link?: string): Promise<void> {
    if (!this.config.enabled) return;
    const { text, html } = renderMail(this.config.productName, this.config.appUrl, content);
    try {
      await this.transport.deliver({ to, subject, text, html, link }, this.config.from);
    } catch (error) {
      this.logger.error(`mail "${subject}" could not be sent: ${(error as Error).message}`);
      throw new MailUnavailableError();
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mailConfig } from '../config/mail.config';
import { type MailContent, renderMail } from './mail-layout';
import { MailTransport } from './mail.transport';

/** One method per mail. Nothing is sent when MAIL_ENABLED=false. */
@Injectable()
export class MailService {
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

  sendPasswordChanged(to: string): Promise<void> {
    return this.send(to, `Your ${this.config.productName} password was changed`, {
      title: 'Your password was changed',
      paragraphs: [
        'The password of your account was just changed, and every other signed-in device was signed out.',
        'If you did not do this, your account may be compromised: contact support at once.',
      ],
    });
  }

  sendAccountDeleted(to: string): Promise<void> {
    return this.send(to, `Your ${this.config.productName} account was deleted`, {
      title: 'Goodbye',
      paragraphs: ['Your account and everything stored with it have been deleted. This address can be used to register again.'],
    });
  }

  private async send(to: string, subject: string, content: MailContent, link?: string): Promise<void> {
    if (!this.config.enabled) return;
    const { text, html } = renderMail(this.config.productName, this.config.publicUrl, content);
    await this.transport.deliver({ to, subject, text, html, link }, this.config.from);
  }
}

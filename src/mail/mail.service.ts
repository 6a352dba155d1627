import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error';
import type { Settings } from '#src/config/settings-token';
import { mailConfig } from '#src/config/mail.config';
import { type MailContent, renderMail } from './mail-layout';
import { MailTransport } from './mail.transport';

/** The mail could not be handed to the transport; callers decide whether that fails their operation. */
export class MailUnavailableError extends AppError {
  constructor() {
    super('MAIL_UNAVAILABLE', 'Mail cannot be sent right now; nothing was changed. Try again later.');
  }
}

/** The second-factor changes an account's owner is told about. */
export type SecondFactorChange = 'totp_added' | 'totp_removed' | 'passkey_added' | 'passkey_removed' | 'recovery_codes_regenerated';

/** A composed mail, not sent yet. */
export interface OutgoingMail {
  to: string;
  subject: string;
  content: MailContent;
  /** The link a test transport (and the outbox folder) records. */
  link?: string;
}

/**
 * One method per mail, composing it; send() delivers a mail an operation needs, notify() a notice that must
 * never fail an operation. Nothing is sent when MAIL_ENABLED=false.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly transport: MailTransport,
    @Inject(mailConfig.KEY) private readonly config: Settings<typeof mailConfig>,
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

  addressVerification(to: string, token: string): OutgoingMail {
    const url = this.link('verify-email', { token });
    return this.compose(
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

  registrationAttempt(to: string): OutgoingMail {
    return this.compose(to, `Someone tried to register with your ${this.config.productName} address`, {
      title: 'You already have an account',
      paragraphs: [
        'Someone (perhaps you) tried to create a new account with this address. Your existing account is unchanged.',
        'If this was you, sign in with your existing password instead. If it was not you, you can ignore this mail.',
      ],
    });
  }

  passwordChanged(to: string, firstPassword = false, providers: string[] = []): OutgoingMail {
    const subject = firstPassword ? `A password was added to your ${this.config.productName} account` : `Your ${this.config.productName} password was changed`;
    return this.compose(to, subject, {
      title: firstPassword ? 'A password was added' : 'Your password was changed',
      paragraphs: [
        `${firstPassword ? 'Your account now has a password' : 'The password of your account was just changed'}, every other signed-in device was signed out and a pending change of your email address, if any, was cancelled.`,
        ...this.providerParagraphs(providers),
        'If you did not do this, your account may be compromised: reset your password from the sign-in page at once.',
      ],
    });
  }

  deletionScheduled(to: string, deleteAt: Date, cancelToken: string): OutgoingMail {
    const url = this.link('cancel-deletion', { token: cancelToken });
    return this.compose(
      to,
      `Your ${this.config.productName} account will be deleted on ${deleteAt.toISOString().slice(0, 10)}`,
      {
        title: 'Your account will be deleted',
        paragraphs: [
          `Your account and everything stored with it will be deleted on ${deleteAt.toUTCString()}. Every device was signed out.`,
          'Changed your mind? Cancel with the link below, or sign in again and cancel from your profile, any time before then.',
          'If you did not ask for this, someone has your password and a second factor: cancel, then lock the account with the link below.',
        ],
        action: { label: 'Keep my account', url },
      },
      url,
    );
  }

  deletionCancelled(to: string): OutgoingMail {
    return this.compose(to, `Your ${this.config.productName} account will not be deleted`, {
      title: 'Deletion cancelled',
      paragraphs: ['The deletion of your account was cancelled: it stays as it is.', 'If you did not do this, lock the account with the link below.'],
    });
  }

  accountDeleted(to: string): OutgoingMail {
    return this.compose(to, `Your ${this.config.productName} account was deleted`, {
      title: 'Goodbye',
      paragraphs: ['Your account and everything stored with it have been deleted. This address can be used to register again.'],
    });
  }

  emailChangeVerification(to: string, token: string): OutgoingMail {
    const url = this.link('verify-email', { token });
    return this.compose(
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

  addressInUseNotice(to: string): OutgoingMail {
    return this.compose(to, `Someone tried to use your ${this.config.productName} address`, {
      title: 'Your address was offered for another account',
      paragraphs: [
        'Someone signed in to another account asked to change its email address to this one. Nothing was changed: this address stays with your account.',
        'If this was you, there is nothing to do.',
      ],
    });
  }

  emailChangedNotice(to: string, newAddress: string, revertToken: string): OutgoingMail {
    const url = this.link('revert-email', { token: revertToken });
    return this.compose(
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

  /** `resetToken` null: the change had been made with a second factor, so the password and factors were kept. */
  emailRevertedNotice(to: string, resetToken: string | null): OutgoingMail {
    if (resetToken === null) {
      return this.compose(to, `Your ${this.config.productName} address was restored`, {
        title: 'Your email address is back',
        paragraphs: [
          'The recent change of your email address was undone and every device was signed out. The change had been confirmed with your second factor, so your password and second factors still work.',
          'If you did not make that change, someone holds your second factor: lock your account with the link below.',
        ],
      });
    }
    const url = this.link('reset-password', { token: resetToken });
    return this.compose(
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

  passwordReset(to: string, token: string, validMinutes: number): OutgoingMail {
    const url = this.link('reset-password', { token });
    return this.compose(
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

  passwordWasReset(to: string, providers: string[]): OutgoingMail {
    return this.compose(to, `Your ${this.config.productName} password was reset`, {
      title: 'Your password was reset',
      paragraphs: [
        'The password of your account was reset with a link mailed to this address, and every device was signed out.',
        ...this.providerParagraphs(providers),
      ],
    });
  }

  newSignIn(to: string, signIn: { method: string; at: Date; ip: string; device: string; sessionId: string }): OutgoingMail {
    return this.compose(to, `New sign-in to your ${this.config.productName} account`, {
      title: 'A new sign-in to your account',
      paragraphs: [
        `Your account was signed in to with ${signIn.method} on ${signIn.at.toUTCString()}, from ${signIn.device} at IP address ${signIn.ip}. It is not a browser and address your account has used in the last 90 days.`,
        `If this was you, there is nothing to do. If not: sign in, end that session (DELETE /api/auth/users/me/sessions/${signIn.sessionId}, or "sign out everywhere else" in your account settings), then change your password.`,
      ],
    });
  }

  signedOutEverywhere(to: string, providers: string[]): OutgoingMail {
    return this.compose(to, `Every other device was signed out of your ${this.config.productName} account`, {
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

  providerLinked(to: string, providerName: string): OutgoingMail {
    return this.compose(to, `${providerName} can now sign in to your ${this.config.productName} account`, {
      title: 'A sign-in method was added',
      paragraphs: [
        `Your ${providerName} account was linked to your account: it can now be used to sign in and to confirm sensitive changes.`,
        'If you did not do this, unlink it at once from your account settings and change your password.',
      ],
    });
  }

  providerUnlinked(to: string, providerName: string): OutgoingMail {
    return this.compose(to, `${providerName} was removed from your ${this.config.productName} account`, {
      title: 'A sign-in method was removed',
      paragraphs: [`Your ${providerName} account can no longer be used to sign in to your account.`, 'If you did not do this, contact support at once.'],
    });
  }

  /** A second factor was added or removed, or the recovery codes were replaced. */
  secondFactorChanged(to: string, change: SecondFactorChange): OutgoingMail {
    const what = {
      totp_added: [
        'Two-step sign-in was turned on',
        'An authenticator app now confirms sign-ins to your account, and recovery codes were made for when it is not at hand.',
      ],
      totp_removed: [
        'Two-step sign-in was turned off',
        'The authenticator app no longer confirms sign-ins to your account; its recovery codes stopped working too.',
      ],
      passkey_added: ['A passkey was added', 'A new passkey can now sign in to your account and confirm sensitive changes on its own.'],
      passkey_removed: ['A passkey was removed', 'One of your passkeys can no longer sign in to your account.'],
      recovery_codes_regenerated: ['New recovery codes were made', 'The recovery codes of your account were replaced: the earlier ones no longer work.'],
    }[change];
    return this.compose(to, `${what[0]} on your ${this.config.productName} account`, {
      title: what[0],
      paragraphs: [what[1], 'If you did not do this, change your password at once and sign out every other device from your account settings.'],
    });
  }

  providerSignInRefused(to: string, providerName: string): OutgoingMail {
    return this.compose(to, `Someone tried to sign in with ${providerName} using your ${this.config.productName} address`, {
      title: 'A sign-in with another provider was refused',
      paragraphs: [
        `Someone (perhaps you) tried to sign in with a ${providerName} account that uses this email address. It is not linked to your account, so nothing was changed and nobody was signed in.`,
        `If this was you, sign in the usual way, then link ${providerName} from your account settings.`,
      ],
    });
  }

  /** The notice with its "this wasn't me" link (the page of `token`, a lock token). */
  withLockLink(mail: OutgoingMail, token: string): OutgoingMail {
    return { ...mail, content: { ...mail.content, lockUrl: this.link('lock-account', { token }) } };
  }

  /** To the address that just became the account's: from when on, and until when, the previous one can undo it. */
  emailChangedToNewAddress(to: string, previousAddress: string, undoUntil: Date): OutgoingMail {
    return this.compose(to, `This is now the address of your ${this.config.productName} account`, {
      title: 'Your new email address is in use',
      paragraphs: [
        `Your account now uses this address instead of ${previousAddress}.`,
        `Until ${undoUntil.toUTCString()}, the previous address can undo the change with the link it was sent. If it does, every device is signed out.`,
      ],
    });
  }

  accountLocked(to: string, unlockToken: string, validDays: number): OutgoingMail {
    const url = this.link('unlock-account', { token: unlockToken });
    return this.compose(
      to,
      `Your ${this.config.productName} account is locked`,
      {
        title: 'Your account is locked',
        paragraphs: [
          'Someone with access to a security notice of your account, or signed in to it, locked it. Every device was signed out, a pending change of your email address was cancelled, and nobody can sign in, by any method, until it is unlocked.',
          `To unlock it, choose a new password with the link below (it works once, for ${validDays} days). Sign-in methods added in the days before the lock are removed; older ones stay.`,
        ],
        action: { label: 'Unlock my account', url },
      },
      url,
    );
  }

  accountUnlocked(to: string): OutgoingMail {
    return this.compose(to, `Your ${this.config.productName} account is unlocked`, {
      title: 'Your account is unlocked',
      paragraphs: [
        'Your account was unlocked with a new password, from a link mailed to this address. Sign-in methods added shortly before the lock were removed: add them again if they were yours.',
      ],
    });
  }

  /** A password that signed in was found in a breach corpus (it was set before the check existed). */
  passwordBreached(to: string, facts: { breachCount: number }): OutgoingMail {
    return this.compose(to, `Change your ${this.config.productName} password`, {
      title: 'Your password appears in a data breach',
      paragraphs: [
        `The password you signed in with appears ${facts.breachCount.toLocaleString('en')} times in a public list of passwords leaked from other services, so it may be guessed without ever being stolen from us. Nobody signed in because of this, as far as we know.`,
        'Please change it now in your account settings: a long passphrase of a few unrelated words that you use nowhere else is best.',
      ],
    });
  }

  dataExported(to: string): OutgoingMail {
    return this.compose(to, `Your ${this.config.productName} data was exported`, {
      title: 'A copy of your data was downloaded',
      paragraphs: [
        'A signed-in device downloaded a copy of your account data (profile, sessions, security log, sign-in methods).',
        'If this was you, there is nothing to do.',
      ],
    });
  }

  private compose(to: string, subject: string, content: MailContent, link?: string): OutgoingMail {
    return { to, subject, content, link };
  }

  /** Sends the mail, or throws MailUnavailableError: for a mail the operation cannot do without (a link). */
  async send(mail: OutgoingMail): Promise<void> {
    if (!this.config.enabled) return;
    const { text, html } = renderMail(this.config.productName, this.config.appUrl, mail.content);
    try {
      await this.transport.deliver({ to: mail.to, subject: mail.subject, text, html, link: mail.link }, this.config.from);
    } catch (error) {
      this.logger.error(`mail "${mail.subject}" could not be sent: ${(error as Error).message}`);
      throw new MailUnavailableError();
    }
  }

  /** Sends a notice; a failure is logged (once, by send) and never fails the operation that is already done. */
  async notify(mail: OutgoingMail): Promise<void> {
    await this.send(mail).catch(() => undefined);
  }
}

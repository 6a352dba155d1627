import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error';
import type { Settings } from '#src/config/settings-token';
import { mailConfig } from '#src/config/mail.config';
import { type MailContent, type MailFrame, renderMail } from './mail-layout';
import { MailTransport } from './mail.transport';
import type { Catalogue, MessageValues } from '#src/i18n/catalogue';
import { Translations } from '#src/i18n/translations';
import { type AccountLocales, accountLocales } from '#src/i18n/account-languages';

/** The mail could not be handed to the transport; callers decide whether that fails their operation. */
export class MailUnavailableError extends AppError {
  constructor() {
    super('MAIL_UNAVAILABLE', 'Mail cannot be sent right now; nothing was changed. Try again later.');
  }
}

/** The second-factor changes an account's owner is told about. */
export type SecondFactorChange = 'totp_added' | 'totp_removed' | 'passkey_added' | 'passkey_removed' | 'recovery_codes_regenerated';

/** Whom a mail goes to, and in which language and zone: an account (or its address with the account's locale). */
export interface MailRecipient extends AccountLocales {
  email: string;
  timezone?: string | null;
}

/** How the owner signed in, for the new sign-in notice; the catalogue words each kind. */
export interface NewSignIn {
  method: { kind: 'password' | 'second_factor' | 'passkey' | 'provider'; name?: string };
  at: Date;
  ip: string | null;
  browser: string | null;
  os: string | null;
  sessionId: string;
}

type Values = MessageValues | ((catalogue: Catalogue, timeZone: string) => MessageValues);
/** A paragraph key relative to the mail's kind (`p1`), or an absolute one with its own values. */
type Paragraph = string | { key: string; values?: Values };

/** What a mail kind's words are made of: its values, its paragraphs, and the link of its action. */
interface MailParts {
  values?: Values;
  paragraphs: Paragraph[];
  action?: string;
}

function resolve(values: Values | undefined, catalogue: Catalogue, timeZone: string): MessageValues {
  return typeof values === 'function' ? values(catalogue, timeZone) : (values ?? {});
}

/** A composed mail, not sent yet, in the language of its catalogue. */
export interface OutgoingMail {
  to: string;
  subject: string;
  content: MailContent;
  catalogue: Catalogue;
  /** The same mail in the account's language before a recent change, below the first. */
  also?: { subject: string; content: MailContent; catalogue: Catalogue };
  /** The link a test transport (and the outbox folder) records. */
  link?: string;
}

/**
 * One method per mail, composing it in the recipient's language and time zone (the catalogues of src/i18n); send() delivers a mail an operation needs, notify() a notice that must
 * never fail an operation. Nothing is sent when MAIL_ENABLED=false.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly transport: MailTransport,
    private readonly translations: Translations,
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

  addressVerification(to: MailRecipient, token: string): OutgoingMail {
    return this.compose(to, 'addressVerification', { paragraphs: ['p1', 'p2'], action: this.link('verify-email', { token }) });
  }

  registrationAttempt(to: MailRecipient): OutgoingMail {
    return this.compose(to, 'registrationAttempt', { paragraphs: ['p1', 'p2'] });
  }

  passwordChanged(to: MailRecipient, firstPassword = false, providers: string[] = []): OutgoingMail {
    return this.compose(to, 'passwordChanged', {
      values: { first: firstPassword ? 'yes' : 'no' },
      paragraphs: ['p1', ...this.providerParagraph(providers), 'p2'],
    });
  }

  deletionScheduled(to: MailRecipient, deleteAt: Date, cancelToken: string): OutgoingMail {
    return this.compose(to, 'deletionScheduled', {
      values: (c, zone) => ({ date: c.date(deleteAt, zone), deleteAt: c.dateTime(deleteAt, zone) }),
      paragraphs: ['p1', 'p2', 'p3'],
      action: this.link('cancel-deletion', { token: cancelToken }),
    });
  }

  deletionCancelled(to: MailRecipient): OutgoingMail {
    return this.compose(to, 'deletionCancelled', { paragraphs: ['p1', 'p2'] });
  }

  accountDeleted(to: MailRecipient): OutgoingMail {
    return this.compose(to, 'accountDeleted', { paragraphs: ['p1'] });
  }

  /** To the new address, in the account's language. */
  emailChangeVerification(to: MailRecipient, token: string): OutgoingMail {
    return this.compose(to, 'emailChangeVerification', { paragraphs: ['p1', 'p2'], action: this.link('verify-email', { token }) });
  }

  addressInUseNotice(to: MailRecipient): OutgoingMail {
    return this.compose(to, 'addressInUse', { paragraphs: ['p1', 'p2'] });
  }

  emailChangedNotice(to: MailRecipient, newAddress: string, revert: { token: string; expiresAt: Date }): OutgoingMail {
    return this.compose(to, 'emailChanged', {
      values: (c, zone) => ({ newAddress, undoUntil: c.dateTime(revert.expiresAt, zone) }),
      paragraphs: ['p1', 'p2'],
      action: this.link('revert-email', { token: revert.token }),
    });
  }

  /** `resetToken` null: the change had been made with a second factor, so the password and factors were kept. */
  emailRevertedNotice(to: MailRecipient, resetToken: string | null): OutgoingMail {
    if (resetToken === null) return this.compose(to, 'emailRevertedKept', { paragraphs: ['p1', 'p2'] });
    return this.compose(to, 'emailReverted', { paragraphs: ['p1', 'p2'], action: this.link('reset-password', { token: resetToken }) });
  }

  passwordReset(to: MailRecipient, token: string, validFor: { minutes: number; until: Date }): OutgoingMail {
    return this.compose(to, 'passwordReset', {
      values: (c, zone) => ({ minutes: validFor.minutes, until: c.dateTime(validFor.until, zone) }),
      paragraphs: ['p1', 'p2'],
      action: this.link('reset-password', { token }),
    });
  }

  passwordWasReset(to: MailRecipient, providers: string[]): OutgoingMail {
    return this.compose(to, 'passwordWasReset', { paragraphs: ['p1', ...this.providerParagraph(providers)] });
  }

  newSignIn(to: MailRecipient, signIn: NewSignIn): OutgoingMail {
    return this.compose(to, 'newSignIn', {
      values: (c, zone) => ({
        method: signIn.method.kind,
        name: signIn.method.name ?? '',
        at: c.dateTime(signIn.at, zone),
        browser: signIn.browser ?? 'unknown',
        os: signIn.os ?? 'unknown',
        ip: signIn.ip ?? c.t('mail.unknownAddress'),
        route: `DELETE /api/auth/users/me/sessions/${signIn.sessionId}`,
      }),
      paragraphs: ['p1', 'p2'],
    });
  }

  signedOutEverywhere(to: MailRecipient, providers: string[]): OutgoingMail {
    return this.compose(to, 'signedOutEverywhere', { paragraphs: ['p1', ...this.providerParagraph(providers)] });
  }

  /** Linked providers still sign in after a password change: the owner is told which, and how to remove one. */
  private providerParagraph(providers: string[]): Paragraph[] {
    if (providers.length === 0) return [];
    return [{ key: 'mail.providersStillWork', values: (c) => ({ providers: c.list(providers), route: 'DELETE /api/auth/users/me/providers/<provider>' }) }];
  }

  providerLinked(to: MailRecipient, provider: string): OutgoingMail {
    return this.compose(to, 'providerLinked', { values: { provider }, paragraphs: ['p1', 'p2'] });
  }

  providerUnlinked(to: MailRecipient, provider: string): OutgoingMail {
    return this.compose(to, 'providerUnlinked', { values: { provider }, paragraphs: ['p1', 'p2'] });
  }

  /** A second factor was added or removed, or the recovery codes were replaced. */
  secondFactorChanged(to: MailRecipient, change: SecondFactorChange): OutgoingMail {
    return this.compose(to, `factor.${change}`, { paragraphs: ['p1', { key: 'mail.factor.p2' }] });
  }

  providerSignInRefused(to: MailRecipient, provider: string): OutgoingMail {
    return this.compose(to, 'providerSignInRefused', { values: { provider }, paragraphs: ['p1', 'p2'] });
  }

  /** The notice with its "this wasn't me" link (the page of `token`, a lock token). */
  withLockLink(mail: OutgoingMail, token: string): OutgoingMail {
    const url = this.link('lock-account', { token });
    const withLock = (content: MailContent, catalogue: Catalogue): MailContent => ({ ...content, lock: { label: catalogue.t('mail.lockLink'), url } });
    return {
      ...mail,
      content: withLock(mail.content, mail.catalogue),
      also: mail.also && { ...mail.also, content: withLock(mail.also.content, mail.also.catalogue) },
    };
  }

  /** To the address that just became the account's: from when on, and until when, the previous one can undo it. */
  emailChangedToNewAddress(to: MailRecipient, previousAddress: string, undoUntil: Date): OutgoingMail {
    return this.compose(to, 'emailChangedToNewAddress', {
      values: (c, zone) => ({ previousAddress, undoUntil: c.dateTime(undoUntil, zone) }),
      paragraphs: ['p1', 'p2'],
    });
  }

  accountLocked(to: MailRecipient, unlock: { token: string; expiresAt: Date }): OutgoingMail {
    const days = Math.max(1, Math.round((unlock.expiresAt.getTime() - Date.now()) / 86_400_000));
    return this.compose(to, 'accountLocked', {
      values: (c, zone) => ({ days, until: c.dateTime(unlock.expiresAt, zone) }),
      paragraphs: ['p1', 'p2'],
      action: this.link('unlock-account', { token: unlock.token }),
    });
  }

  accountUnlocked(to: MailRecipient): OutgoingMail {
    return this.compose(to, 'accountUnlocked', { paragraphs: ['p1'] });
  }

  /** A password that signed in was found in a breach corpus (it was set before the check existed). */
  passwordBreached(to: MailRecipient, facts: { breachCount: number }): OutgoingMail {
    return this.compose(to, 'passwordBreached', { values: { count: facts.breachCount }, paragraphs: ['p1', 'p2'] });
  }

  dataExported(to: MailRecipient): OutgoingMail {
    return this.compose(to, 'dataExported', { paragraphs: ['p1', 'p2'] });
  }

  /**
   * The mail `kind` in the recipient's language, and below it in the account's language before a recent change
   * (`localeChange`), when that is another catalogue.
   */
  private compose(to: MailRecipient, kind: string, parts: MailParts): OutgoingMail {
    const [locale, previous] = accountLocales(to);
    const catalogue = this.translations.forLocale(locale);
    const { subject, content } = this.composeIn(catalogue, to, kind, parts);
    const previousCatalogue = previous === undefined ? null : this.translations.forLocale(previous);
    const also =
      previousCatalogue && previousCatalogue !== catalogue
        ? { ...this.composeIn(previousCatalogue, to, kind, parts), catalogue: previousCatalogue }
        : undefined;
    return { to: to.email, catalogue, subject, content, also, link: parts.action };
  }

  /**
   * `mail.<kind>.subject`, `.title`, the paragraphs (keys relative to the kind, or absolute), and `.action` as the
   * label of `action`, a link, in one catalogue and the recipient's zone. No text is put together here.
   */
  private composeIn(catalogue: Catalogue, to: MailRecipient, kind: string, parts: MailParts): { subject: string; content: MailContent } {
    const zone = to.timezone || 'UTC';
    const values = { product: this.config.productName, appUrl: this.config.appUrl, ...resolve(parts.values, catalogue, zone) };
    const key = (relative: string): string => `mail.${kind}.${relative}`;
    return {
      subject: catalogue.t(key('subject'), values),
      content: {
        title: catalogue.t(key('title'), values),
        paragraphs: parts.paragraphs.map((paragraph) =>
          typeof paragraph === 'string'
            ? catalogue.t(key(paragraph), values)
            : catalogue.t(paragraph.key, { ...values, ...resolve(paragraph.values, catalogue, zone) }),
        ),
        action: parts.action ? { label: catalogue.t(key('action'), values), url: parts.action } : undefined,
      },
    };
  }

  /** The mail's text and HTML parts, in its language (then in the one before, when it carries that too). */
  render(mail: OutgoingMail): { text: string; html: string } {
    const frame = (catalogue: Catalogue): MailFrame => ({
      language: catalogue.language,
      direction: catalogue.direction,
      footer: catalogue.t('mail.footer', { product: this.config.productName, appUrl: this.config.appUrl }),
      productName: this.config.productName,
      appUrl: this.config.appUrl,
    });
    const sections = [{ content: mail.content, frame: frame(mail.catalogue) }];
    if (mail.also) sections.push({ content: mail.also.content, frame: frame(mail.also.catalogue) });
    return renderMail(sections);
  }

  /** The subject line: both languages' subjects when the mail carries two. */
  subjectLine(mail: OutgoingMail): string {
    return mail.also ? `${mail.subject} / ${mail.also.subject}` : mail.subject;
  }

  /** Sends the mail, or throws MailUnavailableError: for a mail the operation cannot do without (a link). */
  async send(mail: OutgoingMail): Promise<void> {
    if (!this.config.enabled) return;
    const { text, html } = this.render(mail);
    const subject = this.subjectLine(mail);
    try {
      await this.transport.deliver({ to: mail.to, subject, text, html, link: mail.link }, this.config.from);
    } catch (error) {
      this.logger.error(`mail "${subject}" could not be sent: ${(error as Error).message}`);
      throw new MailUnavailableError();
    }
  }

  /** Sends a notice; a failure is logged (once, by send) and never fails the operation that is already done. */
  async notify(mail: OutgoingMail): Promise<void> {
    await this.send(mail).catch(() => undefined);
  }
}

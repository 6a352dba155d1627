import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type TokenPage, renderTokenPage } from '#src/common/http/token-page';
import { appConfig } from '#src/config/app.config';
import type { Settings } from '#src/config/settings-token';
import type { Catalogue, MessageValues } from './catalogue';
import { Translations } from './translations';

/** A page of a mailed link: its catalogue keys (`page.<key>.title`, `.intro`, `.button`, `.success`) and its route. */
export interface LinkPageSpec {
  key: string;
  /** The API route the button POSTs `{ token }` to. */
  endpoint: string;
  /** Asks for a new password too. */
  newPassword?: boolean;
  values?: MessageValues;
}

/** The error codes a link page words itself; any other shows `page.error.other`. */
const PAGE_ERRORS = ['EMAIL_TOKEN_INVALID', 'PASSWORD_POLICY_VIOLATION', 'TOO_MANY_REQUESTS', 'ACCOUNT_LOCKED'];

export interface RenderedPage {
  html: string;
  language: string;
}

/**
 * The HTML of the link pages, in the language of the account the link's token belongs to, else the visitor's
 * Accept-Language (an unknown, used or expired token). Each page is rendered once per language.
 * Shortly after a change of the account's language its pages take the one before it when the browser asks for
 * that one: whoever took the account over cannot make its "this wasn't me" page unreadable to the owner.
 */
@Injectable()
export class LinkPages {
  private readonly rendered = new Map<string, RenderedPage>();

  constructor(
    private readonly translations: Translations,
    @Inject(appConfig.KEY) private readonly config: Settings<typeof appConfig>,
  ) {}

  /**
   * What a link page's route answers: the page for the token's account (its locales, looked up by the caller
   * without using the token up) or, when the token is unknown to us, for the browser; `Content-Language` says which.
   */
  async serve(
    spec: LinkPageSpec,
    accountLocales: Promise<Array<string | null | undefined> | null>,
    acceptLanguage: string | undefined,
    reply: FastifyReply,
  ): Promise<string> {
    const page = this.render(spec, await accountLocales, acceptLanguage);
    void reply.header('Content-Language', page.language);
    return page.html;
  }

  /**
   * `accountLocales`: the token's account's locales (`accountLocales()`: its locale, then the one before a recent
   * change), or null when the token is unknown to us. The first is taken unless the browser asks for the other.
   */
  render(spec: LinkPageSpec, accountLocales: Array<string | null | undefined> | null, acceptLanguage: string | undefined): RenderedPage {
    const catalogue =
      accountLocales === null ? this.translations.forAcceptLanguage(acceptLanguage) : this.translations.forAccount(accountLocales, acceptLanguage);
    const cacheKey = `${spec.key}\u0000${catalogue.language}`;
    let page = this.rendered.get(cacheKey);
    if (!page) {
      page = { html: renderTokenPage(this.config.productName, this.words(spec, catalogue)), language: catalogue.language };
      this.rendered.set(cacheKey, page);
    }
    return page;
  }

  private words(spec: LinkPageSpec, c: Catalogue): TokenPage {
    const values = { product: this.config.productName, ...spec.values };
    return {
      language: c.language,
      direction: c.direction,
      title: c.t(`page.${spec.key}.title`, values),
      intro: c.t(`page.${spec.key}.intro`, values),
      button: c.t(`page.${spec.key}.button`, values),
      success: c.t(`page.${spec.key}.success`, values),
      endpoint: spec.endpoint,
      newPassword: spec.newPassword ? c.t('page.newPassword') : undefined,
      working: c.t('page.working'),
      unreachable: c.t('page.unreachable'),
      errors: { ...Object.fromEntries(PAGE_ERRORS.map((code) => [code, c.t(`page.error.${code}`)])), other: c.t('page.error.other') },
    };
  }
}

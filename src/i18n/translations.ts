import { Inject, Injectable } from '@nestjs/common';
import { appConfig } from '#src/config/app.config';
import { ConfigError } from '#src/config/env-reader';
import type { Settings } from '#src/config/settings-token';
import { CATALOGUE_DIR, Catalogue, readCatalogues } from './catalogue';
import { acceptedTags, localeFromAcceptLanguage, matchLanguage } from './language-match';

// Compiled once per process: every app of a test run (and every instance of the module) shares them.
let compiled: Map<string, Catalogue> | undefined;
function catalogues(): Map<string, Catalogue> {
  compiled ??= new Map([...readCatalogues(CATALOGUE_DIR)].map(([language, messages]) => [language, new Catalogue(language, messages)]));
  return compiled;
}

/**
 * The catalogue language DEFAULT_LOCALE falls back to, or a ConfigError naming the languages there are. createApp
 * asks before Nest builds anything: a start that fails inside Nest leaves the other providers still being built.
 */
export function defaultLanguage(defaultLocale: string): string {
  const languages = [...catalogues().keys()];
  const language = matchLanguage(defaultLocale, new Set(languages));
  if (!language) throw new ConfigError('DEFAULT_LOCALE', `has no catalogue; the languages are ${languages.join(', ')}`);
  return language;
}

/**
 * The languages of mails and pages: the account's `locale` matched to the best catalogue (`de-AT` → German),
 * else DEFAULT_LOCALE's. API errors are not translated: clients translate by code.
 */
@Injectable()
export class Translations {
  readonly languages: ReadonlySet<string>;
  private readonly catalogues = catalogues();
  private readonly fallback: Catalogue;
  /** DEFAULT_LOCALE, as configured (a new account that names none and sends no Accept-Language stores it). */
  readonly defaultLocale: string;

  constructor(@Inject(appConfig.KEY) config: Settings<typeof appConfig>) {
    this.defaultLocale = config.defaultLocale;
    this.languages = new Set(this.catalogues.keys());
    this.fallback = this.catalogues.get(defaultLanguage(config.defaultLocale)) as Catalogue;
  }

  /** The catalogue for an account's locale (or the default one). */
  forLocale(locale: string | null | undefined): Catalogue {
    const language = matchLanguage(locale, this.languages);
    return language ? (this.catalogues.get(language) as Catalogue) : this.fallback;
  }

  /** The catalogue for a visitor we know nothing of but their browser's Accept-Language. */
  forAcceptLanguage(header: string | undefined): Catalogue {
    for (const tag of acceptedTags(header)) {
      const language = matchLanguage(tag, this.languages);
      if (language) return this.catalogues.get(language) as Catalogue;
    }
    return this.fallback;
  }

  /**
   * For a page of an account with more than one language (its locale, then the one before a recent change): the
   * first of them the browser asks for, else the account's locale.
   */
  forAccount(locales: Array<string | null | undefined>, acceptLanguage: string | undefined): Catalogue {
    if (locales.length > 1) {
      const own = new Set(locales.map((locale) => matchLanguage(locale, this.languages)));
      for (const tag of acceptedTags(acceptLanguage)) {
        const language = matchLanguage(tag, this.languages);
        if (language !== null && own.has(language)) return this.catalogues.get(language) as Catalogue;
      }
    }
    return this.forLocale(locales[0]);
  }

  /** What a new account stores when it named no locale: from Accept-Language, else DEFAULT_LOCALE. */
  newAccountLocale(acceptLanguage: string | undefined): string {
    return localeFromAcceptLanguage(acceptLanguage, this.languages) ?? this.defaultLocale;
  }
}

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { canonicalTag } from './language-match';

/** One JSON file per language, named by its BCP 47 tag (`de.json`): adding a language is adding a file. */
export const CATALOGUE_DIR = join(__dirname, 'catalogues');

/** A catalogue as written: message key → ICU MessageFormat text. */
export type Messages = Record<string, string>;

export type MessageValues = Record<string, string | number>;

/** `<` is text in our messages, never a rich-text tag (a route such as `/providers/<provider>`). */
export const PARSE_OPTIONS = { ignoreTag: true } as const;

/** The languages there are catalogues for (`en`, `de`, …). */
export function supportedLanguages(dir = CATALOGUE_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** Every catalogue file of `dir`, by language. */
export function readCatalogues(dir = CATALOGUE_DIR): Map<string, Messages> {
  const catalogues = new Map<string, Messages>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const language = file.slice(0, -'.json'.length);
    if (canonicalTag(language) !== language) throw new Error(`i18n: ${file} is not named by a canonical BCP 47 tag`);
    catalogues.set(language, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Messages);
  }
  return catalogues;
}

// Formatters are costly to make and free to reuse; one per zone a mail was written for, up to a bound.
const MAX_ZONES = 512;

/**
 * One language's messages, each compiled once; formatting a message is then a walk of its parsed form.
 * Dates, times, numbers and lists go through Intl in this language.
 */
export class Catalogue {
  readonly direction: 'ltr' | 'rtl';
  private readonly messages = new Map<string, IntlMessageFormat>();
  private readonly dateTimes = new Map<string, Intl.DateTimeFormat>();
  private readonly dates = new Map<string, Intl.DateTimeFormat>();
  private readonly lists: Intl.ListFormat;

  constructor(
    readonly language: string,
    messages: Messages,
  ) {
    for (const [key, text] of Object.entries(messages)) this.messages.set(key, new IntlMessageFormat(text, language, undefined, PARSE_OPTIONS));
    this.direction = messages['meta.direction'] === 'rtl' ? 'rtl' : 'ltr';
    this.lists = new Intl.ListFormat(language, { type: 'conjunction' });
  }

  /** The message `key` with its placeholders filled; a key this catalogue lacks is a bug (the catalogue test finds it). */
  t(key: string, values?: MessageValues): string {
    const message = this.messages.get(key);
    if (!message) throw new Error(`i18n: no message "${key}" in ${this.language}`);
    return String(message.format(values));
  }

  /** A moment as this language writes it, in `timeZone`, the zone shown ("7 December 2026, 14:05 CET"). */
  dateTime(at: Date, timeZone: string): string {
    return this.formatter(this.dateTimes, timeZone, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(at);
  }

  /** The day of a moment in `timeZone` ("7 December 2026"). */
  date(at: Date, timeZone: string): string {
    return this.formatter(this.dates, timeZone, { dateStyle: 'long' }).format(at);
  }

  /** "Google, GitHub and Apple", in this language. */
  list(items: string[]): string {
    return this.lists.format(items);
  }

  private formatter(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    let formatter = cache.get(timeZone);
    if (!formatter) {
      if (cache.size >= MAX_ZONES) cache.clear();
      formatter = new Intl.DateTimeFormat(this.language, { ...options, timeZone: safeZone(timeZone) });
      cache.set(timeZone, formatter);
    }
    return formatter;
  }
}

/** A stored zone the runtime no longer knows (tzdata changes) must not stop a mail: it falls back to UTC. */
function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

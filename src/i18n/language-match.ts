/** A tag's canonical spelling (`EN-us` → `en-US`), or null when it is not a valid BCP 47 tag. */
export function canonicalTag(tag: string): string | null {
  if (!/^[A-Za-z0-9-]{1,35}$/.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * The supported language that serves `tag`: itself, or its base language (`de-AT` → `de`), else null
 * (`pt-BR` where there is no Portuguese). `supported` holds canonical tags.
 */
export function matchLanguage(tag: string | null | undefined, supported: ReadonlySet<string>): string | null {
  const canonical = tag ? canonicalTag(tag) : null;
  if (!canonical) return null;
  if (supported.has(canonical)) return canonical;
  const language = new Intl.Locale(canonical).language;
  return supported.has(language) ? language : null;
}

/** The tags of an Accept-Language header, most wanted first (RFC 9110 §12.5.4); `*`, q=0 and invalid tags left out. */
export function acceptedTags(header: string | undefined): string[] {
  if (!header) return [];
  const weighted: Array<{ tag: string; q: number; order: number }> = [];
  header
    .slice(0, 1024)
    .split(',')
    .forEach((part, order) => {
      const [range, ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      const tag = canonicalTag(range.trim());
      if (tag && Number.isFinite(q) && q > 0 && q <= 1) weighted.push({ tag, q, order });
    });
  return weighted.sort((a, b) => b.q - a.q || a.order - b.order).map((entry) => entry.tag);
}

/**
 * The locale to store for a new account that named none: the most wanted tag of Accept-Language that a
 * supported language serves (`pt-BR, de;q=0.8` → `de`), else its most wanted tag, else null.
 */
export function localeFromAcceptLanguage(header: string | undefined, supported: ReadonlySet<string>): string | null {
  const tags = acceptedTags(header);
  return tags.find((tag) => matchLanguage(tag, supported) !== null) ?? tags[0] ?? null;
}

export const EMAIL_MAX_LENGTH = 254;

/** Trimmed, NFC, domain lower-cased; the local part is kept as typed so mail goes where the user wrote. */
export function canonicalEmail(input: string): string {
  const trimmed = input.normalize('NFC').trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  return trimmed.slice(0, at) + '@' + trimmed.slice(at + 1).toLowerCase();
}

/** The lookup key: the whole address, case-insensitively. */
export function emailLookupKey(input: string): string {
  return canonicalEmail(input).toLowerCase();
}

/** Unicode code points after NFC normalisation: how the contract counts text lengths. */
export function codePointLength(value: string): number {
  return [...value.normalize('NFC')].length;
}

// C0/C1 control characters plus line and paragraph separators.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

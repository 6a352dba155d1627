/** Unicode code points after NFC normalisation: how the contract counts text lengths. */
export function codePointLength(value: string): number {
  return [...value.normalize('NFC')].length;
}

// C0/C1 control characters, line and paragraph separators, and the bidi overrides and isolates that let a
// name display as something else ("\u202Egnp.exe").
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The 20 000 most common passwords, lower-cased, from zxcvbn-ts' language-common list (MIT, see
 * common-passwords.NOTICE). Loaded once into a Set.
 */
let cached: ReadonlySet<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  cached ??= new Set(
    readFileSync(join(__dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
  );
  return cached;
}

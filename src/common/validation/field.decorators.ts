import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, ValidateIf, registerDecorator } from 'class-validator';
import { EMAIL_MAX_LENGTH, canonicalEmail } from './email';
import { codePointLength, hasControlCharacters } from './text';

const trimIfString = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.normalize('NFC').trim() : value);

/** An account email address: trimmed, domain lower-cased, at most 254 characters, valid syntax. */
export function IsAccountEmail(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'email', maxLength: EMAIL_MAX_LENGTH, example: 'ada@example.com' }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? canonicalEmail(value) : value)),
    IsString(),
    MaxLength(EMAIL_MAX_LENGTH),
    IsEmail({ allow_utf8_local_part: true, require_tld: false, allow_ip_domain: false }, { message: 'email must be a valid email address' }),
  );
}

export const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{1,30})[a-z0-9]$/;

/**
 * 3–32 characters of `a-z 0-9 . _ -`, starting and ending with a letter or digit, stored lower case.
 * `null` is allowed through (it clears the username where the route permits it).
 */
export function IsUsername(): PropertyDecorator {
  return applyDecorators(
    // Upper case is accepted and folded: the document's pattern says what may be sent, USERNAME_PATTERN what is kept.
    ApiProperty({
      pattern: '^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,30})[A-Za-z0-9]$',
      minLength: 3,
      maxLength: 32,
      example: 'ada',
      nullable: true,
      required: false,
      description: 'Stored in lower case.',
    }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    ValidateIf((_object, value) => value !== null),
    IsString(),
    Matches(USERNAME_PATTERN, {
      message: 'username must be 3-32 characters of a-z, 0-9, ".", "_" or "-", starting and ending with a letter or digit',
    }),
  );
}

function codePointRange(min: number, max: number, property: string): PropertyDecorator {
  return satisfies(
    property,
    (value) => codePointLength(value) >= min && codePointLength(value) <= max,
    min > 0 ? `${property} must be ${min}-${max} characters long` : `${property} must be at most ${max} characters long`,
  );
}

/** 1–64 characters after trimming, no control characters; `null` passes (clears it). */
export function IsDisplayName(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: 64, example: 'Ada Lovelace', nullable: true, required: false }),
    Transform(trimIfString),
    ValidateIf((_object, value) => value !== null),
    IsString(),
    codePointRange(1, 64, 'displayName'),
    satisfies('displayName', (value) => !hasControlCharacters(value), 'displayName must not contain control characters'),
  );
}

/**
 * A password as typed: a string. Its length is the password policy's business (422 `too_short`/`too_long` for a
 * new password) or the hasher's (a login with more than bcrypt's 72 bytes never matches); the body limit bounds it.
 * The document states the policy's bounds: what a client should send, not a 400.
 */
export function IsPasswordInput(kind: 'new' | 'current'): PropertyDecorator {
  const policy =
    kind === 'new'
      ? {
          minLength: 8,
          description:
            'Checked against the password policy (422 PASSWORD_POLICY_VIOLATION with `details.reasons`): at least PASSWORD_MIN_LENGTH characters (default 15, never under 8), at most 128 characters and 72 bytes in UTF-8 (bcrypt reads no more), no composition rules, not common, not in a breach corpus, without your address, username, display name or the service’s name, not the current one. Compared after Unicode NFKC.',
        }
      : { minLength: 1 };
  return applyDecorators(
    ApiProperty({ format: 'password', maxLength: 128, example: 'c0rrect-Horse-battery', ...policy }),
    // A new password is kept in NFKC, as every hash is now made. A presented one stays in NFC, the form hashes were
    // made of before normalisation: the hasher tries NFKC first and that form second.
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize(kind === 'new' ? 'NFKC' : 'NFC') : value)),
    IsString(),
  );
}

/**
 * A BCP 47 language tag (`en-US`, not `en_US`), stored canonicalised (`EN-us` becomes `en-US`). `languages`: the
 * languages mails and pages are written in, for the documentation.
 */
export function IsLocaleTag(languages: readonly string[]): PropertyDecorator {
  return canonicalised('locale', canonicalLocale, 'locale must be a valid BCP 47 language tag such as en-US', {
    example: 'en-GB',
    pattern: '^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$',
    maxLength: 35,
    description: localeDescription(languages),
  });
}

/** What the OpenAPI document says of a `locale` field. */
export function localeDescription(languages: readonly string[]): string {
  return `BCP 47 language tag, stored canonicalised. Mails and pages are written in ${languages.join(', ')}: the tag or its base language (de-AT → de), else DEFAULT_LOCALE.`;
}

/** An IANA time zone name the runtime knows (Intl.supportedValuesOf('timeZone'), UTC, or an alias of one). */
export function IsTimeZone(): PropertyDecorator {
  return canonicalised('timezone', canonicalTimeZone, 'timezone must be a valid IANA time zone such as Europe/London', {
    example: 'Europe/London',
    pattern: '^[A-Za-z0-9_+\\-/]+$',
    maxLength: 64,
    description: 'IANA time zone name.',
  });
}

/** A string that has one canonical spelling: stored canonicalised, refused when it has none. */
function canonicalised(
  property: string,
  canonical: (value: string) => string | undefined,
  message: string,
  api: { example: string; description: string; pattern: string; maxLength: number },
): PropertyDecorator {
  return applyDecorators(
    ApiProperty(api),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (canonical(value.trim()) ?? value) : value)),
    IsString(),
    satisfies(property, (value) => canonical(value) === value, message),
  );
}

/** At most 280 characters; line breaks and tabs allowed, other control characters not; `null` passes (clears it). */
export function IsBio(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ maxLength: 280, nullable: true, required: false, example: 'Mathematician.' }),
    Transform(trimIfString),
    ValidateIf((_object, value) => value !== null),
    IsString(),
    codePointRange(0, 280, 'bio'),
    satisfies('bio', (value) => !hasControlCharacters(value.replace(/[\n\t]/g, '')), 'bio must not contain control characters other than line breaks and tabs'),
  );
}

function canonicalLocale(value: string): string | undefined {
  if (!/^[A-Za-z0-9-]+$/.test(value)) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}

// The runtime's zone list (it leaves out UTC), by lower-case name: a zone is stored in its IANA spelling.
let knownZones: Map<string, string> | undefined;

/**
 * A zone of Intl.supportedValuesOf('timeZone') (or UTC), in its own spelling; or another name the runtime knows (an
 * alias such as Europe/Kyiv where its ICU still calls it Europe/Kiev), kept as it was written.
 */
export function canonicalTimeZone(value: string): string | undefined {
  if (!/^[A-Za-z0-9_+\-/]+$/.test(value)) return undefined;
  knownZones ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));
  const known = knownZones.get(value.toLowerCase());
  if (known) return known;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value;
  } catch {
    return undefined;
  }
}

function satisfies(property: string, test: (value: string) => boolean, message: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: `${property}Format`,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate: (value: unknown) => typeof value !== 'string' || test(value), defaultMessage: () => message },
    });
}

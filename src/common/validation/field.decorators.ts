import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength, ValidateIf, type ValidationArguments, registerDecorator } from 'class-validator';
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
    ApiProperty({ pattern: USERNAME_PATTERN.source, minLength: 3, maxLength: 32, example: 'ada', nullable: true, required: false }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    ValidateIf((_object, value) => value !== null),
    IsString(),
    Matches(USERNAME_PATTERN, {
      message: 'username must be 3-32 characters of a-z, 0-9, ".", "_" or "-", starting and ending with a letter or digit',
    }),
  );
}

function codePointRange(min: number, max: number, property: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'codePointRange',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || (codePointLength(value) >= min && codePointLength(value) <= max),
        defaultMessage: (_args?: ValidationArguments) => `${property} must be ${min}-${max} characters long`,
      },
    });
}

function noControlCharacters(property: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'noControlCharacters',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacters(value),
        defaultMessage: () => `${property} must not contain control characters`,
      },
    });
}

/** 1–64 characters after trimming, no control characters; `null` passes (clears it). */
export function IsDisplayName(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: 64, example: 'Ada Lovelace', nullable: true, required: false }),
    Transform(trimIfString),
    ValidateIf((_object, value) => value !== null),
    IsString(),
    codePointRange(1, 64, 'displayName'),
    noControlCharacters('displayName'),
  );
}

/** A password as typed: a string, bounded so a huge body cannot make hashing expensive; the policy says the rest. */
export function IsPasswordInput(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'password', minLength: 1, maxLength: 1024, example: 'c0rrect-Horse-battery' }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC') : value)),
    IsString(),
    MinLength(1),
    MaxLength(1024),
  );
}

import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ApiInteger, ApiTimestamp, ApiUuid } from '#src/common/decorators/api-formats.decorator';

const NAME_RULE = /^[^\p{Cc}]*\S[^\p{Cc}]*$/u;

export class PasskeyDto {
  @ApiUuid()
  id: string;

  /** Its owner's name for it. @example "Laptop" */
  name: string;

  @ApiTimestamp()
  createdAt: string;

  /** The last sign-in or step-up with it; null until it is used. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  lastUsedAt: string | null;

  /** True for a synced passkey (backed up by its provider, usable on the owner's other devices). */
  backedUp: boolean;
}

/** What the browser's WebAuthn call answered, in its JSON form (`@simplewebauthn/browser` returns it as is). */
export class WebAuthnCredentialDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The PublicKeyCredential as JSON: `{ id, rawId, type: "public-key", response: { clientDataJSON, … }, clientExtensionResults }`.',
  })
  @IsObject()
  credential: Record<string, unknown>;
}

export class AddPasskeyDto extends WebAuthnCredentialDto {
  /** 1–64 characters; default "Passkey N". @example "Laptop" */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NAME_RULE, { message: '$property must not be blank or hold control characters' })
  name?: string;
}

export class RenamePasskeyDto {
  /** 1–64 characters. @example "Work phone" */
  @IsString()
  @Length(1, 64)
  @Matches(NAME_RULE, { message: '$property must not be blank or hold control characters' })
  name: string;
}

export class AddedPasskeyDto {
  passkey: PasskeyDto;

  /** Ten single-use codes, shown this once, when this is the account's first second factor; otherwise null. */
  recoveryCodes: string[] | null;
}

export class MfaTokenDto {
  /** From the sign-in's answer; omit it when the `mfa_token` cookie carries it (after a provider sign-in). */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  mfaToken?: string;
}

export class MfaPasskeyDto extends IntersectionType(MfaTokenDto, WebAuthnCredentialDto) {}

export class CredentialDescriptorDto {
  /** A credential id, base64url. */
  id: string;

  /** @example "public-key" */
  type: string;

  /** @example ["internal", "hybrid"] */
  transports?: string[];
}

export class RelyingPartyDto {
  /** WEBAUTHN_RP_ID. @example "localhost" */
  id?: string;

  /** WEBAUTHN_RP_NAME. @example "Profile service" */
  name: string;
}

export class WebAuthnUserDto {
  /** The user handle, base64url (the account id, no personal data). */
  id: string;

  /** The account's address. */
  name: string;

  displayName: string;
}

export class CredentialParameterDto {
  /** @example "public-key" */
  type: string;

  /** A COSE algorithm: -8 EdDSA, -7 ES256, -257 RS256. @example -7 */
  @ApiInteger(-7)
  alg: number;
}

export class AuthenticatorSelectionDto {
  /** @example "preferred" */
  residentKey?: string;

  /** @example "preferred" */
  userVerification?: string;

  /** @example false */
  requireResidentKey?: boolean;

  /** `platform` or `cross-platform`; absent: either. */
  authenticatorAttachment?: string;
}

/** `PublicKeyCredentialCreationOptionsJSON`: pass it to `startRegistration({ optionsJSON })` of `@simplewebauthn/browser`. */
export class PasskeyCreationOptionsDto {
  /** Single-use, valid for WEBAUTHN_CHALLENGE_TTL, for this session only. */
  challenge: string;

  rp: RelyingPartyDto;

  user: WebAuthnUserDto;

  pubKeyCredParams: CredentialParameterDto[];

  /** Milliseconds. @example 300000 */
  @ApiInteger(300000)
  timeout?: number;

  /** The account's passkeys, so an authenticator does not register twice. */
  excludeCredentials?: CredentialDescriptorDto[];

  authenticatorSelection?: AuthenticatorSelectionDto;

  /** @example "none" */
  attestation?: string;

  /** WebAuthn extensions asked for, such as `credProps`. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { credProps: true } })
  extensions?: object;

  /** Hints to the browser about the kind of authenticator (`security-key`, `client-device`, `hybrid`). */
  hints?: string[];
}

/** `PublicKeyCredentialRequestOptionsJSON`: pass it to `startAuthentication({ optionsJSON })` of `@simplewebauthn/browser`. */
export class PasskeyRequestOptionsDto {
  /** Single-use, valid for WEBAUTHN_CHALLENGE_TTL. */
  challenge: string;

  /** Milliseconds. @example 300000 */
  @ApiInteger(300000)
  timeout?: number;

  /** WEBAUTHN_RP_ID. @example "localhost" */
  rpId?: string;

  /** The account's passkeys; absent for a passwordless sign-in (any passkey of this site may answer). */
  allowCredentials?: CredentialDescriptorDto[];

  /** @example "required" */
  userVerification?: string;

  /** WebAuthn extensions asked for. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  extensions?: object;

  /** Hints to the browser about the kind of authenticator. */
  hints?: string[];
}

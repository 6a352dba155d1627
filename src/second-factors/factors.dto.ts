import { IsString, Length, Matches } from 'class-validator';
import { ApiInteger, ApiTimestamp } from '#src/common/decorators/api-formats.decorator';
import { PasskeyDto } from './passkeys/passkey.dto';

/** A second-factor code: the 6 digits of the authenticator app, or a recovery code (case and dashes do not matter). */
export function IsSecondFactorCode(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(6, 32)(target, key);
    Matches(/^[0-9A-Za-z -]+$/, { message: '$property must be a 6-digit code or a recovery code' })(target, key);
  };
}

export class SecondFactorCodeDto {
  /** @example "123456" */
  @IsSecondFactorCode()
  code: string;
}

export class TotpStatusDto {
  @ApiTimestamp()
  createdAt: string;
}

export class RecoveryCodesStatusDto {
  /** Codes not used yet. @example 10 */
  @ApiInteger(10)
  remaining: number;

  @ApiTimestamp()
  createdAt: string;
}

export class FactorsResponseDto {
  /** The authenticator app (TOTP), when two-step sign-in with one is on. */
  totp: TotpStatusDto | null;

  /** Oldest first. */
  passkeys: PasskeyDto[];

  recoveryCodes: RecoveryCodesStatusDto | null;
}

export class TotpEnrolmentDto {
  /** Base32; type it into the app if the QR code cannot be scanned. Shown this once. @example "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" */
  secret: string;

  /** `otpauth://totp/…` (SHA-1, 6 digits, 30 s), what the QR code holds. */
  otpauthUri: string;

  /** The otpauth URI as a PNG QR code (`data:image/png;base64,…`). */
  qrCode: string;

  /** Confirm with a code before this, or start again. */
  @ApiTimestamp()
  expiresAt: string;
}

export class ConfirmedFactorDto {
  /** Ten single-use codes, shown this once, when this is the account's first second factor; otherwise null. */
  recoveryCodes: string[] | null;
}

export class RecoveryCodesDto {
  /** Ten single-use codes, shown this once; the earlier set no longer works. */
  recoveryCodes: string[];
}

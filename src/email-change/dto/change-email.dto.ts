import { ApiProperty } from '@nestjs/swagger';
import { IsAccountEmail } from '#src/common/validation/field.decorators';
import { PendingEmailDto, ProfileResponseDto } from '#src/users/dto/profile-response.dto';

export class ChangeEmailDto {
  /** The new address. @example "ada.lovelace@example.org" */
  @IsAccountEmail()
  email: string;
}

/** 202: a link went to the new address; the address changes when it is followed. */
export class EmailChangePendingDto {
  @ApiProperty({ type: Boolean, enum: [true] })
  verificationRequired: true;

  /** The address waiting for verification. */
  pendingEmail: PendingEmailDto;
}

/** 200: mail is disabled (MAIL_ENABLED=false) and the change applied at once. */
export class EmailChangeAppliedDto {
  @ApiProperty({ type: Boolean, enum: [false] })
  verificationRequired: false;

  /** The updated profile. */
  user: ProfileResponseDto;
}

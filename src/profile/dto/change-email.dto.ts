import { IsAccountEmail } from '../../common/validation/field.decorators';
import { PendingEmailDto, ProfileResponseDto } from '../../users/dto/profile-response.dto';

export class ChangeEmailDto {
  /** The new address. */
  @IsAccountEmail()
  email: string;
}

export class EmailChangeResponseDto {
  /** true: a link went to the new address (202). false: mail is disabled and the change applied at once (200). */
  verificationRequired: boolean;

  /** With verificationRequired: the address waiting for verification. */
  pendingEmail?: PendingEmailDto;

  /** Without verificationRequired: the updated profile. */
  user?: ProfileResponseDto;
}

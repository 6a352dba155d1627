import { IsString } from 'class-validator';
import { ApiTimestamp } from '#src/common/decorators/api-formats.decorator';

export class CancelDeletionDto {
  /** The token of the cancel link mailed when the deletion was scheduled. */
  @IsString()
  token: string;
}

export class DeletionScheduledDto {
  @ApiTimestamp()
  deletionScheduledAt: string;

  /** When the account and everything of it go, unless the deletion is cancelled first. */
  @ApiTimestamp()
  deleteAt: string;
}

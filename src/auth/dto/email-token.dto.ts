import { IsString, Length } from 'class-validator';

export class EmailTokenDto {
  /** The token from the mailed link. */
  @IsString()
  @Length(16, 256)
  token: string;
}

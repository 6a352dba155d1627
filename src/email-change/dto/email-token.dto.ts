import { IsString } from 'class-validator';

export class EmailTokenDto {
  /** The token from the mailed link; any other string is 400 `EMAIL_TOKEN_INVALID`. */
  @IsString()
  token: string;
}

import { ApiInteger } from '../../common/decorators/api-formats.decorator';
import { IsAccountEmail, IsPasswordInput } from '../../common/validation/field.decorators';
import { ProfileResponseDto } from '../../users/dto/profile-response.dto';

export class LoginDto {
  /** Compared case-insensitively. */
  @IsAccountEmail()
  email: string;

  @IsPasswordInput('current')
  password: string;
}

export class TokenResponseDto {
  /** Signed JWT (`typ: at+jwt`); also set as the `access_token` cookie. */
  accessToken: string;

  /** Opaque, single-use: every refresh rotates it. Also set as the `refresh_token` cookie. */
  refreshToken: string;

  /** @example "Bearer" */
  tokenType: 'Bearer';

  /** Seconds until the access token expires. @example 900 */
  @ApiInteger(900)
  expiresIn: number;

  user: ProfileResponseDto;
}

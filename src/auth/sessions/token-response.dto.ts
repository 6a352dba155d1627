import { ApiInteger } from '#src/common/decorators/api-formats.decorator';
import { ProfileResponseDto } from '#src/users/dto/profile-response.dto';

/** The answer of every route that opens or renews a session. */
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

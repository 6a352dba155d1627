import { IsOptional, IsString } from 'class-validator';

export class RefreshTokenDto {
  /** The refresh token; may be omitted when the `refresh_token` cookie is sent. Any other string is 401 `REFRESH_TOKEN_INVALID`. */
  @IsOptional()
  @IsString()
  refreshToken?: string;
}

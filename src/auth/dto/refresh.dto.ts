import { IsOptional, IsString, MaxLength } from 'class-validator';

export class RefreshTokenDto {
  /** The refresh token; may be omitted when the `refresh_token` cookie is sent. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  refreshToken?: string;
}

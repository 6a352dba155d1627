import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class OidcProviderDto {
  /** The id used in the routes. @example "google" */
  id: string;

  /** What a login page shows. @example "Google" */
  name: string;
}

export class OidcRedirectDto {
  /**
   * Where the browser goes after the provider: a URL on OIDC_REDIRECT_ALLOWLIST (default: OIDC_DEFAULT_REDIRECT).
   * @example "https://app.example.com/settings"
   */
  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  redirect?: string;
}

export class AuthorizationUrlResponseDto {
  /** Open this URL in the browser (same browser: the flow is bound to it by the `oidc_flow` cookie). */
  authorizationUrl: string;
}

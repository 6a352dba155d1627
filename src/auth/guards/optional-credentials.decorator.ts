import { ApiExtension } from '@nestjs/swagger';

/** Where @OptionalCredentials() leaves its schemes for the OpenAPI document (src/openapi/exact-document.ts). */
export const OPTIONAL_CREDENTIALS_EXTENSION = 'x-optional-credentials';

export const REFRESH_COOKIE_SECURITY = 'refresh-cookie';

/**
 * Documents a public route that reads a credential when one is sent (refresh and logout: the refresh token
 * from the body or its cookie): its security is "nothing, or one of these".
 */
export function OptionalCredentials(...schemes: string[]): MethodDecorator {
  return ApiExtension(OPTIONAL_CREDENTIALS_EXTENSION, schemes);
}

import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../../common/errors/error-body.dto';

export const REQUIRES_STEP_UP = 'requiresStepUp';
export const STEP_UP_SECURITY = 'step-up';

/** The route needs a fresh re-authentication; documents the 401 STEP_UP_REQUIRED in Swagger too. */
export function RequiresStepUp(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRES_STEP_UP, true),
    ApiSecurity(STEP_UP_SECURITY),
    ApiUnauthorizedResponse({
      type: ErrorBodyDto,
      description:
        'AUTHENTICATION_REQUIRED, ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED or SESSION_REVOKED; STEP_UP_REQUIRED (with `WWW-Authenticate: Bearer error="insufficient_user_authentication"`) when no valid step-up token of this user and session is sent in `X-Step-Up-Token` or the `step_up_token` cookie.',
    }),
  );
}

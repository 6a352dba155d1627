import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';
import { AccessGuard } from './access.guard';
import { StepUpGuard } from './step-up.guard';

export const BEARER_SECURITY = 'bearer';
export const ACCESS_COOKIE_SECURITY = 'access-cookie';

/**
 * Class-level: every route of the controller needs an access token (unless marked @Public()), and
 * @RequiresStepUp() routes a step-up token too.
 */
export function Authenticated(): ClassDecorator {
  return applyDecorators(
    UseGuards(AccessGuard, StepUpGuard),
    ApiBearerAuth(BEARER_SECURITY),
    // The 401 codes of an access token are added to each operation by the document (src/openapi).
    ApiCookieAuth(ACCESS_COOKIE_SECURITY),
  );
}

import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../../common/errors/error-body.dto';
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
    ApiCookieAuth(ACCESS_COOKIE_SECURITY),
    ApiUnauthorizedResponse({
      type: ErrorBodyDto,
      description: 'AUTHENTICATION_REQUIRED, ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED or SESSION_REVOKED.',
    }),
  );
}

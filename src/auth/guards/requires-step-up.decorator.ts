import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const REQUIRES_STEP_UP = 'requiresStepUp';
export const STEP_UP_SECURITY = 'step-up';

/** The route needs a fresh re-authentication; the document adds its 401 STEP_UP_REQUIRED (src/openapi). */
export function RequiresStepUp(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(REQUIRES_STEP_UP, true), ApiSecurity(STEP_UP_SECURITY));
}

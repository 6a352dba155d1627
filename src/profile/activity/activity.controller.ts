import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ActivityService } from './activity.service';
import { SecurityEventsPageDto, SecurityEventsQueryDto } from './security-events.dto';

@ApiTags('activity')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/security-events')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @ApiOperation({
    summary: 'My security log, newest first',
    description:
      'Sign-ins and failed sign-ins, step-ups, password, email, session, provider and export events, each with the IP and user agent the service saw. Kept `SECURITY_EVENT_RETENTION` (365 days by default). Page with `next` as `before`.',
  })
  @ApiErrors('VALIDATION_FAILED')
  @Get()
  listMySecurityEvents(@CurrentAuth() auth: AuthContext, @Query() query: SecurityEventsQueryDto): Promise<SecurityEventsPageDto> {
    return this.activity.listMyEvents(auth.userId, query.limit, query.before);
  }
}

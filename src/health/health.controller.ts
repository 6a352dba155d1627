import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { AppError } from '../common/errors/app-error';
import { ErrorBodyDto } from '../common/errors/error-body.dto';
import { HealthService } from './health.service';

export class HealthChecksDto {
  /** @example "up" */
  database: 'up' | 'down';

  /** Present with BROKER_URL. A broker that is down does not stop the service: events wait in the outbox. @example "up" */
  broker?: 'up' | 'down';
}

export class HealthResponseDto {
  /** `degraded` while the broker is down (events are delivered once it is back). @example "ok" */
  status: 'ok' | 'degraded';

  checks: HealthChecksDto;
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @ApiOperation({ summary: 'Liveness and dependencies', description: '503 only when the database is down; a broker outage is `status: "degraded"` with 200.' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: '`SERVICE_UNAVAILABLE`, with `details.checks` naming what is down.' })
  @Get()
  async getHealth(): Promise<HealthResponseDto> {
    const checks = await this.health.check();
    if (checks.database === 'down') throw new AppError('SERVICE_UNAVAILABLE', 'A dependency is down.', { checks });
    return { status: checks.broker === 'down' ? 'degraded' : 'ok', checks };
  }
}

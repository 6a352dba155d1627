import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { AppError } from '#src/common/errors/app-error';
import { HealthResponseDto } from './health-response.dto';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@ServiceContract()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @ApiOperation({
    summary: 'Liveness and dependencies',
    description:
      '503 SERVICE_UNAVAILABLE, with `details.checks` naming what is down, only when the database is down; a broker outage is `status: "degraded"` with 200.',
  })
  @ApiErrors('SERVICE_UNAVAILABLE')
  @Get()
  async getHealth(): Promise<HealthResponseDto> {
    const checks = await this.health.check();
    if (checks.database === 'down') throw new AppError('SERVICE_UNAVAILABLE', 'A dependency is down.', { checks });
    return { status: checks.broker === 'down' ? 'degraded' : 'ok', checks };
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { AppError } from '../common/errors/app-error';
import { ErrorBodyDto } from '../common/errors/error-body.dto';
import { HealthService } from './health.service';

export class HealthChecksDto {
  /** @example "up" */
  database: 'up' | 'down';
}

export class HealthResponseDto {
  /** @example "ok" */
  status: 'ok';

  checks: HealthChecksDto;
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @ApiOperation({ summary: 'Liveness and dependencies' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: '`SERVICE_UNAVAILABLE`, with `details.checks` naming what is down.' })
  @Get()
  async getHealth(): Promise<HealthResponseDto> {
    const database = await this.health.checkDatabase();
    if (database === 'down') throw new AppError('SERVICE_UNAVAILABLE', 'A dependency is down.', { checks: { database } });
    return { status: 'ok', checks: { database } };
  }
}

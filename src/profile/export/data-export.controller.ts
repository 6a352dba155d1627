import { ServiceContract } from '../../common/http/service-contract.decorator';
import { Controller, Get, Req, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../auth/guards/auth-context';
import { Authenticated } from '../../auth/guards/authenticated.decorator';
import { CurrentAuth } from '../../auth/guards/current-auth.decorator';
import { RequiresStepUp } from '../../auth/guards/requires-step-up.decorator';
import { ApiErrors } from '../../common/errors/api-errors.decorator';
import { requestOrigin } from '../../common/http/client-ip';
import { DataExportService } from './data-export.service';

@ApiTags('profile')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/export')
export class DataExportController {
  constructor(private readonly exports: DataExportService) {}

  @ApiOperation({
    summary: 'Download everything the service holds about me (step-up)',
    description:
      'One JSON document, sent as an attachment (`profile-export-<date>.json`): the profile (with the pending email change, linked providers and avatar URLs), every session, the whole security log and the second factors (names and dates only). No secret, nothing of another user. Limited per account (`EXPORT_RATE_LIMIT`, default 3 an hour); each export is itself in the security log (`data_exported`).',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'The export document.', schema: { type: 'object' } })
  @ApiErrors('TOO_MANY_REQUESTS')
  @RequiresStepUp()
  @Get()
  async exportMyData(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<StreamableFile> {
    const { filename, body } = await this.exports.exportMyData(auth, requestOrigin(request));
    return new StreamableFile(body, { type: 'application/json; charset=utf-8', disposition: `attachment; filename="${filename}"` });
  }
}

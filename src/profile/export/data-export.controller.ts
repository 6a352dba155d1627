import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Get, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { RequiresStepUp } from '#src/auth/guards/requires-step-up.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
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
  async exportMyData(@CurrentAuth() auth: AuthContext, @ClientOrigin() origin: ClientOrigin): Promise<StreamableFile> {
    const { filename, body } = await this.exports.exportMyData(auth, origin);
    return new StreamableFile(body, { type: 'application/json; charset=utf-8', disposition: `attachment; filename="${filename}"` });
  }
}

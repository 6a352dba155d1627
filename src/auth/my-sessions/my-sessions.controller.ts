import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../guards/auth-context';
import { Authenticated } from '../guards/authenticated.decorator';
import { CurrentAuth } from '../guards/current-auth.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { SessionResponseDto } from './session-response.dto';
import { MySessionsService } from './my-sessions.service';

@ApiTags('sessions')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/sessions')
export class MySessionsController {
  constructor(private readonly mySessions: MySessionsService) {}

  @ApiOperation({ summary: 'List my live sessions, newest first' })
  @Get()
  listMySessions(@CurrentAuth() auth: AuthContext): Promise<SessionResponseDto[]> {
    return this.mySessions.listSessions(auth.userId, auth.sessionId);
  }

  @ApiOperation({
    summary: 'End every session except this one',
    description: 'Their access and refresh tokens fail at once; a pending email change is cancelled, and the owner is mailed the providers that still sign in.',
  })
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeMyOtherSessions(@CurrentAuth() auth: AuthContext, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.mySessions.revokeOtherSessions(auth, origin);
  }

  @ApiOperation({ summary: 'End one of my sessions', description: 'Its tokens fail at once. 404 for an unknown id or another user’s session.' })
  @ApiErrors('NOT_FOUND')
  @ApiParam({ name: 'id', format: 'uuid', description: 'A session id from the list.' })
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeMySession(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @ClientOrigin() origin: ClientOrigin): Promise<void> {
    await this.mySessions.revokeSession(auth.userId, id, origin);
  }
}

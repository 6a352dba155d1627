import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, Delete, HttpCode, HttpStatus, Post, Put, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EmailChangeService } from './email-change.service';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { RequiresStepUp } from '#src/auth/guards/requires-step-up.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ProfileMapper } from '#src/users/profile.mapper';
import { ChangeEmailDto, EmailChangeAppliedDto, EmailChangePendingDto } from './dto/change-email.dto';

@ApiTags('email')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/email')
export class EmailChangeController {
  constructor(
    private readonly emailChange: EmailChangeService,
    private readonly profiles: ProfileMapper,
  ) {}

  @ApiOperation({
    summary: 'Change my email address (step-up)',
    description: [
      'With mail enabled: 202, a single-use link goes to the new address and the address changes only when it is followed; a new request supersedes the previous one. An address that belongs to another account gets the same 202 (its owner is told by mail), so the answer reveals nothing.',
      'If the mail cannot be sent: 503 MAIL_UNAVAILABLE and nothing is stored (an earlier pending change stays as it was); the request can simply be repeated.',
      'With MAIL_ENABLED=false: 200 and the change applies at once (409 EMAIL_TAKEN when the address is taken).',
      'Accepted requests are limited per account and per target address (EMAIL_RATE_LIMIT).',
    ].join('\n\n'),
  })
  @ApiAcceptedResponse({ type: EmailChangePendingDto, description: 'Verification mailed: `{ verificationRequired: true, pendingEmail }`.' })
  @ApiOkResponse({ type: EmailChangeAppliedDto, description: 'Mail disabled, applied: `{ verificationRequired: false, user }`.' })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TAKEN', 'EMAIL_UNCHANGED', 'TOO_MANY_REQUESTS', 'MAIL_UNAVAILABLE')
  @RequiresStepUp()
  @Put()
  async changeMyEmail(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: ChangeEmailDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<EmailChangeAppliedDto | EmailChangePendingDto> {
    const result = await this.emailChange.requestChange(auth.user, dto.email, origin, auth.stepUp?.amr ?? []);
    if (!result.verificationRequired) return { verificationRequired: false, user: this.profiles.toResponse(result.user, auth.identities) };
    void reply.status(HttpStatus.ACCEPTED);
    return { verificationRequired: true, pendingEmail: { email: result.pendingEmail.email, expiresAt: result.pendingEmail.expiresAt.toISOString() } };
  }

  @ApiOperation({
    summary: 'Send my pending email change’s link again',
    description: 'A new link goes to the pending address and the previous one stops working; 404 when nothing is pending. Counts in EMAIL_RATE_LIMIT.',
  })
  @ApiAcceptedResponse({ description: 'Mailed.' })
  @ApiErrors('NOT_FOUND', 'TOO_MANY_REQUESTS', 'MAIL_UNAVAILABLE')
  @Post('pending/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  async resendMyPendingEmail(@CurrentAuth() auth: AuthContext): Promise<void> {
    await this.emailChange.resendPendingChange(auth.user);
  }

  @ApiOperation({ summary: 'Cancel my pending email change', description: 'The pending link stops working. 204 also when nothing is pending.' })
  @Delete('pending')
  @HttpCode(HttpStatus.NO_CONTENT)
  async cancelMyPendingEmail(@CurrentAuth() auth: AuthContext): Promise<void> {
    await this.emailChange.cancelPendingChange(auth.userId);
  }
}

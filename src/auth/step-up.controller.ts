import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { requestOrigin } from '../common/http/client-ip';
import { StepUpDto, StepUpResponseDto } from './dto/step-up.dto';
import type { AuthContext } from './guards/auth-context';
import { Authenticated } from './guards/authenticated.decorator';
import { CurrentAuth } from './guards/current-auth.decorator';
import { AuthIpRateLimitGuard } from './rate-limit/auth-ip-rate-limit.guard';
import { StepUpService } from './step-up.service';
import { AuthCookies } from './tokens/auth-cookies';

@ApiTags('auth')
@Authenticated()
@Controller('auth/step-up')
export class StepUpController {
  constructor(
    private readonly stepUp: StepUpService,
    private readonly cookies: AuthCookies,
  ) {}

  @ApiOperation({
    summary: 'Re-authenticate with the password (step-up)',
    description: 'Returns a short-lived step-up token bound to this user and session, and sets the `step_up_token` cookie.',
  })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'NO_PASSWORD', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post()
  @HttpCode(HttpStatus.OK)
  async stepUpWithPassword(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: StepUpDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StepUpResponseDto> {
    const issued = await this.stepUp.stepUpWithPassword(auth, dto.password, requestOrigin(request));
    this.cookies.setStepUp(reply, issued.token, issued.expiresIn);
    return { stepUpToken: issued.token, expiresIn: issued.expiresIn };
  }
}

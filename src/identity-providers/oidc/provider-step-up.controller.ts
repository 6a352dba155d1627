import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { AuthorizationUrlResponseDto, OidcRedirectDto } from './oidc.dto';
import { OidcFlowCookie } from './oidc-flow-cookie';
import { OidcFlowStarter } from './oidc-flow-starter.service';

/**
 * A step-up through a linked provider starts a provider flow, so it lives with the flows; its callback issues the
 * token through the step-up module like every other step-up.
 */
@ApiTags('auth')
@Authenticated()
@ServiceContract()
@Controller('auth/step-up')
export class ProviderStepUpController {
  constructor(
    private readonly oidcFlows: OidcFlowStarter,
    private readonly flowCookie: OidcFlowCookie,
  ) {}

  @ApiOperation({
    summary: 'Re-authenticate through a linked identity provider (step-up)',
    description: [
      'The way an account without a password steps up (an account with a second factor steps up with that: 401 SECOND_FACTOR_REQUIRED). Returns the provider URL to open in this browser (`prompt=login`, `max_age=0`); the callback checks that the provider authenticated the linked identity after this call, sets the `step_up_token` cookie for this session and redirects to `redirect` (allow-listed) or OIDC_DEFAULT_REDIRECT.',
      'Also sets the `oidc_flow` cookie that binds the flow to this browser.',
    ].join('\n\n'),
  })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'PROVIDER_NOT_LINKED', 'SECOND_FACTOR_REQUIRED', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('oidc/:provider')
  @HttpCode(HttpStatus.OK)
  async stepUpWithProvider(
    @CurrentAuth() auth: AuthContext,
    @Param('provider') providerId: string,
    @Body() dto: OidcRedirectDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthorizationUrlResponseDto> {
    return { authorizationUrl: await this.oidcFlows.stepUp(auth, this.flowCookie.flowRequest(providerId, dto.redirect, request, reply)) };
  }
}

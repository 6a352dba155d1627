import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationUrlResponseDto, OidcRedirectDto } from '../oidc/oidc.dto';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { RequiresStepUp } from '#src/auth/guards/requires-step-up.decorator';
import { OidcFlowCookie } from '../oidc/oidc-flow-cookie';
import { OidcFlowStarter } from '../oidc/oidc-flow-starter.service';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ProfileResponseDto } from '#src/users/dto/profile-response.dto';
import { ProfileMapper } from '#src/users/profile.mapper';
import { LinkedProvidersService } from './linked-providers.service';

@ApiTags('providers')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/providers')
export class LinkedProvidersController {
  constructor(
    private readonly starter: OidcFlowStarter,
    private readonly flowCookie: OidcFlowCookie,
    private readonly linked: LinkedProvidersService,
    private readonly mapper: ProfileMapper,
  ) {}

  @ApiOperation({
    summary: 'Link an identity provider to my account (step-up)',
    description: [
      'Returns the provider URL to open in this browser (it also sets the `oidc_flow` cookie that binds the flow to it). When the provider sends the browser back, the identity is linked to this account and the browser goes to `redirect` (allow-listed) or OIDC_DEFAULT_REDIRECT; a "sign-in method added" mail goes out.',
      'Whether the identity already belongs to another account is known only then: the callback redirects with `error=identity_in_use` and links nothing.',
    ].join('\n\n'),
  })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'PROVIDER_ALREADY_LINKED', 'SERVICE_UNAVAILABLE')
  @RequiresStepUp()
  @Post(':provider')
  @HttpCode(HttpStatus.OK)
  async linkProvider(
    @CurrentAuth() auth: AuthContext,
    @Param('provider') providerId: string,
    @Body() dto: OidcRedirectDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthorizationUrlResponseDto> {
    return { authorizationUrl: await this.starter.link(auth, this.flowCookie.flowRequest(providerId, dto.redirect, request, reply)) };
  }

  @ApiOperation({
    summary: 'Unlink an identity provider (step-up)',
    description:
      'Refused with 409 LAST_LOGIN_METHOD when it is the only way left to sign in (no password, no other provider): set a password with PUT /api/auth/users/me/password or link another provider first. A "sign-in method removed" mail goes out.',
  })
  @ApiErrors('NOT_FOUND', 'LAST_LOGIN_METHOD')
  @RequiresStepUp()
  @Delete(':provider')
  async unlinkProvider(
    @CurrentAuth() auth: AuthContext,
    @Param('provider') providerId: string,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<ProfileResponseDto> {
    const identities = await this.linked.unlink(auth.user, providerId, origin);
    return this.mapper.toResponse(auth.user, identities);
  }
}

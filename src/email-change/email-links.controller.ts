import { ServiceContract } from '../common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { EmailTokenDto } from './dto/email-token.dto';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { Public } from '../common/decorators/public.decorator';
import { requestOrigin } from '../common/http/client-ip';
import { AuthIpRateLimitGuard } from '../rate-limit/auth-ip-rate-limit.guard';
import { ProfileResponseDto } from '../users/dto/profile-response.dto';
import { ProfileMapper } from '../users/profile.mapper';
import { EmailChangeService } from './email-change.service';

/** The tokens of mailed links, posted by their pages (or a client): no access token, rate-limited per IP. */
@ApiTags('email')
@Public()
@ServiceContract()
@Controller('auth')
export class EmailLinksController {
  constructor(
    private readonly emailChange: EmailChangeService,
    private readonly profiles: ProfileMapper,
  ) {}

  @ApiOperation({
    summary: 'Confirm an email address with the token from the mailed link',
    description: 'Confirms the registration address, or applies a pending email change (the old address then gets a notice with a revert link).',
  })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'EMAIL_TAKEN', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('email/verify')
  @HttpCode(HttpStatus.OK)
  async verifyEmail(@Body() dto: EmailTokenDto, @Req() request: FastifyRequest): Promise<ProfileResponseDto> {
    return this.profiles.present(await this.emailChange.verify(dto.token, requestOrigin(request)));
  }

  @ApiOperation({
    summary: 'Undo an email change with the token mailed to the old address',
    description: 'The old address comes back, verified; every session of the account ends; the user is told to choose a new password.',
  })
  @ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'EMAIL_TAKEN', 'TOO_MANY_REQUESTS')
  @UseGuards(AuthIpRateLimitGuard)
  @Post('email/revert')
  @HttpCode(HttpStatus.OK)
  async revertEmail(@Body() dto: EmailTokenDto, @Req() request: FastifyRequest): Promise<ProfileResponseDto> {
    return this.profiles.present(await this.emailChange.revert(dto.token, requestOrigin(request)));
  }
}

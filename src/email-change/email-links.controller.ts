import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EmailTokenDto } from './dto/email-token.dto';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { Public } from '#src/common/decorators/public.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { AuthIpRateLimitGuard } from '#src/rate-limit/auth-ip-rate-limit.guard';
import { ProfileResponseDto } from '#src/users/dto/profile-response.dto';
import { ProfileMapper } from '#src/users/profile.mapper';
import { EmailChangeService } from './email-change.service';

/** A POST of a mailed link's token: 200 with the profile, limited per IP. */
function LinkTokenRoute(path: string, summary: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary, description }),
    ApiErrors('VALIDATION_FAILED', 'EMAIL_TOKEN_INVALID', 'EMAIL_TAKEN', 'TOO_MANY_REQUESTS'),
    UseGuards(AuthIpRateLimitGuard),
    Post(path),
    HttpCode(HttpStatus.OK),
  );
}

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

  @LinkTokenRoute(
    'email/verify',
    'Confirm an email address with the token from the mailed link',
    'Confirms the registration address, or applies a pending email change (the old address then gets a notice with a revert link).',
  )
  async verifyEmail(@Body() dto: EmailTokenDto, @ClientOrigin() origin: ClientOrigin): Promise<ProfileResponseDto> {
    return this.profiles.present(await this.emailChange.verify(dto.token, origin));
  }

  @LinkTokenRoute(
    'email/revert',
    'Undo an email change with the token mailed to the old address',
    'The old address comes back, verified; every session of the account ends; the user is told to choose a new password.',
  )
  async revertEmail(@Body() dto: EmailTokenDto, @ClientOrigin() origin: ClientOrigin): Promise<ProfileResponseDto> {
    return this.profiles.present(await this.emailChange.revert(dto.token, origin));
  }
}

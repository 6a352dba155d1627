import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Put, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { RequiresStepUp } from '#src/auth/guards/requires-step-up.decorator';
import { AuthCookies } from '#src/auth/tokens/auth-cookies';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ClientOrigin } from '#src/common/http/client-origin.decorator';
import { ProfileResponseDto } from '#src/users/dto/profile-response.dto';
import { ProfileMapper } from '#src/users/profile.mapper';
import { AccountDeletionService } from './account-deletion.service';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { ProfileService } from './profile.service';

@ApiTags('profile')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me')
export class ProfileController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly accountDeletion: AccountDeletionService,
    private readonly cookies: AuthCookies,
    private readonly mapper: ProfileMapper,
  ) {}

  @ApiOperation({ summary: 'Read my profile' })
  @Get()
  getMyProfile(@CurrentAuth() auth: AuthContext): ProfileResponseDto {
    return this.mapper.toResponse(auth.user, auth.identities);
  }

  @ApiOperation({
    summary: 'Change my profile fields',
    description:
      'Any subset of username, displayName, bio, locale, timezone. Absent fields stay unchanged; `null` clears username, displayName or bio. Unknown and forbidden fields (email, password, id, roles, …) answer 400 and change nothing.',
  })
  @ApiErrors('VALIDATION_FAILED', 'USERNAME_TAKEN')
  @Put()
  async updateMyProfile(@CurrentAuth() auth: AuthContext, @Body() dto: UpdateProfileDto, @ClientOrigin() origin: ClientOrigin): Promise<ProfileResponseDto> {
    return this.mapper.toResponse(await this.profiles.updateProfile(auth.user, dto, origin), auth.identities);
  }

  @ApiOperation({
    summary: 'Delete my account (step-up)',
    description:
      'Removes the user and every row of theirs, ends all sessions, clears the three token cookies; the email and username can be registered again. A goodbye mail is sent.',
  })
  @RequiresStepUp()
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteMyAccount(@CurrentAuth() auth: AuthContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.accountDeletion.deleteAccount(auth.user);
    this.cookies.clearAll(reply);
  }
}

import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Put, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { AccountDeletionService } from './deletion/account-deletion.service';
import { DeletionScheduledDto } from './deletion/deletion.dto';
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
      'With `ACCOUNT_DELETION_GRACE=0` (the default): 204, the user and every row of theirs are removed, every session ends, the three token cookies are cleared; the email and username can be registered again; a goodbye mail is sent. With a grace: 202 `{ deletionScheduledAt, deleteAt }`, every session ends and the cookies are cleared, a mail carries a cancel link, the address and username stay held; signing in again shows `deletionScheduled` and `POST /api/auth/users/me/deletion/cancel` keeps the account. Asked again during the grace: 202 with the first dates.',
  })
  @ApiNoContentResponse({ description: 'Deleted at once (no grace).' })
  @ApiAcceptedResponse({ type: DeletionScheduledDto, description: 'Scheduled: deleted at `deleteAt` unless cancelled.' })
  @RequiresStepUp()
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteMyAccount(
    @CurrentAuth() auth: AuthContext,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientOrigin() origin: ClientOrigin,
  ): Promise<DeletionScheduledDto | undefined> {
    const scheduled = await this.accountDeletion.requestDeletion(auth.user, origin);
    this.cookies.clearAll(reply);
    if (!scheduled) return undefined;
    void reply.status(HttpStatus.ACCEPTED);
    return { deletionScheduledAt: scheduled.deletionScheduledAt.toISOString(), deleteAt: scheduled.deleteAt.toISOString() };
  }
}

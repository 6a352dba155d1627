import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Delete, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { Authenticated } from '#src/auth/guards/authenticated.decorator';
import { CurrentAuth } from '#src/auth/guards/current-auth.decorator';
import { AcceptsMultipart } from './avatar-upload';
import { AvatarUploadRateLimitGuard } from './avatar-upload-rate-limit.guard';
import { AvatarService } from './avatar.service';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import { ProfileResponseDto } from '#src/users/dto/profile-response.dto';
import { ProfileMapper } from '#src/users/profile.mapper';

@ApiTags('avatar')
@Authenticated()
@ServiceContract()
@Controller('auth/users/me/avatar')
export class MyAvatarController {
  constructor(
    private readonly avatars: AvatarService,
    private readonly mapper: ProfileMapper,
  ) {}

  @ApiOperation({
    summary: 'Upload my avatar',
    description:
      'multipart/form-data with one part named `file`: JPEG, PNG, WebP, GIF (first frame) or AVIF, recognised by its bytes. Stored as square, centre-cropped, upright WebP renditions with all metadata removed. A failed upload leaves the previous avatar untouched. Limited per account (`AVATAR_RATE_LIMIT`, 429); while the pipeline is full (`AVATAR_MAX_IN_FLIGHT`) an upload answers 503 with `Retry-After`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiErrors('VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'INVALID_IMAGE', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE')
  @AcceptsMultipart()
  @UseGuards(AvatarUploadRateLimitGuard)
  @Put()
  async uploadMyAvatar(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<ProfileResponseDto> {
    return this.mapper.toResponse(await this.avatars.uploadAvatar(auth.userId, request), auth.identities);
  }

  @ApiOperation({ summary: 'Remove my avatar', description: 'Idempotent: answers the profile with `avatar: null`.' })
  @Delete()
  async removeMyAvatar(@CurrentAuth() auth: AuthContext): Promise<ProfileResponseDto> {
    return this.mapper.toResponse(await this.avatars.removeAvatar(auth.user), auth.identities);
  }
}

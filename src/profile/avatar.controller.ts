import { Controller, Delete, Inject, Put, Req } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/guards/auth-context';
import { Authenticated } from '../auth/guards/authenticated.decorator';
import { CurrentAuth } from '../auth/guards/current-auth.decorator';
import { AcceptsMultipart, readAvatarUpload } from '../avatar/avatar-upload';
import { AvatarService } from '../avatar/avatar.service';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { avatarConfig } from '../config/avatar.config';
import { ProfileResponseDto } from '../users/dto/profile-response.dto';
import { ProfileMapper } from '../users/profile.mapper';

@ApiTags('profile')
@Authenticated()
@Controller('auth/users/me/avatar')
export class AvatarController {
  constructor(
    private readonly avatars: AvatarService,
    private readonly mapper: ProfileMapper,
    @Inject(avatarConfig.KEY) private readonly config: ConfigType<typeof avatarConfig>,
  ) {}

  @ApiOperation({
    summary: 'Upload my avatar',
    description:
      'multipart/form-data with one part named `file`: JPEG, PNG, WebP, GIF (first frame) or AVIF, recognised by its bytes. Stored as square, centre-cropped, upright WebP renditions with all metadata removed. A failed upload leaves the previous avatar untouched.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiErrors('VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'INVALID_IMAGE', 'SERVICE_UNAVAILABLE')
  @AcceptsMultipart()
  @Put()
  async uploadMyAvatar(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest): Promise<ProfileResponseDto> {
    const upload = await readAvatarUpload(request, this.config.maxBytes);
    return this.mapper.toResponse(await this.avatars.replaceAvatar(auth.userId, upload), auth.identities);
  }

  @ApiOperation({ summary: 'Remove my avatar', description: 'Idempotent: answers the profile with `avatar: null`.' })
  @Delete()
  async removeMyAvatar(@CurrentAuth() auth: AuthContext): Promise<ProfileResponseDto> {
    return this.mapper.toResponse(await this.avatars.removeAvatar(auth.user), auth.identities);
  }
}

import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/errors/api-errors.decorator';
import type { FastifyReply } from 'fastify';
import { Public } from '#src/common/decorators/public.decorator';
import { AppError } from '#src/common/errors/app-error';
import { isUuid } from '#src/common/validation/uuid';
import { AvatarService } from './avatar.service';

const FILE = /^(\d{1,4})\.webp$/;

/** True when an If-None-Match header lists this ETag (or `*`). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => ['*', etag, `W/${etag}`].includes(candidate.trim()));
}

/** Public avatar images: immutable per URL, since every upload gets a new version. */
@ApiTags('avatar')
@Public()
@ServiceContract()
@Controller('avatars')
export class AvatarsController {
  constructor(private readonly avatars: AvatarService) {}

  @ApiOperation({
    summary: 'An avatar rendition (no authentication)',
    description:
      'Cached for a year (immutable); ETag and 304 on If-None-Match. 404 NOT_FOUND for an unknown user, version or size, and for a replaced or deleted avatar.',
  })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiParam({ name: 'version', description: "From the profile's avatar URLs: every upload has a new one." })
  @ApiParam({ name: 'file', enum: ['64.webp', '256.webp', '512.webp'], description: 'The rendition (the sizes of AVATAR_SIZES; these are the defaults).' })
  @ApiOkResponse({ description: 'The WebP image.', content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match named this ETag.' })
  @ApiErrors('NOT_FOUND')
  @Get(':userId/:version/:file')
  async getAvatar(
    @Param('userId') userId: string,
    @Param('version') version: string,
    @Param('file') file: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const size = FILE.exec(file);
    const image = isUuid(userId) && size ? await this.avatars.readRendition(userId, version, Number(size[1])) : null;
    if (!image) throw new AppError('NOT_FOUND', 'No such avatar.');
    const etag = `"${version}-${size?.[1]}"`;
    // Public images: a front end on another origin must be able to show them (the default policy is same-origin).
    void reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', etag).header('cross-origin-resource-policy', 'cross-origin');
    if (matches(ifNoneMatch, etag)) {
      await reply.status(304).send();
      return;
    }
    await reply.status(200).type('image/webp').send(image);
  }
}

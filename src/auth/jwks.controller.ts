import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { SigningKeysService } from './keys/signing-keys.service';

export class JwksResponseDto {
  /** Public signing keys (JWK), each with `kid`, `alg` and `use: sig`. */
  keys: Record<string, unknown>[];
}

/** Outside /api: other services fetch the public keys here to verify access tokens themselves. */
@ApiTags('keys')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  getJwks(): JwksResponseDto {
    return this.keys.jwks();
  }
}

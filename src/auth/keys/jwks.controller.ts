import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JWK } from 'jose';
import { Public } from '#src/common/decorators/public.decorator';
import { JwksResponseDto } from './jwks-response.dto';
import { SigningKeysService } from './signing-keys.service';

/** Outside /api: other services fetch the public keys here to verify access tokens themselves. */
@ApiTags('keys')
@Public()
@ServiceContract()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  @ApiOkResponse({ type: JwksResponseDto })
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  getJwks(): { keys: JWK[] } {
    return this.keys.jwks();
  }
}

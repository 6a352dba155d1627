import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsString, MaxLength } from 'class-validator';
import { AccessTokenAuthenticator } from './guards/access-token.authenticator';

export class VerifyTokenMessage {
  @IsString()
  @MaxLength(4096)
  token: string;
}

export interface VerifiedToken {
  userId: string;
  sessionId: string;
}

/**
 * `auth.verify` on the broker: lets another service learn about a revocation before the token's expiry.
 * Errors carry the contract's codes (ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED, SESSION_REVOKED, …).
 */
@ApiExcludeController()
@ServiceContract()
@Controller()
export class AuthMessagesController {
  constructor(private readonly authenticator: AccessTokenAuthenticator) {}

  @MessagePattern('auth.verify')
  async verifyToken(@Payload() message: VerifyTokenMessage): Promise<VerifiedToken> {
    const { userId, sessionId } = await this.authenticator.verifyAccessToken(message.token);
    return { userId, sessionId };
  }
}

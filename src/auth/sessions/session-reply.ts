import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProfileMapper } from '#src/users/profile.mapper';
import type { TokenResponseDto } from './token-response.dto';
import type { SessionTokens } from './session-tokens';
import { AuthCookies } from '../tokens/auth-cookies';

/** The answer of every route that opens or renews a session: the tokens in the body and as cookies. */
@Injectable()
export class SessionReply {
  constructor(
    private readonly cookies: AuthCookies,
    private readonly profiles: ProfileMapper,
  ) {}

  async send(reply: FastifyReply, tokens: SessionTokens): Promise<TokenResponseDto> {
    this.cookies.setSession(reply, tokens);
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: 'Bearer',
      expiresIn: tokens.accessTtl,
      user: await this.profiles.present(tokens.user),
    };
  }
}

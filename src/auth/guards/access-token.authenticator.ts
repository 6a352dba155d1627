import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors/app-error';
import { SessionsService } from '../sessions/sessions.service';
import { TokenRejected, TokenService, accessTokenError, type StepUpClaims } from '../tokens/token.service';
import { readAccessToken, readStepUpToken } from '../tokens/token-transport';
import type { AuthContext } from './auth-context';

/**
 * Verifies the request's access token and its session once, and the step-up token if one came along.
 * One database round trip: the live session and its user in a single query.
 */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
  ) {}

  async authenticate(request: FastifyRequest): Promise<AuthContext> {
    const token = readAccessToken(request);
    if (token === undefined) throw new AppError('AUTHENTICATION_REQUIRED', 'An access token is required.');
    const verified = await this.verifyAccessToken(token);
    const stepUp = await this.verifyStepUp(request, verified.userId, verified.sessionId);
    return { ...verified, stepUp };
  }

  /** The token's signature, claims and live session: what HTTP requests and the broker's auth.verify share. */
  async verifyAccessToken(token: string): Promise<Omit<AuthContext, 'stepUp'>> {
    const claims = await this.tokens.verifyAccessToken(token).catch((error: unknown) => {
      throw error instanceof TokenRejected ? accessTokenError(error) : error;
    });
    const live = await this.sessions.findLiveUser(claims.sessionId, claims.userId);
    if (!live) throw new AppError('SESSION_REVOKED', 'This session has ended; sign in again.');
    return { userId: claims.userId, sessionId: claims.sessionId, user: live.user, identities: live.identities };
  }

  /** A step-up token counts only for the same user and the same session; anything else is ignored here. */
  private async verifyStepUp(request: FastifyRequest, userId: string, sessionId: string): Promise<StepUpClaims | null> {
    const token = readStepUpToken(request);
    if (token === undefined) return null;
    try {
      const claims = await this.tokens.verifyStepUpToken(token);
      return claims.userId === userId && claims.sessionId === sessionId ? claims : null;
    } catch (error) {
      if (error instanceof TokenRejected) return null;
      throw error;
    }
  }
}

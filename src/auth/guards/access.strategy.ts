import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import type { AuthContext } from './auth-context';

type Verify = (request: FastifyRequest, done: (error: unknown, context?: AuthContext | null) => void) => void;

/** A bare passport strategy that hands the request to a verify callback (jose does the JWT work). */
class RequestStrategy extends Strategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  // Typed by @types/passport for Express; on Fastify the request is a FastifyRequest.
  override authenticate(request: object): void {
    this.verify(request as FastifyRequest, (error, context) => (error ? this.error(error) : this.success(context as AuthContext)));
  }
}

export const ACCESS_STRATEGY = 'access';

/**
 * The `access` passport strategy. jose rather than passport-jwt verifies the token: it checks the JOSE
 * `typ`, resolves keys by `kid` as KeyObjects, and pins each key to its own algorithm.
 */
@Injectable()
export class AccessStrategy extends PassportStrategy(RequestStrategy, ACCESS_STRATEGY) {
  constructor(private readonly authenticator: AccessTokenAuthenticator) {
    super();
  }

  validate(request: FastifyRequest): Promise<AuthContext> {
    return this.authenticator.authenticate(request);
  }
}

import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { AccessClaims } from '../tokens/token.service';
import { readAccessToken } from '../tokens/token-transport';
import { VerifiedTokens } from '../tokens/verified-tokens';

/**
 * The access tokens this process has verified (VerifiedTokens), for the request that carries one: AccessStrategy
 * remembers a token once passport-jwt verified it and its claims passed; AccessGuard recalls it on the next
 * request with the same token and goes straight to the live-session check, without passport.
 */
@Injectable()
export class VerifiedAccessTokens {
  private readonly tokens = new VerifiedTokens<AccessClaims>();
  private readonly currentKey: (kid: string) => KeyObject | undefined;

  constructor(keys: SigningKeysService) {
    this.currentKey = (kid) => keys.find(kid)?.publicKey;
  }

  /**
   * The claims of the request's access token, when this exact token was verified before and still holds. A
   * malformed Authorization header is no token here: passport's path answers it as it always did.
   */
  recall(request: FastifyRequest): AccessClaims | undefined {
    const token = tokenOf(request);
    return token === undefined ? undefined : this.tokens.recall(token, this.currentKey);
  }

  /** After passport-jwt verified the request's token with the key of `kid`, and its claims passed. */
  remember(request: FastifyRequest, kid: unknown, expiresAt: number, claims: AccessClaims): void {
    const token = tokenOf(request);
    const key = typeof kid === 'string' ? this.currentKey(kid) : undefined;
    if (token !== undefined && key !== undefined) this.tokens.remember(token, kid as string, key, expiresAt, claims);
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  try {
    return readAccessToken(request);
  } catch {
    return undefined;
  }
}

import type { FastifyRequest } from 'fastify';
import { AuthErrors } from '../auth.errors';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const STEP_UP_COOKIE = 'step_up_token';
export const STEP_UP_HEADER = 'x-step-up-token';
/** The MfaToken after a provider sign-in: only the sign-in routes see it. */
export const MFA_COOKIE = 'mfa_token';
export const MFA_COOKIE_PATH = '/api/auth/login';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * The access token from `Authorization: Bearer` or the `access_token` cookie; the header wins. A present
 * but malformed header is an error and never falls back to the cookie. Never read from the query string.
 */
export function readAccessToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header.trim());
    if (!match) throw AuthErrors.malformedAuthorization();
    return match[1];
  }
  return nonEmpty(request.cookies?.[ACCESS_COOKIE]);
}

export function readStepUpToken(request: FastifyRequest): string | undefined {
  const header = request.headers[STEP_UP_HEADER];
  return nonEmpty(typeof header === 'string' ? header.trim() : undefined) ?? nonEmpty(request.cookies?.[STEP_UP_COOKIE]);
}

export function readRefreshToken(request: FastifyRequest, fromBody: string | null | undefined): string | undefined {
  return nonEmpty(fromBody) ?? nonEmpty(request.cookies?.[REFRESH_COOKIE]);
}

/** The MfaToken of a sign-in's second step: the body's, else the cookie a provider sign-in set. */
export function readMfaToken(request: FastifyRequest, fromBody: string | null | undefined): string | undefined {
  return nonEmpty(fromBody) ?? nonEmpty(request.cookies?.[MFA_COOKIE]);
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

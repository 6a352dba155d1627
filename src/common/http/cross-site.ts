import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { sendError } from './send-error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const COOKIE_CREDENTIAL = /(?:^|;\s*)(?:access_token|refresh_token|step_up_token)=/;

/**
 * Refuses a state-changing request that carries a cookie credential and comes from another site: an `Origin`
 * that is neither PUBLIC_URL's nor in CORS_ORIGINS, or `Sec-Fetch-Site: cross-site`. SameSite=Strict
 * already keeps the cookies off most such requests; this also covers sibling sub-domains (same site, other
 * origin) and browsers without SameSite. A request with no cookie credential (the Authorization header
 * alone) is not affected.
 */
export function refuseCrossSiteCookieRequests(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins.map((origin) => URL.parse(origin)?.origin ?? origin));
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (SAFE_METHODS.has(request.method)) return done();
    const cookie = request.headers.cookie;
    if (!cookie || !COOKIE_CREDENTIAL.test(cookie)) return done();
    const origin = request.headers.origin;
    const crossSite = request.headers['sec-fetch-site'] === 'cross-site' || (origin !== undefined && !allowed.has(origin));
    if (!crossSite) return done();
    sendError(new AppError('CROSS_SITE_REQUEST', 'This request comes from another site and carries session cookies; it was refused.'), request, reply);
  };
}

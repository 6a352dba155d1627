import type { FastifyRequest } from 'fastify';

/** The client address as the service sees it (Fastify applies TRUST_PROXY); IPv4-mapped IPv6 shown as IPv4. */
export function clientIp(request: FastifyRequest): string {
  const ip = request.ip ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

export function userAgent(request: FastifyRequest): string | null {
  const value = request.headers['user-agent'];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Where a request came from, for sessions and the security log. */
export function requestOrigin(request: FastifyRequest): { ip: string; userAgent: string | null } {
  return { ip: clientIp(request), userAgent: userAgent(request) };
}

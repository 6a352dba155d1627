import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks 1.0 `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under each
 * secret, space-separated, so a receiver that knows any one of them (old or new, during a rotation) accepts.
 */
export function webhookSignature(secrets: readonly Buffer[], id: string, timestamp: number, body: string): string {
  const signed = `${id}.${timestamp}.${body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', secret).update(signed).digest('base64')}`).join(' ');
}

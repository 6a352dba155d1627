import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import type { ProfileEventName, ProfileEventPayloads } from './events';

/** A verified webhook of the profile service (Standard Webhooks 1.0). */
export interface ProfileWebhook<Name extends ProfileEventName = ProfileEventName> {
  /** `webhook-id`: the event id, the same on every retry. De-duplicate by it: delivery is at least once. */
  id: string;
  type: Name;
  /** When the event happened, ISO 8601. */
  timestamp: string;
  /** The event's payload; `profile.updated` and `profile.email_changed` add `before` and `after` of the changed fields. */
  data: ProfileEventPayloads[Name] & { before?: Record<string, unknown>; after?: Record<string, unknown> };
}

export interface ProfileWebhookOptions {
  /** The endpoint's `whsec_…` secrets; during a rotation, both the new and the old one. */
  secrets: string[];
  /** How far `webhook-timestamp` may be from now; default 300 s (5 minutes), as Standard Webhooks recommends. */
  toleranceSeconds?: number;
}

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Verifies a webhook request of the profile service the way Standard Webhooks 1.0 says: one of the
 * `webhook-signature` entries (`v1,<base64>`) is the HMAC-SHA256 under one of the secrets of
 * `<webhook-id>.<webhook-timestamp>.<raw body>`, and the timestamp is within the tolerance (a captured call
 * cannot be replayed later). `rawBody` must be the bytes as received, before any JSON parsing.
 */
export function verifyProfileWebhook(options: ProfileWebhookOptions, rawBody: string | Buffer, headers: Headers, now = Date.now()): ProfileWebhook {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not a Unix time');
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now / 1000 - Number(timestamp)) > tolerance) throw new WebhookVerificationError('webhook-timestamp is too far from now');
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const signed = `${id}.${timestamp}.${body}`;
  const expected = options.secrets.map((secret) => createHmac('sha256', secretKey(secret)).update(signed).digest());
  const presented = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  const matches = presented.some((signature) => expected.some((mac) => mac.length === signature.length && timingSafeEqual(mac, signature)));
  if (!matches) throw new WebhookVerificationError('no webhook-signature matches');
  const parsed = JSON.parse(body) as Omit<ProfileWebhook, 'id'>;
  return { id, type: parsed.type, timestamp: parsed.timestamp, data: parsed.data };
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('a profile webhook secret starts with "whsec_"');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const PROFILE_WEBHOOK_OPTIONS = Symbol('PROFILE_WEBHOOK_OPTIONS');

interface WebhookRequest {
  headers: Headers;
  rawBody?: Buffer;
  profileWebhook?: ProfileWebhook;
}

/**
 * Lets a request through only when it is a webhook of the profile service, verified as verifyProfileWebhook()
 * does; `@ProfileWebhookEvent()` reads it. Needs the raw body: create the app with `{ rawBody: true }`.
 */
@Injectable()
export class ProfileWebhookGuard implements CanActivate {
  constructor(@Inject(PROFILE_WEBHOOK_OPTIONS) private readonly options: ProfileWebhookOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    if (!request.rawBody) throw new Error('ProfileWebhookGuard needs the raw body: NestFactory.create(module, adapter, { rawBody: true })');
    try {
      request.profileWebhook = verifyProfileWebhook(this.options, request.rawBody, request.headers);
    } catch (error) {
      if (error instanceof WebhookVerificationError || error instanceof SyntaxError)
        throw new UnauthorizedException(`not a valid profile webhook: ${error.message}`);
      throw error;
    }
    return true;
  }
}

/** The webhook ProfileWebhookGuard verified. */
export const ProfileWebhookEvent = createParamDecorator((_data: unknown, context: ExecutionContext): ProfileWebhook => {
  const webhook = context.switchToHttp().getRequest<WebhookRequest>().profileWebhook;
  if (!webhook) throw new Error('@ProfileWebhookEvent() on a route without ProfileWebhookGuard');
  return webhook;
});

/** Provides ProfileWebhookGuard with the endpoint's secrets. */
@Module({})
export class ProfileWebhooksModule {
  static forRoot(options: ProfileWebhookOptions): DynamicModule {
    if (options.secrets.length === 0) throw new Error('ProfileWebhooksModule needs at least one whsec_ secret');
    for (const secret of options.secrets) secretKey(secret);
    return {
      module: ProfileWebhooksModule,
      providers: [{ provide: PROFILE_WEBHOOK_OPTIONS, useValue: options }, ProfileWebhookGuard],
      exports: [PROFILE_WEBHOOK_OPTIONS, ProfileWebhookGuard],
    };
  }
}

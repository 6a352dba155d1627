import type { RecordedEvent } from '#src/events/outbox';
import type { WebhookEndpoint } from './webhook-endpoints';

/** Fields that go to an endpoint only where its configuration says `personalData: true`. */
const PERSONAL_FIELDS = new Set(['email']);

/**
 * The Standard Webhooks body for one endpoint: `{ type, timestamp, data }`, where `data` is the event's payload
 * and, when the change has them, the changed fields before and after (personal ones only where opted in).
 */
export function webhookBody(event: RecordedEvent, endpoint: Pick<WebhookEndpoint, 'personalData'>): string {
  const data: Record<string, unknown> = { ...event.payload };
  if (event.changes) {
    const shown = (values: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(values).filter(([field]) => endpoint.personalData || !PERSONAL_FIELDS.has(field)));
    const before = shown(event.changes.before);
    const after = shown(event.changes.after);
    if (Object.keys(before).length > 0 || Object.keys(after).length > 0) Object.assign(data, { before, after });
  }
  return JSON.stringify({ type: event.name, timestamp: event.createdAt.toISOString(), data });
}

import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';

export interface ErasureOptions {
  /** This service's name, as the profile service's ERASURE_EXPECTED_SERVICES lists it. */
  service: string;
  /** Deletes what this service holds of the user; the confirmation is sent only after it succeeded. */
  erase: (userId: string) => Promise<void> | void;
  /** How long to wait for the profile service's answer (default 5 s); no answer: the event is offered again later. */
  timeoutMs?: number;
}

/**
 * Tells the profile service that this service erased an account (`erasure.confirmed` `{ erasureId, service }`, a
 * request on the broker: it answers once the confirmation is recorded). Throws when it does not answer or refuses,
 * so that the caller does not acknowledge `user.deleted` and confirms again when the event comes back.
 */
export async function confirmErasure(connection: NatsConnection, erasureId: string, service: string, timeoutMs = 5000): Promise<void> {
  // The profile service is a Nest microservice: its NATS requests are { pattern, data, id }, its answers { response | err }.
  const request = JSON.stringify({ pattern: 'erasure.confirmed', data: { erasureId, service }, id: randomUUID() });
  const reply = await connection.request('erasure.confirmed', request, { timeout: timeoutMs });
  const answer = reply.json<{ err?: unknown; response?: unknown }>();
  if (answer.err !== undefined && answer.err !== null) throw new Error(`erasure.confirmed refused: ${JSON.stringify(answer.err)}`);
}

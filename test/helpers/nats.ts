import { Socket } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export const NATS_URL = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';

/** Why the broker tests cannot run here, or null when a NATS server answers. */
export async function natsUnavailable(): Promise<string | null> {
  const { hostname, port } = new URL(NATS_URL);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (error) => resolve(`no NATS server at ${NATS_URL} (${error.message})`));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no NATS server at ${NATS_URL} (timeout)`);
    });
    socket.connect(Number(port), hostname);
  });
}

export interface Consumer {
  received: Array<{ subject: string; data: Record<string, unknown> }>;
  waitFor(
    predicate: (event: { subject: string; data: Record<string, unknown> }) => boolean,
    timeoutMs?: number,
  ): Promise<{ subject: string; data: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A plain NATS subscriber on the account events, decoding Nest's `{ pattern, data }` packets. */
export async function startConsumer(subjects: string[]): Promise<Consumer> {
  const connection: NatsConnection = await connect({ servers: NATS_URL });
  const received: Consumer['received'] = [];
  for (const subject of subjects) {
    const subscription = connection.subscribe(subject);
    void (async () => {
      for await (const message of subscription) {
        const packet = JSON.parse(new TextDecoder().decode(message.data)) as { data: Record<string, unknown> };
        received.push({ subject: message.subject, data: packet.data });
      }
    })();
  }
  await connection.flush();
  return {
    received,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = received.find(predicate);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('event not received in time');
    },
    close: () => connection.close(),
  };
}

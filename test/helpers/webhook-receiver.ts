import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A fresh `whsec_` secret of 32 random bytes. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  body: string;
}

/** How the receiver answers: 204, a status of the test's choice, or never (the socket stays open). */
export type ReceiverMode = { answer: number } | 'hang';

/**
 * A webhook receiver of the test's own: every request is verified with the `standardwebhooks` package under the
 * receiver's secret (a request that does not verify is recorded in `rejected` and answered 401). It can be
 * stopped (connections refused) and started again on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly rejected: string[] = [];
  /** Every request that arrived, verified or not, in arrival order (ids). */
  readonly attempts: string[] = [];
  mode: ReceiverMode = { answer: 204 };
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private verifier: Webhook;
  port = 0;

  constructor(secret: string) {
    this.verifier = new Webhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Verifies with this secret from now on (the receiver that knows only the new secret of a rotation). */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the port: connections are refused until start() again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The distinct deliveries (by webhook-id), first arrival of each. */
  distinct(): ReceivedWebhook[] {
    const seen = new Set<string>();
    return this.received.filter((hook) => !seen.has(hook.id) && seen.add(hook.id));
  }

  async waitFor(matches: (hook: ReceivedWebhook) => boolean, timeoutMs = 15_000): Promise<ReceivedWebhook> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching webhook within ${timeoutMs} ms; received: ${this.received.map((hook) => hook.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.attempts.push(String(request.headers['webhook-id']));
    const mode = this.mode;
    if (mode === 'hang') {
      this.hanging.add(response);
      return;
    }
    if (mode.answer >= 200 && mode.answer < 300) {
      try {
        const payload = this.verifier.verify(body, request.headers as Record<string, string>) as {
          type: string;
          timestamp: string;
          data: Record<string, unknown>;
        };
        this.received.push({
          id: String(request.headers['webhook-id']),
          type: payload.type,
          timestamp: payload.timestamp,
          data: payload.data,
          headers: request.headers,
          body,
        });
      } catch (error) {
        this.rejected.push(`${String(request.headers['webhook-id'])}: ${(error as Error).message}`);
        response.writeHead(401).end();
        return;
      }
    }
    response.writeHead(mode.answer).end();
  }
}

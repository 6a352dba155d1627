import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isInwardAddress } from './private-address';

/** The receiver's answer to one attempt. */
export interface SendOutcome {
  /** Null: no answer (refused, reset, timed out, or the address was refused). */
  status: number | null;
  /** Why there was no 2xx, in a line for the delivery row and the CLI. */
  error: string | null;
}

/** The most of a receiver's answer read (and thrown away): enough to keep the connection, never a memory risk. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One POST to a receiver, bounded in time, with no redirect followed. Unless private targets are allowed, the
 * address is checked after every DNS resolution, on the address the socket then connects to (and on an address
 * written in the URL), so a name cannot be pointed inward (at this host, the cloud's metadata service, the LAN).
 */
export class WebhookSender {
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(private readonly options: { timeoutMs: number; allowPrivate: boolean; maxSockets: number }) {
    const agent = { keepAlive: true, maxSockets: options.maxSockets, lookup: this.lookup };
    this.agents = { http: new HttpAgent(agent), https: new HttpsAgent(agent) };
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && !this.options.allowPrivate && isInwardAddress(literal)) {
      return Promise.resolve({ status: null, error: `refused: ${literal} is a private or loopback address (WEBHOOKS_ALLOW_PRIVATE)` });
    }
    const https = target.protocol === 'https:';
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = (https ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: https ? this.agents.https : this.agents.http,
        lookup: this.lookup,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      });
      const timer = setTimeout(() => {
        finish({ status: null, error: `no answer within ${this.options.timeoutMs} ms` });
        request.destroy();
      }, this.options.timeoutMs);
      request.on('response', (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('error', () => undefined);
        response.on('close', () => finish({ status, error: status >= 200 && status < 300 ? null : `answered ${status}` }));
      });
      request.on('error', (error: NodeJS.ErrnoException) => finish({ status: null, error: describe(error) }));
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** DNS, then the address check on every address the name resolved to. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const inward = this.options.allowPrivate ? undefined : addresses.find(({ address }) => isInwardAddress(address));
      if (inward) {
        const refused: NodeJS.ErrnoException = new Error(
          `refused: ${hostname} resolves to ${inward.address}, a private or loopback address (WEBHOOKS_ALLOW_PRIVATE)`,
        );
        refused.code = 'EWEBHOOKPRIVATE';
        return callback(refused, '', 0);
      }
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.code === 'EWEBHOOKPRIVATE') return error.message;
  return `${error.code ?? 'error'}: ${error.message}`.slice(0, 300);
}

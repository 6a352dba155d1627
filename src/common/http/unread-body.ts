import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** How much of a refused body is read and thrown away, and for how long, before the answer goes out anyway. */
export const DISCARD_MAX_BYTES = 16 * 1024 * 1024;
export const DISCARD_MAX_MS = 5_000;

/**
 * An error decided before the client finished sending its body (413, a refused upload) must not close the
 * connection while the client is still writing: the kernel then resets it, and a client that reads only after
 * writing (node:http, axios, got) fails with EPIPE and never sees the answer. As nginx's lingering close does,
 * the rest of the body is read and discarded, within a bounded size and time, then the answer is sent with
 * `Connection: close`. Past the bounds the answer goes out at once (an abusive client may then miss it).
 */
export function sendAfterUnreadBody(request: FastifyRequest, reply: FastifyReply, send: () => void): void {
  const incoming = request.raw;
  if (incoming.complete || incoming.destroyed || !hasBody(incoming)) return send();
  void reply.header('connection', 'close');
  let discarded = 0;
  let sent = false;
  const finish = () => {
    if (sent) return;
    sent = true;
    clearTimeout(timer);
    incoming.off('data', onData);
    send();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) finish();
  };
  const timer = setTimeout(finish, DISCARD_MAX_MS);
  incoming.on('data', onData);
  incoming.once('end', finish);
  incoming.once('close', finish);
  // Whoever read the body so far (Fastify's parser, busboy) has let go of it: let it flow.
  incoming.resume();
}

/**
 * Whether the request has a body at all (RFC 9112: a Content-Length or a Transfer-Encoding). An answer decided
 * as the headers arrive (an unknown path) comes before node:http marks even a body-less request complete; it
 * has nothing to drain, and closing its keep-alive connection would cost the client a new one per answer.
 */
function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

import { type Server, type Socket, connect, createServer } from 'node:net';

export interface TcpProxy {
  port: number;
  /** host:port to give the service instead of the real one. */
  address: string;
  /** The outage: every open connection is torn down and new ones are refused until restore(). */
  cut(): Promise<void>;
  /** An outage in the middle of a conversation: cut once `bytes` more have gone towards the dependency. */
  cutAfter(bytes: number): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy of the test's own between the service and a dependency (PostgreSQL, SMTP, S3, NATS), so that
 * an outage is real: sockets reset mid-conversation, connections refused, then the same port back.
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let budget = Infinity;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (server) return resolve(); // already up
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.on('data', (chunk: Buffer) => {
          budget -= chunk.length;
          if (budget < 0) {
            budget = Infinity;
            void stop();
          }
        });
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = async () => {
    const closing = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    server = undefined;
    await closing;
  };
  await listen();
  return {
    port,
    address: `127.0.0.1:${port}`,
    cut: stop,
    cutAfter: (bytes) => {
      budget = bytes;
    },
    restore: listen,
    close: stop,
  };
}

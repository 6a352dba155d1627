import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { headerOf, readableMessage } from './mime-text';

export interface ReceivedMail {
  to: string[];
  /** The message with its quoted-printable parts and encoded headers decoded (readableMessage). */
  raw: string;
  subject: string;
}

export interface SmtpListener {
  url: string;
  received: ReceivedMail[];
  /** While true, every message is refused with 451. */
  refuse: boolean;
  /** Runs on each message once it is kept, before the sender hears it was accepted (a reader faster than any). */
  onArrival?: (mail: ReceivedMail) => Promise<void>;
  /** Resolves with the next mail sent to `address` (case-insensitive). */
  nextTo(address: string, since?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (the smtp-server package) that keeps what it receives. */
export async function startSmtpListener(): Promise<SmtpListener> {
  const received: ReceivedMail[] = [];
  const listener: SmtpListener = {
    url: '',
    received,
    refuse: false,
    async nextTo(address, since = 0) {
      for (let i = 0; i < 200; i++) {
        const mail = received.slice(since).find((m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()));
        if (mail) return mail;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no mail to ${address}`);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (listener.refuse) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 451 }));
        const raw = readableMessage(Buffer.concat(chunks).toString('utf8'));
        const mail = { to: session.envelope.rcptTo.map((r) => r.address), raw, subject: headerOf(raw, 'Subject') };
        received.push(mail);
        void (listener.onArrival?.(mail) ?? Promise.resolve()).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  listener.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return listener;
}

export { linkToken as tokenIn } from './test-app';

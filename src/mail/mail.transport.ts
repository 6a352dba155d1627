export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The action link, for the file transport's log line (development convenience). */
  link?: string;
}

/** Where mail goes: the outbox folder by default, SMTP when SMTP_URL is set. */
export abstract class MailTransport {
  abstract deliver(message: MailMessage, from: string): Promise<void>;
}

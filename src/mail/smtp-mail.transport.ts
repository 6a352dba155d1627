import { type Transporter, createTransport } from 'nodemailer';
import { type MailMessage, MailTransport } from './mail.transport';

/** Sends through an SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587). */
export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    super();
    // Bounded waits (nodemailer's defaults are minutes): an SMTP server that is away costs a request seconds.
    const timeouts = new URLSearchParams({ connectionTimeout: '5000', greetingTimeout: '5000', socketTimeout: '10000' });
    const parsed = new URL(url);
    for (const [name, value] of timeouts) if (!parsed.searchParams.has(name)) parsed.searchParams.set(name, value);
    this.transporter = createTransport(parsed.toString());
  }

  async deliver(message: MailMessage, from: string): Promise<void> {
    await this.transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
  }
}

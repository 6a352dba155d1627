import { type Transporter, createTransport } from 'nodemailer';
import { type MailMessage, MailTransport } from './mail.transport';

/** Sends through an SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587). */
export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    super();
    this.transporter = createTransport(url);
  }

  async deliver(message: MailMessage, from: string): Promise<void> {
    await this.transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
  }
}

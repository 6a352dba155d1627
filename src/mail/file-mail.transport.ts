import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import MailComposer from 'nodemailer/lib/mail-composer';
import { type MailMessage, MailTransport } from './mail.transport';

/** Writes each mail as an .eml file into the outbox folder and logs one line with its link. */
export class FileMailTransport extends MailTransport {
  private readonly logger = new Logger(FileMailTransport.name);

  constructor(private readonly outboxDir: string) {
    super();
  }

  async deliver(message: MailMessage, from: string): Promise<void> {
    const raw = await new MailComposer({ from, to: message.to, subject: message.subject, text: message.text, html: message.html }).compile().build();
    await mkdir(this.outboxDir, { recursive: true });
    const file = join(this.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
    await writeFile(file, raw, { mode: 0o600 });
    this.logger.log(`mail to ${message.to}: "${message.subject}"${message.link ? ` ${message.link}` : ''}`);
  }
}

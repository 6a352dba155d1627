import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import MailComposer from 'nodemailer/lib/mail-composer';
import { type MailMessage, MailTransport } from './mail.transport';

/**
 * Writes each mail as an .eml file into the outbox folder (readable by the service's user only) and logs one
 * line naming the file and the link, with the link's token left out: logs are read by more people, and kept
 * longer, than the mailbox a token is meant for.
 */
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
    const link = message.link ? ` ${message.link.replace(/([?&]token=)[^&#]*/g, '$1<in the file>')}` : '';
    this.logger.log(`mail to ${message.to}: "${message.subject}" in ${file}${link}`);
  }
}

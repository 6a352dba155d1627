import { Module } from '@nestjs/common';
import type { Settings } from '../config/settings-token';
import { mailConfig } from '../config/mail.config';
import { FileMailTransport } from './file-mail.transport';
import { MailService } from './mail.service';
import { MailTransport } from './mail.transport';

@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [mailConfig.KEY],
      useFactory: async (config: Settings<typeof mailConfig>): Promise<MailTransport> => {
        if (config.transport === 'file' || !config.smtpUrl) return new FileMailTransport(config.outboxDir);
        const { SmtpMailTransport } = await import('./smtp-mail.transport.js');
        return new SmtpMailTransport(config.smtpUrl);
      },
    },
    MailService,
  ],
  exports: [MailService],
})
export class MailModule {}

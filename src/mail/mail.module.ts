import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mailConfig } from '../config/mail.config';
import { FileMailTransport } from './file-mail.transport';
import { MailService } from './mail.service';
import { MailTransport } from './mail.transport';
import { SmtpMailTransport } from './smtp-mail.transport';

@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [mailConfig.KEY],
      useFactory: (config: ConfigType<typeof mailConfig>): MailTransport =>
        config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new FileMailTransport(config.outboxDir),
    },
    MailService,
  ],
  exports: [MailService],
})
export class MailModule {}

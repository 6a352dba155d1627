import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import type { Settings } from '#src/config/settings-token';
import { mailConfig } from '#src/config/mail.config';
import { FileMailTransport } from './file-mail.transport';
import { MailJobEntity } from './jobs/mail-job.entity';
import { MailJobs } from './jobs/mail-jobs';
import { MailJobsRetention } from './jobs/mail-jobs.retention';
import { RetentionModule } from '#src/retention/retention.module';
import { MailService } from './mail.service';
import { MailTransport } from './mail.transport';

@Module({
  imports: [TypeOrmModule.forFeature([MailJobEntity], PROFILE_CONNECTION), RetentionModule],
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
    MailJobs,
    MailJobsRetention,
  ],
  exports: [MailService, MailJobs],
})
export class MailModule {}

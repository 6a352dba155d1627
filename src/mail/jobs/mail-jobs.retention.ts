import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { MailJobEntity } from './mail-job.entity';

/** Sent or given-up mail jobs (they name an address): kept as long as sent outbox rows. */
@Injectable()
export class MailJobsRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { outboxSeconds } = this.config;
    this.rules.add<MailJobEntity>({
      name: 'mail jobs',
      entity: MailJobEntity,
      key: 'id',
      conditions: (now) => [{ doneAt: LessThan(ago(now, outboxSeconds)) }],
    });
  }
}

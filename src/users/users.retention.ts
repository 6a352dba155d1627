import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { EmailTokenEntity } from './email-tokens/email-token.entity';
import { SecurityEventEntity } from './security-event.entity';

/** Link tokens RETENTION_GRACE after they expired or were used; security events older than SECURITY_EVENT_RETENTION. */
@Injectable()
export class UsersRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { graceSeconds, securityEventSeconds } = this.config;
    this.rules.add<EmailTokenEntity>({
      name: 'email tokens',
      entity: EmailTokenEntity,
      key: 'id',
      conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { usedAt: LessThan(ago(now, graceSeconds)) }],
    });
    this.rules.add<SecurityEventEntity>({
      name: 'security events',
      entity: SecurityEventEntity,
      key: 'id',
      conditions: (now) => [{ createdAt: LessThan(ago(now, securityEventSeconds)) }],
    });
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { SessionEntity } from './session.entity';

/** Sessions RETENTION_GRACE after they expired or were revoked (their refresh history goes with them). */
@Injectable()
export class SessionsRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { graceSeconds } = this.config;
    this.rules.add<SessionEntity>({
      name: 'sessions',
      entity: SessionEntity,
      key: 'id',
      conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { revokedAt: LessThan(ago(now, graceSeconds)) }],
    });
  }
}

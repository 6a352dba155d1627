import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { OidcFlowEntity } from './oidc-flow.entity';

/** Provider sign-in flows RETENTION_GRACE after they expired. */
@Injectable()
export class OidcFlowsRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { graceSeconds } = this.config;
    this.rules.add<OidcFlowEntity>({
      name: 'sign-in flows',
      entity: OidcFlowEntity,
      key: 'stateHash',
      conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }],
    });
  }
}

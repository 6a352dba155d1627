import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { mailConfig } from '#src/config/mail.config';
import { Erasures } from '#src/erasure/erasures.service';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { UserEntity } from '#src/users/user.entity';

/** Accounts whose address was never verified, UNVERIFIED_ACCOUNT_TTL after registering (a squat, or a typo), with everything of theirs by cascade and their `user.deleted` event in the same transaction. Without mail no address can be verified: then nothing counts as unverified. */
@Injectable()
export class UnverifiedAccountsRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    private readonly erasures: Erasures,
    @Inject(mailConfig.KEY) private readonly mail: Settings<typeof mailConfig>,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    if (!this.mail.enabled) return;
    const { unverifiedAccountSeconds } = this.config;
    this.rules.add<UserEntity>({
      name: 'unverified accounts',
      entity: UserEntity,
      key: 'id',
      deletesAccounts: true,
      conditions: (now) => [{ emailVerified: false, createdAt: LessThan(ago(now, unverifiedAccountSeconds)) }],
      deleted: async (ids, tx) => {
        for (const userId of ids) await this.erasures.recordDeletion(userId, tx);
      },
    });
  }
}

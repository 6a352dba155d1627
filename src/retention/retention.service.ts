import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Settings } from '../config/settings-token';
import { type EntityTarget, type FindOptionsWhere, In, IsNull, LessThan } from 'typeorm';
import { type Transaction, TransactionRunner } from '../database/transaction-runner';
import { eventsConfig } from '../config/events.config';
import { Outbox } from '../events/outbox';
import { EmailTokenEntity } from '../users/email-tokens/email-token.entity';
import { WebAuthnChallengeEntity } from '../second-factors/passkeys/passkey.entities';
import { MfaTokenEntity } from '../second-factors/mfa-tokens/mfa-token.entity';
import { TotpFactorEntity } from '../second-factors/totp/totp-factor.entity';
import { OidcFlowEntity } from '../identity-providers/oidc/oidc-flow.entity';
import { SessionEntity } from '../auth/sessions/session.entity';
import { mailConfig } from '../config/mail.config';
import { retentionConfig } from '../config/retention.config';
import { OutboxEventEntity } from '../events/outbox-event.entity';
import { AccountEvents, type UserEventPayload } from '../events/account-events';
import { SecurityEventEntity } from '../users/security-event.entity';
import { UserEntity } from '../users/user.entity';
import { MailJobEntity } from '../mail/jobs/mail-job.entity';

/** The PostgreSQL advisory lock that lets one instance at a time purge ('prof' 'purg' as two int4s). */
const LOCK_KEY = [0x70726f66, 0x70757267] as const;
/** The first run waits a little, so a starting fleet does not purge at once. */
const FIRST_RUN_DELAY_MS = 30_000;

export type PurgeReport = Record<string, number>;

interface Rule<T> {
  name: string;
  entity: EntityTarget<T>;
  key: keyof T & string;
  /** One condition per statement: each is one index range. */
  conditions: (now: number) => Array<FindOptionsWhere<T>>;
  /** Told the keys of each deleted batch, inside the transaction that deletes it. */
  deleted?: (keys: string[], tx: Transaction) => Promise<void>;
}

const ago = (now: number, seconds: number) => new Date(now - seconds * 1000);

/**
 * Deletes what the service no longer needs (API.md §5 "Retention"): accounts whose address was never verified
 * UNVERIFIED_ACCOUNT_TTL after registering (with everything of theirs, by cascade); sessions, link tokens and sign-in flows
 * RETENTION_GRACE after they expired, were revoked or used; authenticator-app enrolments never confirmed,
 * RETENTION_GRACE after they expired (they hold an encrypted secret); security events older than
 * SECURITY_EVENT_RETENTION; published outbox rows older than OUTBOX_RETENTION. In batches of
 * RETENTION_BATCH_SIZE, each its own short statement (no long lock, traffic flows between batches), and
 * on PostgreSQL under an advisory lock, so one instance at a time does it.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<PurgeReport | null>;
  private stopping = false;

  constructor(
    private readonly database: TransactionRunner,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
    @Inject(mailConfig.KEY) private readonly mail: Settings<typeof mailConfig>,
    private readonly outbox: Outbox,
    @Inject(eventsConfig.KEY) private readonly eventsSettings: Settings<typeof eventsConfig>,
  ) {}

  private get brokerConfigured(): boolean {
    return this.eventsSettings.brokerUrl !== undefined;
  }

  onApplicationBootstrap(): void {
    if (this.config.intervalSeconds === 0) return;
    const run = () => void this.purge().catch((error: Error) => this.logger.warn(`retention purge failed: ${error.message}`));
    this.timer = setTimeout(() => {
      run();
      this.timer = setInterval(run, this.config.intervalSeconds * 1000).unref();
    }, Math.min(FIRST_RUN_DELAY_MS, this.config.intervalSeconds * 1000)).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One purge; null when another instance (or this one) is already purging. */
  purge(now = Date.now()): Promise<PurgeReport | null> {
    if (this.running) return Promise.resolve(null);
    this.running = this.purgeUnderLock(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purgeUnderLock(now: number): Promise<PurgeReport | null> {
    return this.database.exclusively(LOCK_KEY, () => this.purgeAll(now));
  }

  private async purgeAll(now: number): Promise<PurgeReport> {
    const report: PurgeReport = {};
    for (const rule of this.rules()) report[rule.name] = await this.purgeRule(rule as Rule<object>, now);
    const total = Object.values(report).reduce((sum, count) => sum + count, 0);
    if (total > 0) this.logger.log(`retention purge removed ${Object.entries(report).map(([name, count]) => `${count} ${name}`).join(', ')}`);
    return report;
  }

  private async purgeRule<T extends object>(rule: Rule<T>, now: number): Promise<number> {
    const repository = this.database.repository(rule.entity);
    let removed = 0;
    for (const where of rule.conditions(now)) {
      for (;;) {
        if (this.stopping) return removed;
        const batch = await repository.find({ select: { [rule.key]: true } as never, where, take: this.config.batchSize });
        if (batch.length === 0) break;
        const keys = batch.map((row) => row[rule.key]);
        removed += await this.database.run(async (tx) => {
          const rows = this.database.repository(rule.entity, tx);
          // The condition again, with the keys: a row that changed since it was read (a TOTP enrolment started
          // again, an address verified meanwhile) no longer matches and stays.
          const matching = { ...where, [rule.key]: In(keys) } as FindOptionsWhere<T>;
          const byKey = { select: { [rule.key]: true } as never, where: { [rule.key]: In(keys) } as never };
          const present = rule.deleted ? await rows.find(byKey) : [];
          const gone = await rows.delete(matching);
          if (rule.deleted) {
            const left = new Set((await rows.find(byKey)).map((row) => row[rule.key]));
            await rule.deleted(present.filter((row) => !left.has(row[rule.key])).map((row) => String(row[rule.key])), tx);
          }
          return gone.affected ?? keys.length;
        });
        if (batch.length < this.config.batchSize) break;
        // Between batches, let the requests that were waiting run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return removed;
  }

  private rules(): Array<Rule<UserEntity> | Rule<SessionEntity> | Rule<EmailTokenEntity> | Rule<OidcFlowEntity> | Rule<MfaTokenEntity> | Rule<TotpFactorEntity> | Rule<WebAuthnChallengeEntity> | Rule<SecurityEventEntity> | Rule<OutboxEventEntity> | Rule<MailJobEntity>> {
    const { graceSeconds, securityEventSeconds, outboxSeconds, unverifiedAccountSeconds } = this.config;
    // Without mail no address can be verified: then nothing counts as an unverified squatter.
    const unverified: Array<Rule<UserEntity>> = this.mail.enabled
      ? [
          {
            name: 'unverified accounts',
            entity: UserEntity,
            key: 'id',
            conditions: (now) => [{ emailVerified: false, createdAt: LessThan(ago(now, unverifiedAccountSeconds)) }],
            deleted: async (ids, tx) => {
              for (const userId of ids) await this.outbox.record(tx, AccountEvents.userDeleted, { userId, at: new Date().toISOString() } satisfies UserEventPayload);
            },
          },
        ]
      : [];
    return [
      ...unverified,
      {
        name: 'sessions',
        entity: SessionEntity,
        key: 'id',
        conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { revokedAt: LessThan(ago(now, graceSeconds)) }],
      },
      {
        name: 'email tokens',
        entity: EmailTokenEntity,
        key: 'id',
        conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { usedAt: LessThan(ago(now, graceSeconds)) }],
      },
      { name: 'sign-in flows', entity: OidcFlowEntity, key: 'stateHash', conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }] },
      {
        name: 'mfa tokens',
        entity: MfaTokenEntity,
        key: 'tokenHash',
        conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { usedAt: LessThan(ago(now, graceSeconds)) }],
      },
      {
        name: 'totp enrolments',
        entity: TotpFactorEntity,
        key: 'userId',
        // Never an active factor: confirming clears pending_expires_at.
        conditions: (now) => [{ confirmedAt: IsNull(), pendingExpiresAt: LessThan(ago(now, graceSeconds)) }],
      },
      {
        name: 'webauthn challenges',
        entity: WebAuthnChallengeEntity,
        key: 'challenge',
        conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { usedAt: LessThan(ago(now, graceSeconds)) }],
      },
      { name: 'security events', entity: SecurityEventEntity, key: 'id', conditions: (now) => [{ createdAt: LessThan(ago(now, securityEventSeconds)) }] },
      {
        name: 'outbox rows',
        entity: OutboxEventEntity,
        key: 'id',
        // With a broker, unpublished rows wait for it however old they are; without one, nobody relays them.
        conditions: (now) => [
          { publishedAt: LessThan(ago(now, outboxSeconds)) },
          ...(this.brokerConfigured ? [] : [{ publishedAt: IsNull(), createdAt: LessThan(ago(now, outboxSeconds)) }]),
        ],
      },
      // Sent or given-up mail jobs (they name an address): kept as long as sent outbox rows.
      { name: 'mail jobs', entity: MailJobEntity, key: 'id', conditions: (now) => [{ doneAt: LessThan(ago(now, outboxSeconds)) }] },
    ];
  }
}

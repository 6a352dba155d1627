import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventPublisher } from '#src/events/event-publisher';
import { WebhooksHealth } from '#src/webhooks/webhooks-health';
import { ErasureHealth } from '#src/erasure/erasure-health';

export type DependencyState = 'up' | 'down';

export interface HealthReport {
  database: DependencyState;
  /** Only with BROKER_URL. */
  broker?: DependencyState;
  /** Only with webhook endpoints configured. */
  webhooks?: 'ok' | 'failing';
  /** Only with ERASURE_EXPECTED_SERVICES. */
  erasure?: 'ok' | 'overdue';
}

/** Probes the dependencies: the database the service cannot work without, and the broker it can wait for. */
@Injectable()
export class HealthService implements OnModuleInit {
  private publisher: EventPublisher | null = null;
  private webhooks: WebhooksHealth | null = null;
  private erasure: ErasureHealth | null = null;

  constructor(
    @InjectDataSource(PROFILE_CONNECTION) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // The publisher lives in the feature's EventsModule; null without BROKER_URL.
    this.publisher = this.moduleRef.get<EventPublisher | null>(EventPublisher, { strict: false });
    this.webhooks = this.moduleRef.get(WebhooksHealth, { strict: false });
    this.erasure = this.moduleRef.get(ErasureHealth, { strict: false });
  }

  async check(): Promise<HealthReport> {
    const [database, broker, webhooks, erasure] = await Promise.all([
      this.checkDatabase(),
      this.publisher?.isReachable(),
      this.webhooks?.check(),
      this.erasure?.check(),
    ]);
    return {
      database,
      ...(broker === undefined ? {} : { broker: broker ? ('up' as const) : ('down' as const) }),
      ...(webhooks === undefined ? {} : { webhooks }),
      ...(erasure === undefined ? {} : { erasure }),
    };
  }

  private async checkDatabase(): Promise<DependencyState> {
    return this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventPublisher } from '#src/events/event-publisher';

export type DependencyState = 'up' | 'down';

export interface HealthReport {
  database: DependencyState;
  /** Only with BROKER_URL. */
  broker?: DependencyState;
}

/** Probes the dependencies: the database the service cannot work without, and the broker it can wait for. */
@Injectable()
export class HealthService implements OnModuleInit {
  private publisher: EventPublisher | null = null;

  constructor(
    @InjectDataSource(PROFILE_CONNECTION) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // The publisher lives in the feature's EventsModule; null without BROKER_URL.
    this.publisher = this.moduleRef.get<EventPublisher | null>(EventPublisher, { strict: false });
  }

  async check(): Promise<HealthReport> {
    const [database, broker] = await Promise.all([this.checkDatabase(), this.publisher?.isReachable()]);
    return broker === undefined ? { database } : { database, broker: broker ? 'up' : 'down' };
  }

  private async checkDatabase(): Promise<DependencyState> {
    return this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type DependencyState = 'up' | 'down';

/** Probes the dependencies the service cannot work without. */
@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  async checkDatabase(): Promise<DependencyState> {
    return this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { deletionConfig } from '#src/config/deletion.config';
import type { Settings } from '#src/config/settings-token';
import { Erasures } from './erasures.service';

/** `checks.erasure` of the health route, only with ERASURE_EXPECTED_SERVICES; an overdue erasure is logged once. */
@Injectable()
export class ErasureHealth {
  private readonly logger = new Logger(ErasureHealth.name);
  private readonly logged = new Set<string>();

  constructor(
    private readonly erasures: Erasures,
    @Inject(deletionConfig.KEY) private readonly config: Settings<typeof deletionConfig>,
  ) {}

  async check(): Promise<'ok' | 'overdue' | undefined> {
    if (this.config.expectedServices.length === 0) return undefined;
    const overdue = await this.erasures.overdue().catch(() => []);
    for (const erasure of overdue) {
      if (this.logged.has(erasure.erasureId)) continue;
      this.logged.add(erasure.erasureId);
      this.logger.warn(`erasure ${erasure.erasureId} (deleted ${erasure.deletedAt.toISOString()}) is overdue: not confirmed by ${erasure.missing.join(', ')}`);
    }
    return overdue.length > 0 ? 'overdue' : 'ok';
  }
}

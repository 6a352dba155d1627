import { Module } from '@nestjs/common';
import { RetentionRules } from './retention-rules';
import { RetentionService } from './retention.service';

/**
 * The retention purge: the batching engine and the registry of rules. The rules are the owning modules' own
 * (each module's `*.retention.ts`); this module knows no feature's table.
 */
@Module({ providers: [RetentionRules, RetentionService], exports: [RetentionRules, RetentionService] })
export class RetentionModule {}

import { Module } from '@nestjs/common';
import { RetentionService } from './retention.service';

/** The retention purge of the feature's tables (entities come from the modules that own them). */
@Module({ providers: [RetentionService], exports: [RetentionService] })
export class RetentionModule {}

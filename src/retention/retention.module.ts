import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RetentionService } from './retention.service';

/** The retention purge of the feature's tables (entities come from the modules that own them). */
@Module({ imports: [EventsModule], providers: [RetentionService], exports: [RetentionService] })
export class RetentionModule {}

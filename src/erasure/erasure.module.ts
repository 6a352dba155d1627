import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventsModule } from '#src/events/events.module';
import { UsersModule } from '#src/users/users.module';
import { DeletionSchedule } from './deletion-schedule';
import { ErasureConfirmationEntity } from './erasure-confirmation.entity';
import { ErasureHealth } from './erasure-health';
import { ErasureMessagesController } from './erasure-messages.controller';
import { ErasureEntity } from './erasure.entity';
import { Erasures } from './erasures.service';

/** Account erasure: the `user.deleted` event of every deletion with its erasure id, the services' confirmations, and the schedule of a deletion with a grace period. */
@Module({
  imports: [TypeOrmModule.forFeature([ErasureEntity, ErasureConfirmationEntity], PROFILE_CONNECTION), EventsModule, UsersModule],
  controllers: [ErasureMessagesController],
  providers: [Erasures, ErasureHealth, DeletionSchedule],
  exports: [Erasures, ErasureHealth, DeletionSchedule],
})
export class ErasureModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProfileMapper } from './profile.mapper';
import { SecurityEventEntity } from './security-event.entity';
import { SecurityEventsService } from './security-events.service';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SecurityEventEntity])],
  providers: [UsersService, SecurityEventsService, ProfileMapper],
  exports: [UsersService, SecurityEventsService, ProfileMapper],
})
export class UsersModule {}

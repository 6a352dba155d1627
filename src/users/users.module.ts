import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProfileMapper } from './profile.mapper';
import { SecurityEventEntity } from './security-event.entity';
import { SecurityEventsService } from './security-events.service';
import { UserIdentitiesService } from './user-identities.service';
import { UserIdentityEntity } from './user-identity.entity';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserIdentityEntity, SecurityEventEntity])],
  providers: [UsersService, UserIdentitiesService, SecurityEventsService, ProfileMapper],
  exports: [UsersService, UserIdentitiesService, SecurityEventsService, ProfileMapper],
})
export class UsersModule {}

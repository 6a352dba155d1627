import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '../database/profile-connection';
import { UsernamePolicy } from './username-policy';
import { ProfileMapper } from './profile.mapper';
import { SecurityEventEntity } from './security-event.entity';
import { SecurityEventsRepository } from './security-events.repository';
import { UserIdentitiesRepository } from './user-identities.repository';
import { UserIdentityEntity } from './user-identity.entity';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserIdentityEntity, SecurityEventEntity], PROFILE_CONNECTION)],
  providers: [UsersRepository, UserIdentitiesRepository, SecurityEventsRepository, ProfileMapper, UsernamePolicy],
  exports: [UsersRepository, UserIdentitiesRepository, SecurityEventsRepository, ProfileMapper, UsernamePolicy],
})
export class UsersModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EmailTokenEntity } from './email-tokens/email-token.entity';
import { EmailTokensService } from './email-tokens/email-tokens.service';
import { RetentionModule } from '#src/retention/retention.module';
import { UsersRetention } from './users.retention';
import { UsernamePolicy } from './username-policy';
import { ProfileMapper } from './profile.mapper';
import { SecurityEventEntity } from './security-event.entity';
import { SecurityEventsRepository } from './security-events.repository';
import { UserIdentitiesRepository } from './user-identities.repository';
import { UserIdentityEntity } from './user-identity.entity';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserIdentityEntity, SecurityEventEntity, EmailTokenEntity], PROFILE_CONNECTION), RetentionModule],
  providers: [UsersRepository, UserIdentitiesRepository, SecurityEventsRepository, EmailTokensService, ProfileMapper, UsernamePolicy, UsersRetention],
  exports: [UsersRepository, UserIdentitiesRepository, SecurityEventsRepository, EmailTokensService, ProfileMapper, UsernamePolicy],
})
export class UsersModule {}

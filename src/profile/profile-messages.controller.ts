import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsUUID } from 'class-validator';
import { AppError } from '#src/common/errors/app-error';
import type { AvatarDto } from '#src/users/dto/profile-response.dto';
import { ProfileMapper } from '#src/users/profile.mapper';
import { UsersRepository } from '#src/users/users.repository';

export class GetProfileMessage {
  @IsUUID()
  userId: string;
}

/** The public part of a profile: what other services may show about a user. */
export interface PublicProfile {
  id: string;
  username: string | null;
  displayName: string | null;
  avatar: AvatarDto | null;
  locale: string;
  timezone: string;
}

/** `profile.get` on the broker. Unknown users answer NOT_FOUND. */
@ApiExcludeController()
@ServiceContract()
@Controller()
export class ProfileMessagesController {
  constructor(
    private readonly users: UsersRepository,
    private readonly mapper: ProfileMapper,
  ) {}

  @MessagePattern('profile.get')
  async getPublicProfile(@Payload() message: GetProfileMessage): Promise<PublicProfile> {
    const user = await this.users.findById(message.userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user.');
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      avatar: this.mapper.toAvatar(user),
      locale: user.locale,
      timezone: user.timezone,
    };
  }
}

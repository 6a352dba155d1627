import { ServiceContract } from '#src/common/http/service-contract.decorator';
import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsUUID, Matches } from 'class-validator';
import { Erasures } from './erasures.service';

export class ErasureConfirmedMessage {
  @IsUUID()
  erasureId: string;

  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  service: string;
}

/**
 * `erasure.confirmed` on the broker, as a request: a service that deleted what it held of an account says so and
 * hears back once it is recorded (so it acknowledges `user.deleted` only then, and asks again after a failure).
 * An unknown erasure answers NOT_FOUND.
 */
@ApiExcludeController()
@ServiceContract()
@Controller()
export class ErasureMessagesController {
  constructor(private readonly erasures: Erasures) {}

  @MessagePattern('erasure.confirmed')
  async confirm(@Payload() message: ErasureConfirmedMessage): Promise<{ erasureId: string; complete: boolean }> {
    const status = await this.erasures.confirm(message.erasureId, message.service);
    return { erasureId: status.erasureId, complete: status.completedAt !== null };
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { SecurityEventEntity, type SecurityEventType } from './security-event.entity';

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** Writes the security log; pass the transaction's manager to record within it. */
@Injectable()
export class SecurityEventsService {
  constructor(@InjectRepository(SecurityEventEntity) private readonly events: Repository<SecurityEventEntity>) {}

  async record(userId: string, type: SecurityEventType, origin: RequestOrigin, manager?: EntityManager): Promise<void> {
    const repository = manager ? manager.getRepository(SecurityEventEntity) : this.events;
    await repository.insert({
      id: randomUUID(),
      userId,
      type,
      ip: origin.ip?.slice(0, 64) ?? null,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      createdAt: new Date(),
    });
  }
}

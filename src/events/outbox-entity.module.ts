import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEventEntity } from './outbox-event.entity';

@Module({ imports: [TypeOrmModule.forFeature([OutboxEventEntity])], exports: [TypeOrmModule] })
export class OutboxEntityModule {}

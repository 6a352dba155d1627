import { Global, Module } from '@nestjs/common';
import { TransactionRunner } from './transaction-runner';

/** The transaction runner over the service's own connection, for every feature module. */
@Global()
@Module({ providers: [TransactionRunner], exports: [TransactionRunner] })
export class DatabaseModule {}

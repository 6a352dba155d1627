import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { hashOpaqueToken, newOpaqueToken } from '../opaque-token';
import { EmailTokenEntity, type EmailTokenPurpose } from './email-token.entity';

/** Single-use, expiring, hashed link tokens. A new token for the same user and purpose supersedes the old one. */
@Injectable()
export class EmailTokensService {
  constructor(@InjectRepository(EmailTokenEntity) private readonly tokens: Repository<EmailTokenEntity>) {}

  async issue(userId: string, purpose: EmailTokenPurpose, email: string, ttlSeconds: number): Promise<string> {
    const token = newOpaqueToken();
    const now = new Date();
    await this.tokens.manager.transaction(async (manager) => {
      const repository = manager.getRepository(EmailTokenEntity);
      await repository.update({ userId, purpose, usedAt: IsNull() }, { usedAt: now });
      await repository.insert({
        id: randomUUID(),
        userId,
        purpose,
        tokenHash: hashOpaqueToken(token),
        email,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
        usedAt: null,
      });
    });
    return token;
  }

  /**
   * Marks the token used and returns it. The conditional update makes it single-use even when two
   * requests race. Unknown, used, expired, superseded and wrong-purpose tokens all fail alike.
   */
  async consume(token: string, purpose: EmailTokenPurpose): Promise<EmailTokenEntity> {
    const tokenHash = hashOpaqueToken(token);
    const now = new Date();
    const row = await this.tokens.findOneBy({ tokenHash, purpose, usedAt: IsNull(), expiresAt: MoreThan(now) });
    const claimed = row ? await this.tokens.update({ id: row.id, usedAt: IsNull() }, { usedAt: now }) : undefined;
    if (!row || claimed?.affected !== 1) {
      throw new AppError('EMAIL_TOKEN_INVALID', 'This link is not valid any more. Request a new one.');
    }
    return row;
  }
}

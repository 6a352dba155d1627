import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppError } from '#src/common/errors/app-error';
import { Secret, TOTP } from 'otpauth';
import * as QRCode from 'qrcode';
import { IsNull, type Repository } from 'typeorm';
import { factorsConfig } from '#src/config/factors.config';
import type { Settings } from '#src/config/settings-token';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { uniqueViolationText } from '#src/database/unique-violation';
import { SecretBox } from './secret-box';
import { TotpFactorEntity } from './totp-factor.entity';
import { SecondFactorErrors } from '../second-factors.errors';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** ±1 step: a phone clock up to 30 s off still works. */
const WINDOW = 1;

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
  expiresAt: Date;
}

/** RFC 6238 codes (SHA-1, 6 digits, 30 s): enrolment, confirmation, and checking a code exactly once. */
@Injectable()
export class TotpFactors {
  private readonly logger = new Logger(TotpFactors.name);

  constructor(
    private readonly database: TransactionRunner,
    private readonly box: SecretBox,
    @Inject(factorsConfig.KEY) private readonly config: Settings<typeof factorsConfig>,
  ) {}

  /** The active factor's creation, or null (an enrolment in progress does not count). */
  async active(userId: string, db?: Db): Promise<TotpFactorEntity | null> {
    const row = await this.rows(db).findOneBy({ userId });
    return row?.confirmedAt ? row : null;
  }

  /** A new secret, pending until confirm(); replaces an earlier pending one (its codes stop working). */
  async enrol(userId: string, sessionId: string, accountName: string): Promise<TotpEnrolment> {
    if (await this.active(userId)) throw factorExists();
    const secret = new Secret({ size: 20 });
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.totpEnrolmentTtl * 1000);
    const row = {
      userId,
      secret: this.box.seal(secret.base32),
      confirmedAt: null,
      pendingSessionId: sessionId,
      pendingExpiresAt: expiresAt,
      lastUsedStep: null,
      createdAt: now,
    };
    // Conditional: never overwrite a factor confirmed meanwhile.
    const replaced = await this.rows().update({ userId, confirmedAt: IsNull() }, row);
    if (replaced.affected !== 1) {
      try {
        await this.rows().insert(row);
      } catch (error) {
        // A parallel enrolment or confirmation made the row first.
        if (uniqueViolationText(error) === null) throw error;
        throw factorExists();
      }
    }
    const otpauthUri = this.totp(secret, accountName).toString();
    return { secret: secret.base32, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1 }), expiresAt };
  }

  /** Turns the session's pending enrolment on with its first code. */
  async confirm(userId: string, sessionId: string, code: string, tx: Transaction): Promise<void> {
    const row = await this.rows(tx).createQueryBuilder('t').addSelect('t.secret').where('t.user_id = :userId', { userId }).getOne();
    const pending = row && !row.confirmedAt && row.pendingSessionId === sessionId && row.pendingExpiresAt && row.pendingExpiresAt > new Date();
    if (!row || !pending) throw noPendingEnrolment();
    const step = this.matchingStep(row, code);
    if (step === null) throw SecondFactorErrors.wrongTotpCode();
    const confirmed = await this.rows(tx).update(
      { userId, confirmedAt: IsNull() },
      { confirmedAt: new Date(), pendingSessionId: null, pendingExpiresAt: null, lastUsedStep: step },
    );
    if (confirmed.affected !== 1) throw noPendingEnrolment();
  }

  /**
   * Whether the code is right for the active factor and not used before. The step is recorded by a conditional
   * update, so a code is accepted once even when two requests (on two instances) present it together.
   */
  async verify(userId: string, code: string): Promise<boolean> {
    const row = await this.rows()
      .createQueryBuilder('t')
      .addSelect('t.secret')
      .where('t.user_id = :userId AND t.confirmed_at IS NOT NULL', { userId })
      .getOne();
    if (!row) return false;
    const step = this.matchingStep(row, code);
    if (step === null || (row.lastUsedStep !== null && step <= row.lastUsedStep)) return false;
    const result = await this.rows()
      .createQueryBuilder()
      .update(TotpFactorEntity)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND (last_used_step IS NULL OR last_used_step < :step)', { userId, step })
      .execute();
    return result.affected === 1;
  }

  /** Removes the factor (active or pending); false when there was none. */
  async remove(userId: string, tx: Transaction): Promise<boolean> {
    const result = await this.rows(tx).delete({ userId });
    return (result.affected ?? 0) > 0;
  }

  /** Removes an enrolment not confirmed yet (a takeback: the session that started it has ended). */
  async removePending(userId: string, tx: Transaction): Promise<void> {
    await this.rows(tx).delete({ userId, confirmedAt: IsNull() });
  }

  /** Removes a factor confirmed after `since` (the undo of an email change); true when one went. */
  async removeConfirmedSince(userId: string, since: Date, tx: Transaction): Promise<boolean> {
    const row = await this.active(userId, tx);
    if (!row?.confirmedAt || row.confirmedAt <= since) return false;
    return this.remove(userId, tx);
  }

  private matchingStep(row: TotpFactorEntity, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    let secret: string;
    try {
      secret = this.box.open(row.secret as string);
    } catch {
      // Sealed under another key: the code cannot match. The account still has its recovery codes.
      this.logger.error('a TOTP secret cannot be decrypted: was MFA_ENCRYPTION_KEY (or DATA_DIR/keys) changed?');
      return null;
    }
    const totp = this.totp(Secret.fromBase32(secret), '');
    const now = Date.now();
    const delta = totp.validate({ token: code, timestamp: now, window: WINDOW });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }

  private totp(secret: Secret, label: string): TOTP {
    return new TOTP({ issuer: this.config.issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS, secret });
  }

  private rows(db?: Db): Repository<TotpFactorEntity> {
    return this.database.repository(TotpFactorEntity, db);
  }
}

function factorExists(): AppError {
  return SecondFactorErrors.totpAlreadyOn();
}

function noPendingEnrolment(): AppError {
  return SecondFactorErrors.noTotpEnrolment();
}

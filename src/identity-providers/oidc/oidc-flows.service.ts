import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { LessThan, type Repository } from 'typeorm';
import { TransactionRunner } from '#src/database/transaction-runner';
import { oidcConfig } from '#src/config/oidc.config';
import { hashOpaqueToken, newOpaqueToken } from '#src/common/crypto/opaque-token';
import { OidcFlowEntity, type OidcFlowPurpose } from './oidc-flow.entity';

export interface NewFlow {
  provider: string;
  purpose: OidcFlowPurpose;
  userId?: string;
  sessionId?: string;
  redirect: string;
  codeVerifier: string;
  nonce: string;
}

/** Server-side flow state: created when a flow starts, taken exactly once when it comes back. */
@Injectable()
export class OidcFlowsService {
  constructor(
    private readonly database: TransactionRunner,
    @Inject(oidcConfig.KEY) private readonly config: Settings<typeof oidcConfig>,
  ) {}

  private get flows(): Repository<OidcFlowEntity> {
    return this.database.repository(OidcFlowEntity);
  }

  /** Stores the flow and returns its `state` (256 random bits; only its hash is kept). */
  async begin(flow: NewFlow, browserBinding: string): Promise<string> {
    const now = new Date();
    // Abandoned flows are cleaned up as new ones start; the index on expires_at keeps this cheap.
    await this.flows.delete({ expiresAt: LessThan(now) });
    const state = newOpaqueToken();
    await this.flows.insert({
      stateHash: hashOpaqueToken(state),
      provider: flow.provider,
      purpose: flow.purpose,
      userId: flow.userId ?? null,
      sessionId: flow.sessionId ?? null,
      browserHash: hashOpaqueToken(browserBinding),
      codeVerifier: flow.codeVerifier,
      nonce: flow.nonce,
      redirect: flow.redirect,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.flowTtl * 1000),
    });
    return state;
  }

  /**
   * The flow of this state, deleted in the same step: of two callbacks with one state only the one whose
   * delete removed the row gets it. Null when unknown, already taken, expired, or finished in another browser.
   */
  async take(state: string, browserBinding: string | undefined): Promise<OidcFlowEntity | null> {
    const stateHash = hashOpaqueToken(state);
    const flow = await this.flows.findOneBy({ stateHash });
    if (!flow) return null;
    const { affected } = await this.flows.delete({ stateHash });
    if (affected !== 1 || flow.expiresAt <= new Date()) return null;
    if (browserBinding === undefined || !sameHash(flow.browserHash, hashOpaqueToken(browserBinding))) return null;
    return flow;
  }
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** A fresh browser binding for the flow cookie. */
export function newBrowserBinding(): string {
  return newOpaqueToken();
}

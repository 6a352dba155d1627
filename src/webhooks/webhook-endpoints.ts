import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigError } from '#src/config/env-reader';
import type { Settings } from '#src/config/settings-token';
import { type WebhookEndpointConfig, webhooksConfig } from '#src/config/webhooks.config';
import { TransactionRunner } from '#src/database/transaction-runner';
import { ACCOUNT_EVENT_NAMES, type AccountEventName } from '#src/events/account-events';
import { isInwardAddress } from './delivery/private-address';
import { subjectMatches } from './subject-pattern';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface WebhookEndpoint extends WebhookEndpointConfig {
  /** The first 16 hex digits of the URL's SHA-256: the key of its deliveries. */
  id: string;
  configHash: string;
}

/**
 * The configured endpoints, checked against what the service knows (every pattern matches an event, no
 * literal inward address unless allowed), and which of them want each event. At start the database learns them;
 * an endpoint disabled by a 410 Gone is enabled again once its configuration changed.
 */
@Injectable()
export class WebhookEndpoints implements OnModuleInit {
  readonly all: readonly WebhookEndpoint[];
  private readonly byEvent = new Map<AccountEventName, WebhookEndpoint[]>();

  constructor(
    @Inject(webhooksConfig.KEY) private readonly config: Settings<typeof webhooksConfig>,
    private readonly database: TransactionRunner,
  ) {
    this.all = config.endpoints.map((endpoint, index) => this.checked(endpoint, index));
    for (const name of ACCOUNT_EVENT_NAMES) {
      this.byEvent.set(
        name,
        this.all.filter((endpoint) => endpoint.events.some((pattern) => subjectMatches(pattern, name))),
      );
    }
  }

  get configured(): boolean {
    return this.all.length > 0;
  }

  wanting(event: AccountEventName): readonly WebhookEndpoint[] {
    return this.byEvent.get(event) ?? [];
  }

  byId(id: string): WebhookEndpoint | undefined {
    return this.all.find((endpoint) => endpoint.id === id);
  }

  async onModuleInit(): Promise<void> {
    const rows = this.database.repository(WebhookEndpointEntity);
    for (const endpoint of this.all) {
      const known = await rows.findOneBy({ id: endpoint.id });
      if (!known) {
        // Two instances starting at once may both try: the second one's insert is a no-op.
        await rows
          .createQueryBuilder()
          .insert()
          .values({ id: endpoint.id, url: endpoint.url, configHash: endpoint.configHash, disabledAt: null, disabledReason: null, updatedAt: new Date() })
          .orIgnore()
          .execute();
      } else if (known.configHash !== endpoint.configHash) {
        await rows.update(
          { id: endpoint.id },
          { url: endpoint.url, configHash: endpoint.configHash, disabledAt: null, disabledReason: null, updatedAt: new Date() },
        );
      }
    }
  }

  private checked(endpoint: WebhookEndpointConfig, index: number): WebhookEndpoint {
    const fail = (problem: string) => new ConfigError(this.config.source, `entry ${index}: ${problem}`);
    for (const pattern of endpoint.events) {
      if (!ACCOUNT_EVENT_NAMES.some((name) => subjectMatches(pattern, name))) {
        throw fail(`"${pattern}" matches no event (${ACCOUNT_EVENT_NAMES.join(', ')})`);
      }
    }
    const target = new URL(endpoint.url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && !this.config.allowPrivate && isInwardAddress(literal)) {
      throw fail(`url names a private or loopback address (allowed only with WEBHOOKS_ALLOW_PRIVATE=true): ${target.origin}${target.pathname}`);
    }
    const configHash = createHash('sha256')
      .update(JSON.stringify([endpoint.url, endpoint.events, endpoint.secrets.map((secret) => secret.toString('base64')), endpoint.personalData]))
      .digest('hex');
    return { ...endpoint, id: createHash('sha256').update(endpoint.url).digest('hex').slice(0, 16), configHash };
  }
}

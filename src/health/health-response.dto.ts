export class HealthChecksDto {
  /** @example "up" */
  database: 'up' | 'down';

  /** Present with BROKER_URL. A broker that is down does not stop the service: events wait in the outbox. @example "up" */
  broker?: 'up' | 'down';

  /**
   * Present with webhook endpoints configured. `failing` while a delivery is past its third attempt or an endpoint
   * is disabled (it answered 410 Gone); the service keeps working and deliveries keep being retried. @example "ok"
   */
  webhooks?: 'ok' | 'failing';

  /**
   * Present with ERASURE_EXPECTED_SERVICES. `overdue` while an erasure has not been confirmed by every expected
   * service within ERASURE_DEADLINE (`npm run erasures -- list` shows which); the service keeps working. @example "ok"
   */
  erasure?: 'ok' | 'overdue';
}

export class HealthResponseDto {
  /** `degraded` while the broker is down (events are delivered once it is back). @example "ok" */
  status: 'ok' | 'degraded';

  checks: HealthChecksDto;
}

/** The broker side of the outbox: hands one event to the broker, or throws. */
export abstract class EventPublisher {
  abstract publish(name: string, payload: Record<string, unknown>): Promise<void>;
  /** Whether the broker answers now (for /api/health); never throws. */
  abstract isReachable(): Promise<boolean>;
  abstract close(): Promise<void>;
}

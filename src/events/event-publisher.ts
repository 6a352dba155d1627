/** The broker side of the outbox: hands one event to the broker, or throws. */
export abstract class EventPublisher {
  abstract publish(name: string, payload: Record<string, unknown>): Promise<void>;
  abstract close(): Promise<void>;
}

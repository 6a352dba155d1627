/**
 * One drain at a time: kick() starts `drain` unless one is running, in which case it runs once more right after
 * (work arrived meanwhile). A failure goes to `onError` and never escapes. For background relays (the event
 * outbox, the mail jobs).
 */
export class SingleDrain {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly drain: () => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: Error) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once the drain in progress (if any) is over. */
  async settled(): Promise<void> {
    await this.running;
  }
}

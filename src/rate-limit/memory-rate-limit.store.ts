import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RateLimitStore, type WindowCount } from './rate-limit.store';

interface Window {
  count: number;
  resetsAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/** Counters in this process. Expired windows are swept every minute so the map cannot grow without bound. */
@Injectable()
export class MemoryRateLimitStore extends RateLimitStore implements OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  increment(key: string, windowSeconds: number): Promise<WindowCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetsAt <= now) {
      window = { count: 0, resetsAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return Promise.resolve(this.view(window, now));
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private view(window: Window, now: number): WindowCount {
    return { count: window.count, resetInSeconds: Math.ceil((window.resetsAt - now) / 1000) };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(key);
  }
}

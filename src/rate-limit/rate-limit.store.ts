export interface WindowCount {
  count: number;
  /** Seconds until the window (and its count) ends. */
  resetInSeconds: number;
}

/** Where fixed-window counters live: memory for one instance, Redis when several share them. */
export abstract class RateLimitStore {
  abstract increment(key: string, windowSeconds: number): Promise<WindowCount>;
  abstract reset(key: string): Promise<void>;
}

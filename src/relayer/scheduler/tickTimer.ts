/**
 * Runs the scheduler's tick when something asks for one: as soon as possible (`soon`), at a
 * time (`at`), and at least every `intervalMs` once started. Ticks never overlap: asked for
 * during a tick, another runs right after it. Several asks before a tick runs make one tick.
 *
 * @example
 * const timer = new TickTimer(() => scheduler.tick(), (error) => log.error(error));
 * timer.start(250);
 * timer.soon(); // a new head: tick now
 */
export class TickTimer {
  readonly #tick: () => Promise<void>;
  readonly #onError: (fields: Record<string, unknown>) => void;
  #running = false;
  #again = false;
  #started = false;
  #intervalMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(tick: () => Promise<void>, onError: (fields: Record<string, unknown>) => void) {
    this.#tick = tick;
    this.#onError = onError;
  }

  start(intervalMs: number): void {
    this.#started = true;
    this.#intervalMs = intervalMs;
    this.soon();
  }

  stop(): void {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /** A tick as soon as possible (right after the running one, if any). */
  soon(): void {
    this.at(Date.now());
  }

  /**
   * A tick at `timeMs` (wall clock), unless one is due earlier already. A time beyond the next
   * interval tick is left to that tick (and timers stay within what `setTimeout` can wait).
   */
  at(timeMs: number): void {
    if (!this.#started) return;
    if (timeMs > Date.now() + this.#intervalMs) return;
    if (this.#running && timeMs <= Date.now()) {
      this.#again = true;
      return;
    }
    if (timeMs >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = timeMs;
    this.#timer = setTimeout(() => void this.#run(), Math.max(0, timeMs - Date.now()));
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#running || !this.#started) return;
    this.#running = true;
    try {
      await this.#tick();
    } catch (error) {
      this.#onError({ error: String(error) });
    } finally {
      this.#running = false;
    }
    if (!this.#started) return;
    const again = this.#again;
    this.#again = false;
    this.at(again ? Date.now() : Date.now() + this.#intervalMs);
  }
}

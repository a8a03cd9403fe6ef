import type { IntentStore } from "../store/IntentStore.js";
import type {
  IntentReason,
  IntentRecord,
  IntentRecordPatch,
  RelayerIntentStatus,
} from "../types.js";
import { BlockThrottle } from "./blockThrottle.js";
import type { SchedulerHooks } from "./types.js";

/**
 * Writes what the scheduler decides about intents: status changes (only when something
 * changes), final statuses with their hooks and logs, and the per-intent memory of the
 * scheduler, forgotten once an intent is final.
 *
 * @example
 * const recorder = new IntentRecorder(store, hooks);
 * await recorder.final(record, "rejected", { code: "canceled", message: "the wallet's owner canceled it" });
 */
export class IntentRecorder {
  /**
   * Intents a batch did not relay (skipped in a simulated or a mined batch): the next time
   * they are ready they are sent alone, so an intent that can only be relayed alone (say, one
   * whose relay checks its caller) is not left out of batch after batch.
   */
  readonly solo = new Set<string>();
  /** Waiting intents simulated (to evict the ones that can never be relayed) at most once per block. */
  readonly vetted = new BlockThrottle();

  constructor(
    readonly store: IntentStore,
    readonly hooks: SchedulerHooks = {},
    /** Told of every record whose status (or hold) changed: the scheduler's index of active intents. */
    readonly onChange: (record: IntentRecord) => void = () => undefined,
  ) {}

  /** Applies `patch` to `record`, in the store and in memory, if it changes anything. */
  async set(record: IntentRecord, patch: IntentRecordPatch): Promise<void> {
    const changed = Object.entries(patch).some(
      ([key, value]) => (record as unknown as Record<string, unknown>)[key] !== value,
    );
    if (!changed) return;
    await this.store.update(record.id, patch, Date.now());
    Object.assign(record, patch);
    this.onChange(record);
  }

  /** Gives `record` its final `status` (with `reason` and `extra` fields), for good. */
  async final(
    record: IntentRecord,
    status: RelayerIntentStatus,
    reason?: IntentReason,
    extra: IntentRecordPatch = {},
  ): Promise<void> {
    await this.set(record, { ...extra, status, reason, holdUntil: undefined });
    this.solo.delete(record.id);
    this.vetted.forget(record.id);
    this.hooks.onFinal?.(record, status, (Date.now() - record.createdAt) / 1000);
    this.log("info", `intent ${status}`, { id: record.id, reason: reason?.code });
  }

  /** Runs `action` on the stored record of each of `ids` (unknown ones are skipped). */
  async forEachRecord(
    ids: string[] | undefined,
    action: (record: IntentRecord) => Promise<void>,
  ): Promise<void> {
    for (const id of ids ?? []) {
      const record = await this.store.get(id);
      if (record !== undefined) await action(record);
    }
  }

  log(
    level: "debug" | "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    this.hooks.log?.(level, message, fields);
  }
}

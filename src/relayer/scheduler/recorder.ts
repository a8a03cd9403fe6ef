import type { IntentStore } from "../store/IntentStore.js";
import { LeaseLostError } from "../store/leases.js";
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
    /** Told of every record whose lease another fleet member took: no longer this process's work. */
    readonly onLost: (record: IntentRecord) => void = () => undefined,
  ) {}

  /**
   * Applies `patch` to `record`, in the store and in memory, if it changes anything; whether
   * it did. In a fleet, an intent whose lease another process took is changed nowhere: it is
   * no longer this process's work (`lost`).
   */
  async set(record: IntentRecord, patch: IntentRecordPatch): Promise<boolean> {
    const changed = Object.entries(patch).some(
      ([key, value]) => (record as unknown as Record<string, unknown>)[key] !== value,
    );
    if (!changed) return false;
    try {
      await this.store.update(record.id, patch, Date.now());
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      this.lost(record, error);
      return false;
    }
    Object.assign(record, patch);
    this.onChange(record);
    return true;
  }

  /** `record`'s lease was taken by another fleet member (`error` says who): forgotten here. */
  lost(record: IntentRecord, error: LeaseLostError): void {
    this.solo.delete(record.id);
    this.vetted.forget(record.id);
    this.onLost(record);
    this.log("info", "lease lost: another relayer works this intent now", {
      id: record.id,
      holder: error.currentHolder,
    });
  }

  /** Gives `record` its final `status` (with `reason` and `extra` fields), for good. */
  async final(
    record: IntentRecord,
    status: RelayerIntentStatus,
    reason?: IntentReason,
    extra: IntentRecordPatch = {},
  ): Promise<void> {
    const changed = await this.set(record, { ...extra, status, reason, holdUntil: undefined });
    if (!changed) return;
    this.solo.delete(record.id);
    this.vetted.forget(record.id);
    this.hooks.onFinal?.(record, status, (Date.now() - record.createdAt) / 1000);
    this.log("info", `intent ${status}`, { id: record.id, reason: reason?.code });
  }

  /** Runs `action` on the stored record of each of `ids` (unknown ones are skipped). */
  async forEachRecord(
    ids: string[] | undefined,
    action: (record: IntentRecord) => Promise<unknown>,
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

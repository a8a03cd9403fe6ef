import type { PostgresDatabase } from "./connection.js";
import { refusedUpdate } from "./fencing.js";
import { updateStatement } from "./statements.js";
import { TurnBatcher } from "./turnBatcher.js";

/** One fenced update: the intent's lowercase ID and the columns it sets. */
interface IntentUpdate {
  key: string;
  columns: Record<string, unknown>;
}

/**
 * The fenced intent updates of one event-loop turn: those that set the same columns to the
 * same values (the intents of one mined batch becoming `relayed` together, say) are one
 * `UPDATE ... WHERE id = ANY(...) AND lease_holder = holder`, run in the order their first
 * call came. An update that changed no row answers `refusedUpdate`'s error:
 * `RecordNotFoundError`, or `LeaseLostError` naming who leases the intent.
 *
 * @example
 * const updates = new IntentUpdates(db, { address: holder, key: holder.toLowerCase() });
 * await updates.update(id, intentUpdateToColumns(patch, now));
 */
export class IntentUpdates {
  readonly #batcher: TurnBatcher<IntentUpdate, true>;

  constructor(db: PostgresDatabase, holder: { address: string; key: string }) {
    this.#batcher = new TurnBatcher(async (updates) => {
      const answers = new Map<IntentUpdate, true | Error>();
      for (const group of sameColumns(updates)) {
        const applied = await applyGroup(db, group, holder.key);
        for (const update of group) {
          answers.set(
            update,
            applied.has(update.key)
              ? true
              : await db.connection((client) => refusedUpdate(client, update.key, holder.address)),
          );
        }
      }
      return updates.map((update) => answers.get(update)!);
    });
  }

  /** Sets `columns` of intent `key` if the holder leases it; else throws why not. */
  update(key: string, columns: Record<string, unknown>): Promise<true> {
    return this.#batcher.load({ key, columns });
  }

  /** Runs the calls collected so far and waits for every batch (before the pool closes). */
  drain(): Promise<void> {
    return this.#batcher.drain();
  }
}

/** `updates` in groups that set the same columns to the same values, in first-call order. */
function sameColumns(updates: IntentUpdate[]): IntentUpdate[][] {
  const groups = new Map<string, IntentUpdate[]>();
  for (const update of updates) {
    const signature = JSON.stringify(Object.entries(update.columns));
    const group = groups.get(signature) ?? [];
    group.push(update);
    groups.set(signature, group);
  }
  return [...groups.values()];
}

/** One UPDATE of every intent of `group` the holder leases; the IDs it changed. */
async function applyGroup(
  db: PostgresDatabase,
  group: IntentUpdate[],
  holderKey: string,
): Promise<Set<string>> {
  const keys = [...new Set(group.map((update) => update.key))];
  const { text, values } = updateStatement("intents", group[0].columns, {
    lease_holder: holderKey,
  });
  const { rows } = await db.query<{ id: string }>(
    `${text} AND id = ANY($${values.length + 1}::text[]) RETURNING id`,
    [...values, keys],
  );
  return new Set(rows.map((row) => row.id));
}

import type { IntentStore } from "../store/IntentStore.js";
import type { IntentRecord } from "../types.js";

/** Most wallets remembered; past it the oldest is forgotten (at worst a second creating relay). */
const MAX_CREATING = 10_000;

/** The intent whose relay creates a wallet, and whether its transaction is being sent now. */
interface Creator {
  id: string;
  sending: boolean;
}

/**
 * One creating relay per wallet at a time: while the relay of one intent of a wallet that does
 * not exist yet is being sent or is in flight (its record `submitted`), the other intents of
 * that wallet wait (`queued`) instead of going through the factory too, and are relayed on the
 * wallet once it exists. Only an economy: `createWalletAndRelay` deploys the wallet unless it
 * exists, so a second creating relay (after a restart, say, when this memory is empty) only
 * relays, and reverts nothing.
 *
 * @example
 * const gate = new CreationGate(store);
 * if (await gate.claim(record)) try { await send(record); } finally { gate.settle(record); }
 */
export class CreationGate {
  readonly #creators = new Map<string, Creator>();

  constructor(readonly store: Pick<IntentStore, "get">) {}

  /**
   * Whether `record` may send the relay that creates its wallet: no other intent of the wallet
   * is being sent or in flight doing so. If it may, it is the wallet's creator from now on.
   *
   * @example
   * if (!(await gate.claim(record))) await recorder.set(record, { status: "queued" });
   */
  async claim(record: IntentRecord): Promise<boolean> {
    const creator = this.#creators.get(record.wallet);
    if (creator !== undefined && creator.id !== record.id && (await this.#busy(creator))) {
      return false;
    }
    this.#creators.delete(record.wallet); // re-inserted last: the oldest are forgotten first
    if (this.#creators.size >= MAX_CREATING) this.#forgetOldest();
    this.#creators.set(record.wallet, { id: record.id, sending: true });
    return true;
  }

  /**
   * The send of `record`'s creating relay is over (sent or failed): from now on its record's
   * status says whether it is in flight.
   *
   * @example
   * try { await send(record); } finally { gate.settle(record); }
   */
  settle(record: IntentRecord): void {
    const creator = this.#creators.get(record.wallet);
    if (creator?.id === record.id) creator.sending = false;
  }

  /** Whether `creator`'s relay is being sent, or was sent and is in flight (`submitted`). */
  async #busy(creator: Creator): Promise<boolean> {
    if (creator.sending) return true;
    return (await this.store.get(creator.id))?.status === "submitted";
  }

  #forgetOldest(): void {
    const oldest = this.#creators.keys().next().value;
    if (oldest !== undefined) this.#creators.delete(oldest);
  }
}

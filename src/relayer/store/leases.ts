import type { IntentRecord, TransactionRecord } from "../types.js";

/**
 * A fleet's leases on the intents it shares, kept by a shared store (`PostgresIntentStore`):
 * each active intent is worked by one relayer process at a time, the one that holds its lease.
 * A process's name in the leases is its relayer account's address (one key per process), so a
 * process that restarts finds its own leases again. Lease times are the database's clock, so
 * the processes' clocks need not agree.
 *
 * A store with leases fences what a holder writes:
 * - `insert` leases the new intent to the holder that accepted it;
 * - `update` changes only an intent the holder leases (else `LeaseLostError`);
 * - `insertTransaction` records a relay transaction only while every intent it carries is
 *   leased to the holder and the lease has not ended, in one database transaction that locks
 *   those intents (else `LeaseLostError`, and nothing is recorded): a transaction is recorded
 *   before it is broadcast, so a relayer that lost a lease never broadcasts its intents, and
 *   the one that took the lease over sees every transaction recorded before.
 * - transactions are the holder's own: `listPendingTransactions` and `maxNonce` read only the
 *   transactions its account signed.
 *
 * @example
 * const leases = store.leases;
 * if (leases !== undefined) {
 *   await leases.renew();
 *   for (const { record, previousHolder } of await leases.claim(500)) scheduler.admit(record);
 * }
 */
export interface IntentLeases {
  /** This process's name in the leases: its relayer address, checksummed. */
  readonly holder: string;
  /** How long a lease lasts after it is taken or renewed, in ms. */
  readonly leaseMs: number;
  /**
   * Extends to now + `leaseMs` every lease the holder has on an intent whose status is not
   * final, whether or not it has ended (if no one took it meanwhile); returns how many.
   */
  renew(): Promise<number>;
  /**
   * Takes up to `limit` intents whose status is not final and that no one leases, or whose
   * lease has ended (the holder's own included), oldest first, skipping those another
   * process is locking (`FOR UPDATE SKIP LOCKED`); each leased to the holder until now +
   * `leaseMs`, returned with who held it before (`undefined`: no one).
   */
  claim(limit: number): Promise<ClaimedIntent[]>;
  /** The intents the holder leases whose status is not final (a restart's own work), oldest first. */
  listHeld(): Promise<IntentRecord[]>;
  /**
   * The transactions of other relayers, still `pending` in the store, that carry any of
   * `ids` (any hex case): what a takeover must let the chain settle before it relays them.
   */
  pendingTransactionsCarrying(ids: string[]): Promise<ForeignTransaction[]>;
  /** The fleet's work: intents not final, by holder, and how many no live lease covers. */
  backlog(): Promise<FleetBacklog>;
}

/**
 * An intent `claim` leased to the holder, and who held it before.
 *
 * @example
 * const taken: ClaimedIntent = { record, previousHolder: "0xAb…" };
 */
export interface ClaimedIntent {
  record: IntentRecord;
  /** The holder whose lease had ended, checksummed; `undefined` if no one held it. */
  previousHolder?: string;
}

/**
 * A relay transaction another relayer signed, as `pendingTransactionsCarrying` returns it.
 *
 * @example
 * const nonceUsed = (await provider.getTransactionCount(tx.sender, "latest")) > tx.nonce;
 */
export interface ForeignTransaction extends TransactionRecord {
  /** The relayer address that signed it, checksummed. */
  sender: string;
}

/**
 * The fleet's backlog, as `/health` reports it.
 *
 * @example
 * const { active, unleased, byHolder } = await leases.backlog();
 */
export interface FleetBacklog {
  /** Intents whose status is not final. */
  active: number;
  /** Of them, those no live lease covers (no holder, or the lease ended). */
  unleased: number;
  /** Of them, how many each holder's live leases cover, by checksummed address. */
  byHolder: Record<string, number>;
}

/**
 * A write refused because the holder does not (or no longer) lease the intent: another
 * relayer took it over after the lease ended, or it was never this holder's. Nothing was
 * written.
 *
 * @example
 * if (error instanceof LeaseLostError) scheduler.forget(error.id);
 */
export class LeaseLostError extends Error {
  constructor(
    readonly id: string,
    readonly holder: string,
    readonly currentHolder: string | undefined,
  ) {
    super(
      `intent ${id} is not leased to ${holder}${currentHolder === undefined ? "" : ` (${currentHolder} holds it)`}`,
    );
    this.name = "LeaseLostError";
  }
}

import type { SignedIntent } from "../../protocol/intent/types.js";
import type { RelayerHealthResponse } from "../../protocol/relayerApi/types.js";
import type { Outcome } from "../refusal.js";
import type { IntentPage, IntentRecord } from "../types.js";

/**
 * The outcome of a submission: the record and whether it was already known (same ID and
 * signature), or a refusal of docs/relayer-api.md section 3.
 *
 * @example
 * const outcome: SubmitOutcome = { ok: true, record, alreadyKnown: false };
 */
export type SubmitOutcome = Outcome<{ record: IntentRecord; alreadyKnown: boolean }>;

/**
 * The outcome of listing a wallet's intents: a page, or `invalid_field` for a cursor this
 * relayer never gave out.
 *
 * @example
 * const outcome: ListOutcome = { ok: true, page: { intents: [] } };
 */
export type ListOutcome = Outcome<{ page: IntentPage }>;

/**
 * The outcome of `/health`: the health (bigints as such: the HTTP layer encodes them), or
 * `unavailable` naming the failing component.
 *
 * @example
 * const outcome: HealthOutcome = refused("unavailable", "the JSON-RPC endpoint does not answer", { component: "rpc" }, 5);
 */
export type HealthOutcome = Outcome<{ health: RelayerHealthResponse }>;

/**
 * What the HTTP layer needs from the relayer; the HTTP layer checks every body first. Every
 * refusal is returned as an outcome (`{ ok: false, refusal }`), never thrown; only the HTTP
 * layer maps refusal codes to HTTP statuses. A rejected promise is a fault
 * (`500 internal_error`).
 *
 * @example
 * const outcome = await service.submit(signed);
 * if (!outcome.ok) console.log(outcome.refusal.code); // e.g. "expired"
 */
export interface RelayerService {
  /** Checks and persists `signed` (already schema-checked by `parseSignedIntent`). */
  submit(signed: SignedIntent): Promise<SubmitOutcome>;
  get(id: string): Promise<IntentRecord | undefined>;
  listByWallet(wallet: string, options: { limit: number; cursor?: string }): Promise<ListOutcome>;
  health(): Promise<HealthOutcome>;
  /** Prometheus text for `/metrics`. */
  metrics(): Promise<string>;
}

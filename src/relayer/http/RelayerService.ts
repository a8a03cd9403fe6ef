import type { SignedIntent } from "../../sdk/intent/signIntent.js";
import type { IntentPage, IntentRecord } from "../types.js";

/** A refusal the HTTP layer answers as `{ error: { code, message, details } }` with `status`. */
export class RelayerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds, for 429 answers (`Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "RelayerRefusal";
  }
}

/** What the HTTP layer needs from the relayer; the HTTP layer checks every body first. */
export interface RelayerService {
  /**
   * Checks and persists `signed` (already schema-checked by `parseSignedIntent`). Resolves with
   * the record and whether it was already known (same ID and signature); rejects with a
   * `RelayerRefusal` for every refusal of docs/relayer-api.md section 3.
   */
  submit(signed: SignedIntent): Promise<{ record: IntentRecord; alreadyKnown: boolean }>;
  get(id: string): Promise<IntentRecord | undefined>;
  listByWallet(wallet: string, options: { limit: number; cursor?: string }): Promise<IntentPage>;
  /** `/health`: throws a RelayerRefusal(503, "unavailable") when it cannot serve. */
  health(): Promise<Record<string, unknown>>;
  /** Prometheus text for `/metrics`. */
  metrics(): Promise<string>;
}

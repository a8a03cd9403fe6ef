import type { SignedIntent } from "../../protocol/intent/types.js";
import type { IntentPage, IntentRecord } from "../types.js";

/** What the HTTP layer needs from the relayer; the HTTP layer checks every body first. */
export interface RelayerService {
  /**
   * Checks and persists `signed` (already schema-checked by `parseSignedIntent`). Resolves with
   * the record and whether it was already known (same ID and signature); rejects with a
   * `RelayerRefusal` (`../refusal.ts`) for every refusal of docs/relayer-api.md section 3.
   */
  submit(signed: SignedIntent): Promise<{ record: IntentRecord; alreadyKnown: boolean }>;
  get(id: string): Promise<IntentRecord | undefined>;
  listByWallet(wallet: string, options: { limit: number; cursor?: string }): Promise<IntentPage>;
  /** `/health`: throws a `RelayerRefusal` with code `unavailable` when it cannot serve. */
  health(): Promise<Record<string, unknown>>;
  /** Prometheus text for `/metrics`. */
  metrics(): Promise<string>;
}

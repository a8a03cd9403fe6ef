import type { RelayerService } from "../../src/relayer/http/RelayerService.js";
import type { IntentRecord } from "../../src/relayer/types.js";
import type { SignedIntent } from "../../src/sdk/index.js";

/**
 * The record of `signed` just accepted: `queued`, created and updated now.
 *
 * @example
 * const record = queuedRecord(signed); // record.status === "queued"
 */
export function queuedRecord(signed: SignedIntent): IntentRecord {
  const now = Date.now();
  return {
    id: signed.id,
    wallet: signed.wallet,
    signed,
    status: "queued",
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A `RelayerService` for HTTP tests that accepts every signed intent it is handed (remembering
 * them in `submitted`), knows no intent, lists nothing and is healthy: what the HTTP layer
 * answers is then the HTTP layer's own doing.
 *
 * @example
 * const service = new AcceptingRelayerService();
 * const server = createRelayerHttpServer({ service, metrics: new RelayerMetrics(), logger });
 */
export class AcceptingRelayerService implements RelayerService {
  readonly submitted: SignedIntent[] = [];

  async submit(signed: SignedIntent) {
    this.submitted.push(signed);
    return { ok: true as const, record: queuedRecord(signed), alreadyKnown: false };
  }

  async get(): Promise<IntentRecord | undefined> {
    return undefined;
  }

  async listByWallet() {
    return { ok: true as const, page: { intents: [] } };
  }

  async health() {
    return {
      ok: true as const,
      health: {
        status: "ok" as const,
        chainId: 31337n,
        relayer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        blockNumber: 1n,
        balance: 0n,
        nonce: 0,
        pending: 0,
      },
    };
  }

  async metrics(): Promise<string> {
    return "";
  }
}

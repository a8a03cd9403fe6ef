import { getAddress } from "ethers";

import type { IntentRecord, RelayerIntentStatus } from "../types.js";
import { toJsonValue } from "./json.js";

/** The JSON of an intent's status (docs/relayer-api.md, `GET /v1/intents/:id`). */
export interface IntentStatusJson {
  /** Lowercase. */
  id: string;
  /** Checksummed. */
  wallet: string;
  status: RelayerIntentStatus;
  /** Lowercase; from the first submission on. */
  txHash?: string;
  /** Decimal string. */
  blockNumber?: string;
  /** Checksummed. */
  relayedBy?: string;
  reason?: { code: string; message: string; details?: Record<string, unknown> };
  /** ISO 8601 UTC with milliseconds. */
  createdAt: string;
  updatedAt: string;
}

/**
 * An intent record as the API writes it: bigints as decimal strings (`blockNumber` and any in
 * `reason.details`), times as ISO 8601 UTC strings, hashes lowercase, addresses checksummed,
 * absent fields left out. The signed intent itself is not repeated.
 *
 * @example
 * renderIntent({ id, wallet, signed, status: "relayed", txHash, blockNumber: 42n, relayedBy, createdAt: 1748779200000, updatedAt: 1748779202314 });
 * // { id, wallet, status: "relayed", txHash, blockNumber: "42", relayedBy, createdAt: "2025-06-01T12:00:00.000Z", updatedAt: "2025-06-01T12:00:02.314Z" }
 */
export function renderIntent(record: IntentRecord): IntentStatusJson {
  const { reason } = record;
  return {
    id: record.id.toLowerCase(),
    wallet: getAddress(record.wallet.toLowerCase()),
    status: record.status,
    ...(record.txHash === undefined ? {} : { txHash: record.txHash.toLowerCase() }),
    ...(record.blockNumber === undefined ? {} : { blockNumber: record.blockNumber.toString(10) }),
    ...(record.relayedBy === undefined
      ? {}
      : { relayedBy: getAddress(record.relayedBy.toLowerCase()) }),
    ...(reason === undefined
      ? {}
      : {
          reason: {
            code: reason.code,
            message: reason.message,
            ...(reason.details === undefined
              ? {}
              : { details: toJsonValue(reason.details) as Record<string, unknown> }),
          },
        }),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

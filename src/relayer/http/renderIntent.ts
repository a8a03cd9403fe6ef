import { z } from "zod";

import { intentStatusResponseSchema } from "../../protocol/relayerApi/schemas.js";
import type { IntentStatusJson, IntentStatusResponse } from "../../protocol/relayerApi/types.js";
import type { IntentRecord } from "../types.js";
import { toJsonValue } from "./json.js";
import { checksummed } from "../../protocol/schema/checksum.js";

export type { IntentStatusJson };

/**
 * The status of an intent record as the API tells it (`IntentStatusResponse`): times as ISO 8601
 * UTC strings, hashes lowercase, addresses checksummed, `reason.details` plain JSON (bigints in
 * it as decimal strings), absent fields left out. The signed intent itself is not repeated.
 *
 * @example
 * const status = intentStatusOf(record); // { id, wallet, status, blockNumber: 42n, createdAt: "2025-06-01T12:00:00.000Z", … }
 */
export function intentStatusOf(record: IntentRecord): IntentStatusResponse {
  const { reason } = record;
  return {
    id: record.id.toLowerCase(),
    wallet: checksummed(record.wallet),
    status: record.status,
    ...(record.txHash === undefined ? {} : { txHash: record.txHash.toLowerCase() }),
    ...(record.blockNumber === undefined ? {} : { blockNumber: record.blockNumber }),
    ...(record.relayedBy === undefined ? {} : { relayedBy: checksummed(record.relayedBy) }),
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

/**
 * An intent record as the API writes it (docs/relayer-api.md, `GET /v1/intents/:id`): its
 * status (`intentStatusOf`) encoded through the protocol's `intentStatusResponseSchema`, so
 * `blockNumber` is a decimal string and nothing the schema refuses goes out.
 *
 * @example
 * renderIntent({ id, wallet, signed, status: "relayed", txHash, blockNumber: 42n, relayedBy, createdAt: 1748779200000, updatedAt: 1748779202314 });
 * // { id, wallet, status: "relayed", txHash, blockNumber: "42", relayedBy, createdAt: "2025-06-01T12:00:00.000Z", updatedAt: "2025-06-01T12:00:02.314Z" }
 */
export function renderIntent(record: IntentRecord): IntentStatusJson {
  return z.encode(intentStatusResponseSchema, intentStatusOf(record));
}

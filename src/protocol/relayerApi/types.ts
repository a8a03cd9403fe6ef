import type { z } from "zod";

import type {
  intentStatusResponseSchema,
  listWalletIntentsResponseSchema,
  relayerErrorResponseSchema,
  relayerHealthResponseSchema,
  relayerIntentStatusReasonSchema,
  submitIntentResponseSchema,
} from "./schemas.js";

/**
 * Types of the relayer's HTTP JSON API, as docs/relayer-api.md defines it, each the output or
 * input of its schema in `./schemas.js`: `*Response` types are what `RelayerClient` returns
 * (on-chain integers as `bigint`), `*Json` types the JSON on the wire (decimal strings).
 */
export * from "./statuses.js";
export * from "./errorCodes.js";

/**
 * Why an intent was rejected, failed or expired (the `reason` of a status).
 *
 * @example
 * const { reason } = await relayer.status(id);
 * if (reason?.code === "simulation_failed") console.error(reason.message); // e.g. IntentExpired(0x…, 1732000000)
 */
export type RelayerIntentStatusReason = z.output<typeof relayerIntentStatusReasonSchema>;

/**
 * The answer of `POST /v1/intents` as `RelayerClient.submit` returns it.
 *
 * @example
 * const { id, status, alreadyKnown } = await relayer.submit(signed);
 */
export interface SubmitIntentResponse extends z.output<typeof submitIntentResponseSchema> {
  /** True when the relayer knew this exact signed intent already (HTTP 200 instead of 202). */
  alreadyKnown: boolean;
}

/**
 * The JSON of the answer of `POST /v1/intents`: `{ id, status }`.
 *
 * @example
 * const body: SubmitIntentJson = { id, status: "queued" };
 */
export type SubmitIntentJson = z.input<typeof submitIntentResponseSchema>;

/**
 * The answer of `GET /v1/intents/:id`: what became of an intent.
 *
 * @example
 * const { status, txHash, blockNumber } = await relayer.status(id);
 */
export type IntentStatusResponse = z.output<typeof intentStatusResponseSchema>;

/**
 * The JSON of an intent's status: `blockNumber` a decimal string.
 *
 * @example
 * const body: IntentStatusJson = z.encode(intentStatusResponseSchema, status);
 */
export type IntentStatusJson = z.input<typeof intentStatusResponseSchema>;

/**
 * The answer of `GET /v1/wallets/:address/intents`.
 *
 * @example
 * const { intents, nextCursor } = await relayer.listWalletIntents(wallet);
 */
export type ListWalletIntentsResponse = z.output<typeof listWalletIntentsResponseSchema>;

/**
 * The JSON of a page of a wallet's intents.
 *
 * @example
 * const body: ListWalletIntentsJson = { intents: [], nextCursor: undefined };
 */
export type ListWalletIntentsJson = z.input<typeof listWalletIntentsResponseSchema>;

/**
 * The answer of `GET /health`.
 *
 * @example
 * const { chainId, balance } = await relayer.health();
 * if (balance < 10n ** 17n) console.warn("relayer account low on ETH");
 */
export type RelayerHealthResponse = z.output<typeof relayerHealthResponseSchema>;

/**
 * The JSON of the answer of `GET /health`: `chainId`, `blockNumber`, `balance` decimal strings.
 *
 * @example
 * const body: RelayerHealthJson = z.encode(relayerHealthResponseSchema, health);
 */
export type RelayerHealthJson = z.input<typeof relayerHealthResponseSchema>;

/**
 * The body of an error answer: `{ error: { code, message, details? } }`.
 *
 * @example
 * const body: RelayerErrorJson = { error: { code: "not_found", message: "no intent 0x…" } };
 */
export type RelayerErrorJson = z.input<typeof relayerErrorResponseSchema>;

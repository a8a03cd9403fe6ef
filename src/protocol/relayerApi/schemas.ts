import { z } from "zod";

import { address, arrayOf, bytes32, expected, uint256 } from "../schema/primitives.js";
import { RELAYER_INTENT_STATUSES } from "./statuses.js";

/**
 * The relayer HTTP API's answers (docs/relayer-api.md sections 3 and 5), one zod codec per wire
 * object: `decode` reads the JSON of an answer (on-chain integers as decimal strings) into the
 * SDK's types (on-chain integers as `bigint`, addresses checksummed, hashes lowercase), and
 * `z.encode` writes them, checking them on the way. The relayer renders every answer through
 * them and `RelayerClient` reads every answer through them. Answers are open: a field these
 * schemas do not define is dropped when read, so the relayer may add fields without a new
 * version (requests, read by `signedIntentJsonSchema`, are strict).
 */

/** An object of an answer: fields it does not define are dropped, not refused. */
function answerObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.object(shape, { error: expected("an object") });
}

/**
 * A status of `RELAYER_INTENT_STATUSES`.
 *
 * @example
 * relayerIntentStatusSchema.parse("queued"); // "queued"
 */
export const relayerIntentStatusSchema = z.enum(RELAYER_INTENT_STATUSES, {
  error: expected(`one of ${RELAYER_INTENT_STATUSES.join(", ")}`),
});

/** A time the relayer reports: ISO 8601, UTC (`2025-06-01T12:00:00.000Z`). */
const isoTime = z.iso.datetime({ error: expected("an ISO 8601 UTC time") });

/** An object of named JSON values: the `details` of a reason or of an error. */
const details = z.record(z.string(), z.unknown(), { error: expected("an object") });

/**
 * Why an intent is waiting, was rejected, failed or expired: `{ code, message, details? }`.
 *
 * @example
 * relayerIntentStatusReasonSchema.parse({ code: "call_reverted", message: "WalletCallReverted(0, 0x)" });
 */
export const relayerIntentStatusReasonSchema = answerObject({
  /** A stable, machine-readable code, e.g. `simulation_failed` (see docs/relayer-api.md). */
  code: z.string({ error: expected("a string") }),
  /** A readable explanation, e.g. `WalletCallReverted(0, TargetFailed(7))`. */
  message: z.string({ error: expected("a string") }),
  /** Extra fields, e.g. `{ revertData }`, as the relayer sent them. */
  details: details.optional(),
});

/**
 * The answer of `POST /v1/intents` (`202` for a new intent, `200` for one already known).
 *
 * @example
 * const json = z.encode(submitIntentResponseSchema, { id, status: "queued" });
 */
export const submitIntentResponseSchema = answerObject({
  /** The intent's ID, as the relayer computed it. */
  id: bytes32,
  status: relayerIntentStatusSchema,
});

/**
 * The answer of `GET /v1/intents/:id`: what became of an intent; also each entry of a wallet's
 * list.
 *
 * @example
 * const { status, blockNumber } = intentStatusResponseSchema.decode(JSON.parse(text)); // blockNumber: bigint
 */
export const intentStatusResponseSchema = answerObject({
  id: bytes32,
  wallet: address,
  status: relayerIntentStatusSchema,
  /** The hash of the (latest) relay transaction, once one was sent. */
  txHash: bytes32.optional(),
  /** The block the relay was mined in (`relayed`, `failed`; `submitted` once mined, unconfirmed). */
  blockNumber: uint256().optional(),
  /** Who relayed the intent (for `relayed` and `failed`): this relayer, or another one. */
  relayedBy: address.optional(),
  /** Why the intent was rejected, failed or expired. */
  reason: relayerIntentStatusReasonSchema.optional(),
  /** When the relayer accepted the intent (ISO 8601, UTC). */
  createdAt: isoTime,
  /** When the status last changed (ISO 8601, UTC). */
  updatedAt: isoTime,
});

/**
 * The answer of `GET /v1/wallets/:address/intents`.
 *
 * @example
 * const { intents, nextCursor } = listWalletIntentsResponseSchema.decode(JSON.parse(text));
 */
export const listWalletIntentsResponseSchema = answerObject({
  /** The wallet's intents, newest first. */
  intents: arrayOf(intentStatusResponseSchema),
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor: z.string({ error: expected("a string") }).optional(),
});

/**
 * The fleet part of `/health`: how many intents this process leases, and the fleet's intents
 * not final (`active`), those no live lease covers (`unleased`: a process died and its leases
 * have not ended, or nobody has claimed them yet) and each holder's share.
 *
 * @example
 * const fleet = fleetHealthSchema.parse({ leases: 12, active: 40, unleased: 0, byHolder: { [relayer]: 12 } });
 */
export const fleetHealthSchema = answerObject({
  leases: z.int({ error: expected("a count") }).nonnegative(),
  active: z.int({ error: expected("a count") }).nonnegative(),
  unleased: z.int({ error: expected("a count") }).nonnegative(),
  byHolder: z.record(address, z.int({ error: expected("a count") }).nonnegative()),
});

/**
 * The answer of `GET /health`.
 *
 * @example
 * const json = z.encode(relayerHealthResponseSchema, { status: "ok", chainId: 31337n, relayer, blockNumber: 42n, balance, pending: 3 });
 */
export const relayerHealthResponseSchema = answerObject({
  status: z.literal("ok", { error: expected('"ok"') }),
  /** The chain the relayer serves. */
  chainId: uint256(1n),
  /** The relayer's account, which sends (and pays for) relay transactions. */
  relayer: address,
  /** The latest block the relayer saw. */
  blockNumber: uint256(),
  /**
   * The latest block whose wallet events the relayer has applied: submissions are judged by
   * the chain's state at this block. Absent until it has read one.
   */
  followedBlock: uint256().optional(),
  /** The relayer account's balance, in wei. */
  balance: uint256(),
  /**
   * The relayer account's next nonce, its transactions in the node's pool counted (a count).
   * Optional so that a client still reads the health of a relayer older than this field.
   */
  nonce: z
    .int({ error: expected("a count") })
    .nonnegative()
    .optional(),
  /** How many accepted intents are not final yet (a count, so a JSON number). */
  pending: z.int({ error: expected("a count") }).nonnegative(),
  /** With a database shared by a fleet of relayers: this process's leases and the fleet's backlog. */
  fleet: fleetHealthSchema.optional(),
});

/**
 * The body of every `4xx` and `5xx` answer: `{ error: { code, message, details? } }`. `code` is
 * one of `RELAYER_ERROR_CODES`, read as any string: a client keeps codes added later.
 *
 * @example
 * const json = z.encode(relayerErrorResponseSchema, { error: { code: "not_found", message: "no such intent" } });
 */
export const relayerErrorResponseSchema = answerObject({
  error: answerObject({
    code: z.string({ error: expected("a string") }),
    /** One sentence naming the problem. */
    message: z.string({ error: expected("a string") }),
    /** Structured details, by code (docs/relayer-api.md section 5). */
    details: details.optional(),
  }),
});

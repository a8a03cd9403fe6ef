/**
 * What a failed `eth_sendRawTransaction` means for the transaction:
 * - `already_known`: the node has it already (a rebroadcast, or a retry after a lost answer): a success;
 * - `nonce_too_low`: its nonce is used: by it, by a replacement of it, or by someone else;
 * - `underpriced`: the node holds another transaction of that nonce that pays more;
 * - `rejected`: the node refused it for good (funds, fees below the base fee, gas, ...);
 * - `unknown`: no answer from the node (timeout, connection, rate limit): it may have been accepted.
 */
export type BroadcastErrorKind =
  "already_known" | "nonce_too_low" | "underpriced" | "rejected" | "unknown";

/** JSON-RPC codes that say the endpoint is overloaded or failing, not that the transaction is bad. */
const TRANSIENT_RPC_CODES = new Set([-32005, -32603, 429]);

/** Ethers error codes a node's refusal of a transaction is mapped to. */
const REJECTION_ETHERS_CODES = new Set([
  "INSUFFICIENT_FUNDS",
  "CALL_EXCEPTION",
  "UNSUPPORTED_OPERATION",
  "INVALID_ARGUMENT",
]);

/** What an error and its nested causes say: their messages and codes. */
interface ErrorParts {
  messages: string[];
  ethersCodes: string[];
  rpcCodes: number[];
}

/** `ErrorParts` with the messages joined by ` | `, as the classification reads them. */
interface ErrorWords extends ErrorParts {
  text: string;
}

/** Walks the error and its nested causes (`error`, `info.error`, `cause`, `data`) a few levels deep. */
function collect(value: unknown, parts: ErrorParts, depth: number): void {
  if (depth > 4 || typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  for (const key of ["message", "shortMessage"]) {
    if (typeof record[key] === "string") parts.messages.push(record[key]);
  }
  if (typeof record.code === "string") parts.ethersCodes.push(record.code);
  if (typeof record.code === "number") parts.rpcCodes.push(record.code);
  const info = record.info as Record<string, unknown> | undefined;
  for (const nested of [record.error, info?.error, record.cause, record.data]) {
    collect(nested, parts, depth + 1);
  }
}

/** Whether the node says it has the transaction already. */
function isAlreadyKnown({ text }: ErrorWords): boolean {
  return /already known|known transaction|already imported|alreadyknown|already in (the )?(tx)?pool/i.test(
    text,
  );
}

/** Whether the node says the transaction's nonce is used. */
function isNonceTooLow({ ethersCodes, text }: ErrorWords): boolean {
  return (
    ethersCodes.includes("NONCE_EXPIRED") ||
    /nonce too low|nonce has already been used|nonce is too low|oldnonce/i.test(text)
  );
}

/** Whether the node holds a transaction of that nonce that pays more. */
function isUnderpriced({ ethersCodes, text }: ErrorWords): boolean {
  return (
    ethersCodes.includes("REPLACEMENT_UNDERPRICED") ||
    /replacement (transaction|fee)[^|]*(underpriced|too low)/i.test(text)
  );
}

/** Whether the node did not answer, or answered that it is overloaded or failing. */
function isNoAnswer({ ethersCodes, rpcCodes, text }: ErrorWords): boolean {
  return (
    ethersCodes.some((code) => code === "TIMEOUT" || code === "NETWORK_ERROR") ||
    rpcCodes.some((code) => TRANSIENT_RPC_CODES.has(code)) ||
    /timeout|timed out|rate limit|too many requests|econnrefused|econnreset|socket hang up|fetch failed/i.test(
      text,
    )
  );
}

/** Whether the node answered with a refusal: any JSON-RPC error, or one ethers maps refusals to. */
function isRefusal({ ethersCodes, rpcCodes }: ErrorWords): boolean {
  return rpcCodes.length > 0 || ethersCodes.some((code) => REJECTION_ETHERS_CODES.has(code));
}

/**
 * What a broadcast error is taken for, tried in this order: the first that matches wins (a
 * timeout with a JSON-RPC code is `unknown`, not `rejected`); none matches: `unknown`.
 */
const CLASSIFICATION: readonly {
  kind: BroadcastErrorKind;
  matches: (words: ErrorWords) => boolean;
}[] = [
  { kind: "already_known", matches: isAlreadyKnown },
  { kind: "nonce_too_low", matches: isNonceTooLow },
  { kind: "underpriced", matches: isUnderpriced },
  { kind: "unknown", matches: isNoAnswer },
  { kind: "rejected", matches: isRefusal },
];

/**
 * Classifies an error thrown by `provider.broadcastTransaction`, for an ethers
 * `JsonRpcProvider` (errors mapped by ethers, the node's JSON-RPC error nested in `error` or
 * `info.error`) and for Hardhat's in-process provider (a `ProviderError` with a numeric code).
 * Only an answer of the node is a definite refusal; anything else is `unknown`.
 *
 * @example
 * classifyBroadcastError(new Error("nonce too low: next nonce 5, tx nonce 4")); // "nonce_too_low"
 */
export function classifyBroadcastError(error: unknown): BroadcastErrorKind {
  const parts: ErrorParts = { messages: [], ethersCodes: [], rpcCodes: [] };
  collect(error, parts, 0);
  const words: ErrorWords = { ...parts, text: parts.messages.join(" | ") };
  return CLASSIFICATION.find(({ matches }) => matches(words))?.kind ?? "unknown";
}

/**
 * The most telling message of `error`, for logs: the node's own message when ethers wrapped it
 * (ethers says "could not coalesce error" for a refusal it does not recognize), else the
 * error's short message.
 */
export function errorMessage(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const record = error as Record<string, unknown>;
  const info = record.info as Record<string, unknown> | undefined;
  for (const nested of [record.error, info?.error]) {
    const message = (nested as Record<string, unknown> | undefined)?.message;
    if (typeof message === "string") return message;
  }
  if (typeof record.shortMessage === "string") return record.shortMessage;
  return typeof record.message === "string" ? record.message : String(error);
}

import { isError } from "ethers";

import { refused, type Refused } from "./refusal.js";

/**
 * Deadlines on the JSON-RPC reads the relayer answers a client with, and how a node that does
 * not answer is told apart from a fault: a node that is down, hung or paused makes the relayer
 * answer `503 unavailable` with `Retry-After` at once, instead of holding the client until the
 * provider's own timeout (minutes) and then answering `500 internal_error`.
 */

/**
 * Seconds a client should wait before trying again when the node does not answer.
 *
 * @example
 * reply.header("retry-after", String(RPC_RETRY_AFTER_SECONDS));
 */
export const RPC_RETRY_AFTER_SECONDS = 5;

/**
 * The reads of `what` did not answer within `timeoutMs`.
 *
 * @example
 * throw new RpcTimeoutError("eth_getCode", 5000); // "eth_getCode did not answer within 5000 ms"
 */
export class RpcTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = "RpcTimeoutError";
  }
}

/**
 * `work`, or an `RpcTimeoutError` once `timeoutMs` passed (the work itself goes on, unheard).
 *
 * @example
 * const block = await withDeadline(provider.getBlockNumber(), 750, "eth_blockNumber");
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RpcTimeoutError(what, timeoutMs)), Math.max(0, timeoutMs));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Node's codes of a connection that failed or broke. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Whether `error` says the node could not be reached or did not answer (a deadline passed, a
 * connection failed, the endpoint answered 5xx), as opposed to an answer about the request or
 * a bug, which stay faults.
 *
 * @example
 * isRpcUnreachable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })); // true
 */
export function isRpcUnreachable(error: unknown): boolean {
  if (error instanceof RpcTimeoutError) return true;
  if (isError(error, "TIMEOUT") || isError(error, "NETWORK_ERROR")) return true;
  if (isError(error, "SERVER_ERROR")) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isRpcUnreachable(cause);
}

/**
 * The `503 unavailable` refusal of a node that did not answer, with `Retry-After`. Its reason
 * says how (a deadline, a connection code) but never repeats the error's text, which may carry
 * the endpoint's URL and so an API key.
 *
 * @example
 * return rpcUnavailable(new RpcTimeoutError("the submission's JSON-RPC reads", 5000));
 */
export function rpcUnavailable(error: unknown): Refused {
  const reason = unreachableReason(error);
  return refused(
    "unavailable",
    `the JSON-RPC endpoint does not answer: ${reason}`,
    { component: "rpc", reason },
    RPC_RETRY_AFTER_SECONDS,
  );
}

function unreachableReason(error: unknown): string {
  if (error instanceof RpcTimeoutError) return error.message;
  if (isError(error, "TIMEOUT")) return "a request timed out";
  if (isError(error, "SERVER_ERROR")) return "it answered with a server error";
  if (isError(error, "NETWORK_ERROR")) return "the network failed or changed";
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) {
    return `the connection failed (${code})`;
  }
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== error && isRpcUnreachable(cause)) {
    return unreachableReason(cause);
  }
  return "it did not answer as expected";
}

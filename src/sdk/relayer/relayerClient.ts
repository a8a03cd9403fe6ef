import { RelayerError } from "./relayerError.js";
import { toSignedIntentJson, type SerializableSignedIntent } from "../../protocol/intent/json.js";
import {
  FINAL_RELAYER_INTENT_STATUSES,
  RELAYER_INTENT_STATUSES,
  type RelayerHealthResponse,
  type RelayerIntentStatus,
  type RelayerIntentStatusReason,
  type IntentStatusResponse,
  type ListWalletIntentsResponse,
  type SubmitIntentResponse,
} from "../../protocol/relayerApi/types.js";
import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";

/**
 * The parameters of the `RelayerClient` constructor.
 *
 * @example
 * const relayer = new RelayerClient({ url: "http://127.0.0.1:8080", timeoutMs: 5_000, headers: { authorization: `Bearer ${apiKey}` } });
 */
export interface RelayerClientParameters {
  /** The relayer's base URL, e.g. `"http://127.0.0.1:8080"` (a path prefix is kept). */
  url: string;
  /** The `fetch` to use; defaults to `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** How long one request may take, answer body included, in ms; default 10,000. */
  timeoutMs?: number;
  /** Headers sent with every request (e.g. an API key). */
  headers?: Record<string, string>;
}

/**
 * The parameters of `RelayerClient.waitFor`.
 *
 * @example
 * await relayer.waitFor(id, { until: ["submitted"], intervalMs: 500, timeoutMs: 30_000, onStatus: ({ status }) => console.log(status) });
 */
export interface WaitForIntentParameters {
  /** The statuses to wait for; default every final one (`relayed`, `failed`, `rejected`, `expired`). */
  until?: readonly RelayerIntentStatus[];
  /** Time between two status requests, in ms; default 1,000. */
  intervalMs?: number;
  /** How long to wait in all, in ms; default 120,000. Then a `RelayerError` `wait_timeout`. */
  timeoutMs?: number;
  /** Aborts the wait (and the request in flight) with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every status read, e.g. to show progress. */
  onStatus?: (status: IntentStatusResponse) => void;
}

/**
 * The parameters of `RelayerClient.listWalletIntents`.
 *
 * @example
 * const page = await relayer.listWalletIntents(wallet, { limit: 20, cursor: previous.nextCursor });
 */
export interface ListWalletIntentsParameters {
  /** At most this many intents (the relayer's default is 100, its maximum 500). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * The default `timeoutMs` of one request.
 *
 * @example
 * const patient = new RelayerClient({ url, timeoutMs: 3 * DEFAULT_RELAYER_TIMEOUT_MS });
 */
export const DEFAULT_RELAYER_TIMEOUT_MS = 10_000;

interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/**
 * A client of the relayer's HTTP JSON API (docs/relayer-api.md): submit signed intents, follow
 * their status, list a wallet's intents, check the relayer's health. Every error answer, and
 * every failure on the way, is thrown as a `RelayerError`.
 *
 * @example
 * const relayer = new RelayerClient({ url: "http://127.0.0.1:8080" });
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
 * const { id } = await relayer.submit(signed);
 * const final = await relayer.waitFor(id);
 * if (final.status !== "relayed") throw new Error(`not relayed: ${final.reason?.message}`);
 */
export class RelayerClient {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly #fetch: typeof globalThis.fetch;
  readonly #headers: Record<string, string>;

  /**
   * @example
   * const relayer = new RelayerClient({ url: "https://relayer.example.com", timeoutMs: 5_000 });
   */
  constructor({
    url,
    fetch,
    timeoutMs = DEFAULT_RELAYER_TIMEOUT_MS,
    headers = {},
  }: RelayerClientParameters) {
    if (!/^https?:\/\//i.test(url))
      throw new InvalidParameterError({
        parameter: "url",
        shortMessage: `relayer url must be http(s): "${url}"`,
      });
    if (!(timeoutMs > 0))
      throw new InvalidParameterError({
        parameter: "timeoutMs",
        shortMessage: `timeoutMs must be positive: ${timeoutMs}`,
      });
    const chosenFetch = fetch ?? globalThis.fetch;
    if (typeof chosenFetch !== "function")
      throw new InvalidParameterError({
        parameter: "fetch",
        shortMessage: "no fetch available: pass one",
      });
    this.url = url.replace(/\/+$/, "");
    this.timeoutMs = timeoutMs;
    this.#fetch = chosenFetch;
    this.#headers = { ...headers };
  }

  /**
   * Submits a signed intent (`POST /v1/intents`). The relayer checks it and queues it; the
   * answer comes at once, before any transaction. Submitting the same signed intent again is
   * harmless: it answers with its current status and `alreadyKnown: true`.
   *
   * @example
   * const { id, status } = await relayer.submit(await signIntent({ signer, intent, wallet, chainId }));
   */
  async submit(signed: SerializableSignedIntent): Promise<SubmitIntentResponse> {
    const request = "POST /v1/intents";
    const response = await this.#request({
      method: "POST",
      path: "/v1/intents",
      body: JSON.stringify(toSignedIntentJson(signed)),
    });
    return decode(response, request, (value) => {
      const body = readObject(value, "the body");
      const id = readString(body, "id");
      if (id.toLowerCase() !== signed.id.toLowerCase()) {
        throw new ShapeError(`ID ${id} instead of the submitted intent's ${signed.id}`);
      }
      return { id, status: readStatus(body), alreadyKnown: response.status === 200 };
    });
  }

  /**
   * Reads what became of intent `id` (`GET /v1/intents/:id`).
   *
   * @example
   * const { status, txHash, reason } = await relayer.status(id);
   */
  async status(
    id: string,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<IntentStatusResponse> {
    const path = `/v1/intents/${encodeURIComponent(id)}`;
    const response = await this.#request({ method: "GET", path, signal });
    return decode(response, `GET ${path}`, parseIntentStatus);
  }

  /**
   * Polls the status of intent `id` until it is one of `until` (default: a final status), and
   * returns it. It also returns as soon as the status is final even if `until` does not list it
   * (a final status never changes): check `status` of the result. Timeouts, network errors,
   * 5xx and 429 answers on the way are retried (429 after its `Retry-After`); other errors
   * are thrown. After `timeoutMs`, throws a `RelayerError` `wait_timeout` whose
   * `errorDetails.lastStatus` is the last status read.
   *
   * @example
   * const { id } = await relayer.submit(signed);
   * const final = await relayer.waitFor(id, { intervalMs: 500, timeoutMs: 60_000 });
   * console.log(final.status, final.txHash);
   */
  async waitFor(
    id: string,
    parameters: WaitForIntentParameters = {},
  ): Promise<IntentStatusResponse> {
    const {
      until = FINAL_RELAYER_INTENT_STATUSES,
      intervalMs = 1_000,
      timeoutMs = 120_000,
      signal,
      onStatus,
    } = parameters;
    const deadline = Date.now() + timeoutMs;
    let last: IntentStatusResponse | undefined;
    let lastError: RelayerError | undefined;
    for (;;) {
      signal?.throwIfAborted();
      let delay = intervalMs;
      try {
        last = await this.status(id, { signal });
        lastError = undefined;
        onStatus?.(last);
        if (until.includes(last.status) || isFinalStatus(last.status)) return last;
      } catch (error) {
        if (!(error instanceof RelayerError) || !isTransient(error)) throw error;
        lastError = error;
        delay = Math.max(intervalMs, (error.retryAfterSeconds ?? 0) * 1000);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new RelayerError({
          status: 0,
          code: "wait_timeout",
          message: `intent ${id} did not reach ${until.join(" | ")} within ${timeoutMs} ms (last status: ${last?.status ?? "none"})`,
          errorDetails: { lastStatus: last, ...(lastError === undefined ? {} : { lastError }) },
          request: `GET /v1/intents/${id}`,
        });
      }
      await sleep(Math.min(delay, remaining), signal);
    }
  }

  /**
   * Lists the intents of `wallet` the relayer knows, newest first
   * (`GET /v1/wallets/:address/intents`); follow `nextCursor` for more.
   *
   * @example
   * let page = await relayer.listWalletIntents(wallet, { limit: 50 });
   * while (page.nextCursor) page = await relayer.listWalletIntents(wallet, { cursor: page.nextCursor });
   */
  async listWalletIntents(
    wallet: string,
    { limit, cursor }: ListWalletIntentsParameters = {},
  ): Promise<ListWalletIntentsResponse> {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set("limit", String(limit));
    if (cursor !== undefined) query.set("cursor", cursor);
    const search = query.toString() === "" ? "" : `?${query.toString()}`;
    const path = `/v1/wallets/${encodeURIComponent(wallet)}/intents${search}`;
    const response = await this.#request({ method: "GET", path });
    return decode(response, `GET ${path}`, (value) => {
      const body = readObject(value, "the body");
      if (!Array.isArray(body.intents)) throw new ShapeError("intents is not an array");
      const nextCursor = readOptionalString(body, "nextCursor");
      return {
        intents: body.intents.map(parseIntentStatus),
        ...(nextCursor === undefined ? {} : { nextCursor }),
      };
    });
  }

  /**
   * Checks that the relayer is up and which chain and account it uses (`GET /health`). An
   * unhealthy relayer answers 503, thrown as a `RelayerError` `unavailable`.
   *
   * @example
   * const { chainId, relayer: account, balance } = await relayer.health();
   */
  async health(): Promise<RelayerHealthResponse> {
    const response = await this.#request({ method: "GET", path: "/health" });
    return decode(response, "GET /health", (value) => {
      const body = readObject(value, "the body");
      if (body.status !== "ok") throw new ShapeError(`status is ${JSON.stringify(body.status)}`);
      const pending = body.pending;
      if (typeof pending !== "number" || !Number.isSafeInteger(pending) || pending < 0) {
        throw new ShapeError("pending is not a count");
      }
      return {
        status: "ok",
        chainId: readDecimal(body, "chainId"),
        relayer: readString(body, "relayer"),
        blockNumber: readDecimal(body, "blockNumber"),
        balance: readDecimal(body, "balance"),
        pending,
      };
    });
  }

  /**
   * The relayer's metrics in the Prometheus text format (`GET /metrics`), as they came.
   *
   * @example
   * const text = await relayer.metrics();
   * const accepted = /^relayer_intents_accepted_total (\d+)$/m.exec(text)?.[1];
   */
  async metrics(): Promise<string> {
    const response = await this.#request({ method: "GET", path: "/metrics", accept: "text/plain" });
    return response.text;
  }

  async #request({
    method,
    path,
    body,
    signal,
    accept = "application/json",
  }: {
    method: "GET" | "POST";
    path: string;
    body?: string;
    signal?: AbortSignal;
    accept?: string;
  }): Promise<RawResponse> {
    const request = `${method} ${path}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    let raw: RawResponse;
    try {
      signal?.throwIfAborted();
      const headers: Record<string, string> = { ...this.#headers, accept };
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await this.#fetch(`${this.url}${path}`, {
        method,
        headers,
        body,
        signal: controller.signal,
      });
      raw = {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        text: await response.text(),
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) {
        throw new RelayerError({
          status: 0,
          code: "timeout",
          message: `no answer within ${this.timeoutMs} ms`,
          request,
          cause: error,
        });
      }
      throw new RelayerError({
        status: 0,
        code: "network_error",
        message: describeFailure(error),
        request,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    if (raw.status < 200 || raw.status > 299) throw errorFromResponse(raw, request);
    return raw;
  }
}

/** A fetch failure in one line: undici's "fetch failed" plus its cause ("connect ECONNREFUSED …"). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === error.message
    ? error.message
    : `${error.message} (${cause})`;
}

/** Whether `status` is final: the intent will never change status again. */
function isFinalStatus(status: RelayerIntentStatus): boolean {
  return (FINAL_RELAYER_INTENT_STATUSES as readonly RelayerIntentStatus[]).includes(status);
}

/** Failures worth another try: no answer, a server error, or "slow down". */
function isTransient(error: RelayerError): boolean {
  return (
    error.code === "timeout" ||
    error.code === "network_error" ||
    error.status >= 500 ||
    error.status === 429
  );
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The `RelayerError` of a non-2xx answer, from its `{ error: { code, message, details? } }` body. */
function errorFromResponse(response: RawResponse, request: string): RelayerError {
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  const common = {
    status: response.status,
    request,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  const error = isRecord(parsed) ? parsed.error : undefined;
  if (isRecord(error) && typeof error.code === "string" && typeof error.message === "string") {
    const details = isRecord(error.details) ? error.details : undefined;
    return new RelayerError({
      ...common,
      code: error.code,
      message: error.message,
      ...(details === undefined ? {} : { errorDetails: details }),
    });
  }
  const excerpt = response.text.length > 200 ? `${response.text.slice(0, 200)}…` : response.text;
  return new RelayerError({
    ...common,
    code: "http_error",
    message: `HTTP ${response.status} ${response.statusText}${excerpt === "" ? "" : `: ${excerpt}`}`,
  });
}

/** `Retry-After` in seconds: either a number of seconds or an HTTP date. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A 2xx answer that is not the documented shape. */
class ShapeError extends Error {}

/** Parses a 2xx answer's JSON with `parse`; any problem becomes a `RelayerError` `invalid_response`. */
function decode<T>(response: RawResponse, request: string, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(response.text));
  } catch (error) {
    if (!(error instanceof ShapeError) && !(error instanceof SyntaxError)) throw error;
    const problem =
      error instanceof SyntaxError ? `not JSON: ${response.text.slice(0, 200)}` : error.message;
    throw new RelayerError({
      status: response.status,
      code: "invalid_response",
      message: `unexpected answer: ${problem}`,
      request,
      cause: error,
    });
  }
}

function parseIntentStatus(value: unknown): IntentStatusResponse {
  const body = readObject(value, "an intent status");
  const txHash = readOptionalString(body, "txHash");
  const blockNumber = body.blockNumber === undefined ? undefined : readDecimal(body, "blockNumber");
  const relayedBy = readOptionalString(body, "relayedBy");
  const reason = body.reason === undefined ? undefined : parseReason(body.reason);
  return {
    id: readString(body, "id"),
    wallet: readString(body, "wallet"),
    status: readStatus(body),
    ...(txHash === undefined ? {} : { txHash }),
    ...(blockNumber === undefined ? {} : { blockNumber }),
    ...(relayedBy === undefined ? {} : { relayedBy }),
    ...(reason === undefined ? {} : { reason }),
    createdAt: readString(body, "createdAt"),
    updatedAt: readString(body, "updatedAt"),
  };
}

function parseReason(value: unknown): RelayerIntentStatusReason {
  const reason = readObject(value, "reason");
  const details = reason.details;
  if (details !== undefined && !isRecord(details))
    throw new ShapeError("reason.details is not an object");
  return {
    code: readString(reason, "code"),
    message: readString(reason, "message"),
    ...(details === undefined ? {} : { details }),
  };
}

function readStatus(body: Record<string, unknown>): RelayerIntentStatus {
  const status = body.status;
  if (
    typeof status !== "string" ||
    !(RELAYER_INTENT_STATUSES as readonly string[]).includes(status)
  ) {
    throw new ShapeError(`unknown status ${JSON.stringify(status)}`);
  }
  return status as RelayerIntentStatus;
}

function readObject(value: unknown, name: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ShapeError(`${name} is not an object`);
  return value;
}

function readString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string") throw new ShapeError(`${field} is not a string`);
  return value;
}

function readOptionalString(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] === undefined ? undefined : readString(body, field);
}

function readDecimal(body: Record<string, unknown>, field: string): bigint {
  const value = body[field];
  if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new ShapeError(`${field} is not a decimal string`);
  }
  return BigInt(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

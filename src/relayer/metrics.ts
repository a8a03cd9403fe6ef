/**
 * The relayer's metrics of docs/relayer-api.md ("GET /metrics"), on prom-client: each
 * `RelayerMetrics` has a registry of its own (never prom-client's global one, so one process can
 * run several relayers, as the tests do) and one method per thing the relayer records.
 */

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

import type { FleetBacklog } from "./store/leases.js";

import { PENDING_RELAYER_INTENT_STATUSES } from "../protocol/relayerApi/statuses.js";

/**
 * The `Content-Type` of `GET /metrics`: that of a prom-client registry, the Prometheus text
 * exposition format, version 0.0.4.
 *
 * @example
 * response.setHeader("content-type", PROMETHEUS_CONTENT_TYPE); // "text/plain; version=0.0.4; charset=utf-8"
 */
export const PROMETHEUS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The prefix of the Node.js process metrics (prom-client's default metrics).
 *
 * @example
 * `${PROCESS_METRICS_PREFIX}process_cpu_seconds_total`; // "relayer_process_cpu_seconds_total"
 */
export const PROCESS_METRICS_PREFIX = "relayer_";

/**
 * The buckets of `relayer_batch_size`.
 *
 * @example
 * BATCH_SIZE_BUCKETS.at(-1); // 64, the most a batch can hold
 */
export const BATCH_SIZE_BUCKETS: readonly number[] = [2, 4, 8, 16, 32, 64];

/**
 * The buckets of `relayer_submit_to_receipt_seconds`.
 *
 * @example
 * SUBMIT_TO_RECEIPT_BUCKETS.includes(15); // true
 */
export const SUBMIT_TO_RECEIPT_BUCKETS: readonly number[] = [
  0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800,
];

/**
 * The parameters of `new RelayerMetrics`.
 *
 * @example
 * const metrics = new RelayerMetrics({ processMetrics: false }); // the relayer's metrics only
 */
export interface RelayerMetricsParameters {
  /**
   * Whether to add prom-client's Node.js process metrics (CPU, memory, event loop lag, garbage
   * collection…), named with `PROCESS_METRICS_PREFIX`. Default `true`.
   */
  processMetrics?: boolean;
}

/**
 * The relayer's metrics (docs/relayer-api.md, "GET /metrics"). The HTTP layer records
 * `httpRequest`, `intentAccepted` and `intentRefused` (every error answer to `POST /v1/intents`,
 * schema refusals included); the service records the rest. `render()` gives the text for
 * `/metrics`, served as `contentType`.
 *
 * @example
 * const metrics = new RelayerMetrics();
 * metrics.intentRefused("expired");
 * metrics.submitToReceipt(3.2);
 * metrics.setBalance(10n ** 21n);
 * response.setHeader("content-type", metrics.contentType);
 * response.end(await metrics.render());
 */
export class RelayerMetrics {
  /** This relayer's prom-client registry: every metric below, and the process metrics. */
  readonly registry = new Registry();
  /** The `Content-Type` of `render()`'s text (`PROMETHEUS_CONTENT_TYPE`). */
  readonly contentType: string = this.registry.contentType;

  // The metrics of docs/relayer-api.md's table, each a prom-client metric in `registry`; the
  // methods below record into them.
  readonly intentsAccepted = new Counter({
    name: "relayer_intents_accepted_total",
    help: "Intents accepted (POST /v1/intents answered 202).",
    registers: [this.registry],
  });
  readonly intentsRefused = new Counter({
    name: "relayer_intents_refused_total",
    help: "Submissions refused, by error code.",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  readonly intentsFinal = new Counter({
    name: "relayer_intents_final_total",
    help: "Intents that reached a final status, by status.",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly intents = new Gauge({
    name: "relayer_intents",
    help: "Accepted intents per non-final status.",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly transactionsSent = new Counter({
    name: "relayer_transactions_sent_total",
    help: "Relay transactions broadcast, by kind (relay, batch, replacement).",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: "relayer_batch_size",
    help: "Intents per batch transaction sent (relayBatch through the IntentBatcher).",
    buckets: [...BATCH_SIZE_BUCKETS],
    registers: [this.registry],
  });
  readonly batchSkipped = new Counter({
    name: "relayer_batch_skipped_total",
    help: "Intents a batch did not relay, queued again: left out before sending (stage simulation) or skipped on-chain (stage chain).",
    labelNames: ["stage"] as const,
    registers: [this.registry],
  });
  readonly submitToReceiptSeconds = new Histogram({
    name: "relayer_submit_to_receipt_seconds",
    help: "Seconds from an intent's acceptance to its relay's receipt.",
    buckets: [...SUBMIT_TO_RECEIPT_BUCKETS],
    registers: [this.registry],
  });
  readonly gasSpent = new Counter({
    name: "relayer_gas_spent_total",
    help: "Gas used by the relayer's mined transactions (gas units).",
    registers: [this.registry],
  });
  readonly balanceWei = new Gauge({
    name: "relayer_balance_wei",
    help: "Balance of the relayer's account, in wei.",
    registers: [this.registry],
  });
  readonly nonceGauge = new Gauge({
    name: "relayer_nonce",
    help: "The relayer account's next nonce, its transactions in the node's pool counted.",
    registers: [this.registry],
  });
  readonly fleetLeases = new Gauge({
    name: "relayer_fleet_leases",
    help: "In a fleet: intents this process leases (works alone).",
    registers: [this.registry],
  });
  readonly fleetBacklog = new Gauge({
    name: "relayer_fleet_backlog",
    help: "In a fleet: the fleet's intents not final, by lease (held: a live lease covers it; unleased: none does).",
    labelNames: ["lease"] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: "relayer_http_requests_total",
    help: "HTTP requests answered, by route template and status.",
    labelNames: ["route", "status"] as const,
    registers: [this.registry],
  });

  constructor({ processMetrics = true }: RelayerMetricsParameters = {}) {
    for (const status of PENDING_RELAYER_INTENT_STATUSES) this.intents.set({ status }, 0);
    if (processMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix: PROCESS_METRICS_PREFIX });
    }
  }

  /** A submission answered `202` (a new intent). */
  intentAccepted(): void {
    this.intentsAccepted.inc();
  }

  /** A submission refused with error `code`. */
  intentRefused(code: string): void {
    this.intentsRefused.inc({ code });
  }

  /** An intent reached final `status` (`relayed`, `failed`, `rejected`, `expired`). */
  intentFinal(status: string): void {
    this.intentsFinal.inc({ status });
  }

  /** The current count per status (e.g. `store.countByStatus()`); final statuses are ignored, missing ones are 0. */
  setIntentCounts(counts: Readonly<Record<string, number>>): void {
    for (const status of PENDING_RELAYER_INTENT_STATUSES)
      this.intents.set({ status }, counts[status] ?? 0);
  }

  /** A relay transaction broadcast: a first one (one intent, or a batch), or a replacement of a stuck one. */
  transactionSent(kind: "relay" | "batch" | "replacement"): void {
    this.transactionsSent.inc({ kind });
  }

  /** A batch transaction of `size` intents sent. */
  batchSent(size: number): void {
    this.batchSize.observe(size);
  }

  /** An intent a batch did not relay: left out before sending, or skipped on-chain. */
  batchSkippedIntent(stage: "simulation" | "chain"): void {
    this.batchSkipped.inc({ stage });
  }

  /** Seconds from an intent's acceptance to its relay's receipt. */
  submitToReceipt(seconds: number): void {
    this.submitToReceiptSeconds.observe(seconds);
  }

  /** Gas used by a mined transaction of the relayer. */
  recordGasSpent(gasUsed: bigint): void {
    this.gasSpent.inc(Number(gasUsed));
  }

  /** The relayer account's balance (a float64 in Prometheus: exact to about 15 digits). */
  setBalance(wei: bigint): void {
    this.balanceWei.set(Number(wei));
  }

  /** The relayer account's balance and next nonce. */
  setAccount(wei: bigint, nonce: number): void {
    this.setBalance(wei);
    this.nonceGauge.set(nonce);
  }

  /** In a fleet: this process's leases (`relayer`'s share of `backlog`) and the fleet's backlog. */
  setFleet(relayer: string, backlog: FleetBacklog): void {
    this.fleetLeases.set(backlog.byHolder[relayer] ?? 0);
    this.fleetBacklog.set({ lease: "held" }, backlog.active - backlog.unleased);
    this.fleetBacklog.set({ lease: "unleased" }, backlog.unleased);
  }

  /** An HTTP request answered: `route` is the route template (`/v1/intents/:id`) or `unmatched`. */
  httpRequest(route: string, status: number): void {
    this.httpRequests.inc({ route, status: String(status) });
  }

  /** The text for `GET /metrics` (the process metrics are read now). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

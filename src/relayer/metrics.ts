/**
 * A small Prometheus registry (counters, gauges, histograms with fixed buckets, labels) that
 * renders the text exposition format, version 0.0.4, and `RelayerMetrics`: the relayer's
 * metrics of docs/relayer-api.md ("GET /metrics") with one method per thing it records.
 */

import { RELAYER_INTENT_STATUSES, type RelayerIntentStatus } from "../protocol/relayerApi/types.js";
import { FINAL_STATUSES } from "./types.js";

/** The `Content-Type` of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label values of one series, by label name. */
export type Labels<L extends string> = Readonly<Record<L, string>>;

/** The parameters of a metric: its name, help text and label names. */
export interface MetricParameters<L extends string> {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`, e.g. `relayer_intents_accepted_total`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** The parameters of a histogram: a metric with fixed, increasing upper bounds. */
export interface HistogramParameters<L extends string> extends MetricParameters<L> {
  /** Upper bounds (`le`) in increasing order; `+Inf` is added. */
  buckets: readonly number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What every metric of a registry renders. */
interface Renderable {
  readonly name: string;
  render(): string;
}

/** The series of a metric, keyed by their label values. */
abstract class Metric<L extends string, S> implements Renderable {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  protected readonly series = new Map<string, { labels: Labels<L>; state: S }>();
  protected abstract readonly type: string;

  constructor({ name, help, labelNames = [] }: MetricParameters<L>) {
    if (!METRIC_NAME.test(name)) throw new RangeError(`bad metric name "${name}"`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith("__")) {
        throw new RangeError(`bad label name "${label}" of metric ${name}`);
      }
    }
    if (new Set(labelNames).size !== labelNames.length) {
      throw new RangeError(`metric ${name} lists a label twice`);
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** The series of `labels`, created by `initial` on first use. */
  protected seriesOf(labels: Labels<L> | undefined, initial: () => S): S {
    const key = this.keyOf(labels);
    let entry = this.series.get(key);
    if (entry === undefined) {
      const given = (labels ?? {}) as Record<string, string>;
      const ordered = Object.fromEntries(this.labelNames.map((label) => [label, given[label]]));
      entry = { labels: ordered as Labels<L>, state: initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** The series of `labels` if it was ever touched (reading creates nothing). */
  protected findSeries(labels: Labels<L> | undefined): S | undefined {
    return this.series.get(this.keyOf(labels))?.state;
  }

  /** The map key of `labels`, after checking they are exactly the metric's label names. */
  private keyOf(labels: Labels<L> | undefined): string {
    const given = (labels ?? {}) as Record<string, string>;
    const keys = Object.keys(given);
    if (
      keys.length !== this.labelNames.length ||
      keys.some((key) => !this.has(key) || typeof given[key] !== "string")
    ) {
      throw new RangeError(
        `metric ${this.name} takes labels {${this.labelNames.join(", ")}}, got {${keys.join(", ")}}`,
      );
    }
    return this.labelNames.map((label) => given[label]).join("\u0000");
  }

  private has(label: string): boolean {
    return (this.labelNames as readonly string[]).includes(label);
  }

  render(): string {
    const lines = [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} ${this.type}`,
    ];
    if (this.series.size === 0 && this.labelNames.length === 0) {
      lines.push(...this.renderSeries({} as Labels<L>, undefined));
    }
    for (const { labels, state } of this.series.values()) {
      lines.push(...this.renderSeries(labels, state));
    }
    return lines.join("\n");
  }

  /** The sample lines of one series (`state` undefined: a label-less metric never touched). */
  protected abstract renderSeries(labels: Labels<L>, state: S | undefined): string[];
}

/**
 * A counter: a value that only goes up.
 *
 * @example
 * const refused = registry.counter({ name: "relayer_intents_refused_total", help: "…", labelNames: ["code"] });
 * refused.inc({ code: "expired" });
 */
export class Counter<L extends string = never> extends Metric<L, { value: number }> {
  protected readonly type = "counter";

  /** Adds `by` (default 1, never negative) to the series of `labels` (`inc(by)` without labels). */
  inc(by?: number): void;
  inc(labels: Labels<L>, by?: number): void;
  inc(labelsOrBy?: Labels<L> | number, maybeBy?: number): void {
    const [labels, by = 1] = splitArguments(labelsOrBy, maybeBy);
    if (!(by >= 0)) throw new RangeError(`counter ${this.name} cannot go down (inc by ${by})`);
    this.seriesOf(labels, () => ({ value: 0 })).value += by;
  }

  /** The value of the series of `labels` (0 if never touched). */
  get(labels?: Labels<L>): number {
    return this.findSeries(labels)?.value ?? 0;
  }

  protected renderSeries(labels: Labels<L>, state: { value: number } | undefined): string[] {
    return [`${this.name}${formatLabels(labels)} ${formatValue(state?.value ?? 0)}`];
  }
}

/**
 * A gauge: a value that goes up and down.
 *
 * @example
 * const balance = registry.gauge({ name: "relayer_balance_wei", help: "…" });
 * balance.set(1.5e21);
 */
export class Gauge<L extends string = never> extends Metric<L, { value: number }> {
  protected readonly type = "gauge";

  /** Sets the series of `labels` to `value` (`set(value)` without labels). */
  set(value: number): void;
  set(labels: Labels<L>, value: number): void;
  set(labelsOrValue: Labels<L> | number, maybeValue?: number): void {
    const [labels, value] = splitArguments(labelsOrValue, maybeValue);
    this.seriesOf(labels, () => ({ value: 0 })).value = value ?? 0;
  }

  /** Adds `by` (default 1, may be negative). */
  inc(by?: number): void;
  inc(labels: Labels<L>, by?: number): void;
  inc(labelsOrBy?: Labels<L> | number, maybeBy?: number): void {
    const [labels, by = 1] = splitArguments(labelsOrBy, maybeBy);
    this.seriesOf(labels, () => ({ value: 0 })).value += by;
  }

  get(labels?: Labels<L>): number {
    return this.findSeries(labels)?.value ?? 0;
  }

  protected renderSeries(labels: Labels<L>, state: { value: number } | undefined): string[] {
    return [`${this.name}${formatLabels(labels)} ${formatValue(state?.value ?? 0)}`];
  }
}

interface HistogramState {
  /** Observations per bucket (not cumulative); the last entry is `+Inf`. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram with fixed buckets: `_bucket{le}` (cumulative), `_sum` and `_count`.
 *
 * @example
 * const latency = registry.histogram({ name: "relayer_submit_to_receipt_seconds", help: "…", buckets: [1, 5, 30] });
 * latency.observe(2.4);
 */
export class Histogram<L extends string = never> extends Metric<L, HistogramState> {
  protected readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor({ buckets, ...parameters }: HistogramParameters<L>) {
    super(parameters);
    if ((parameters.labelNames ?? []).some((label) => label === "le")) {
      throw new RangeError(`histogram ${parameters.name} cannot have a label "le"`);
    }
    if (
      buckets.length === 0 ||
      buckets.some((b, i) => !Number.isFinite(b) || b <= buckets[i - 1])
    ) {
      throw new RangeError(`histogram ${parameters.name} needs finite, increasing buckets`);
    }
    this.buckets = [...buckets];
  }

  /** Counts one observation of `value` in the series of `labels` (`observe(value)` without labels). */
  observe(value: number): void;
  observe(labels: Labels<L>, value: number): void;
  observe(labelsOrValue: Labels<L> | number, maybeValue?: number): void {
    const [labels, value = Number.NaN] = splitArguments(labelsOrValue, maybeValue);
    if (Number.isNaN(value)) throw new RangeError(`histogram ${this.name} observed NaN`);
    const state = this.seriesOf(labels, () => this.emptyState());
    const index = this.buckets.findIndex((bound) => value <= bound);
    state.counts[index === -1 ? this.buckets.length : index] += 1;
    state.sum += value;
    state.count += 1;
  }

  /** How many observations the series of `labels` has. */
  count(labels?: Labels<L>): number {
    return this.findSeries(labels)?.count ?? 0;
  }

  private emptyState(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected renderSeries(labels: Labels<L>, state: HistogramState | undefined): string[] {
    const { counts, sum, count } = state ?? this.emptyState();
    const lines: string[] = [];
    let cumulative = 0;
    [...this.buckets, Number.POSITIVE_INFINITY].forEach((bound, i) => {
      cumulative += counts[i];
      const le = formatLabels({ ...labels, le: formatValue(bound) });
      lines.push(`${this.name}_bucket${le} ${cumulative}`);
    });
    lines.push(`${this.name}_sum${formatLabels(labels)} ${formatValue(sum)}`);
    lines.push(`${this.name}_count${formatLabels(labels)} ${count}`);
    return lines;
  }
}

/**
 * A set of metrics rendered together.
 *
 * @example
 * const registry = new MetricsRegistry();
 * const requests = registry.counter({ name: "http_requests_total", help: "Requests.", labelNames: ["status"] });
 * requests.inc({ status: "200" });
 * registry.render(); // "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{status=\"200\"} 1\n"
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Renderable>();

  counter<L extends string = never>(parameters: MetricParameters<L>): Counter<L> {
    return this.#add(new Counter<L>(parameters));
  }

  gauge<L extends string = never>(parameters: MetricParameters<L>): Gauge<L> {
    return this.#add(new Gauge<L>(parameters));
  }

  histogram<L extends string = never>(parameters: HistogramParameters<L>): Histogram<L> {
    return this.#add(new Histogram<L>(parameters));
  }

  /** Every metric in the text exposition format, ending with a newline. */
  render(): string {
    return [...this.#metrics.values()].map((metric) => `${metric.render()}\n`).join("");
  }

  #add<M extends Renderable>(metric: M): M {
    if (this.#metrics.has(metric.name))
      throw new RangeError(`metric ${metric.name} exists already`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

/** `(labels, n)` or `(n)`: the labels (undefined when not given) and the number. */
function splitArguments<L extends string>(
  first: Labels<L> | number | undefined,
  second: number | undefined,
): [Labels<L> | undefined, number | undefined] {
  return typeof first === "object" ? [first, second] : [undefined, first];
}

/** `{a="1",b="x"}`, or nothing without labels; values escaped. */
function formatLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

/*//////////////////////////////////////////////////////////////
                        THE RELAYER'S METRICS
//////////////////////////////////////////////////////////////*/

/** The statuses `relayer_intents` reports: the non-final ones. */
export const NON_FINAL_INTENT_STATUSES: readonly RelayerIntentStatus[] =
  RELAYER_INTENT_STATUSES.filter((status) => !FINAL_STATUSES.includes(status));

/** The buckets of `relayer_batch_size`. */
export const BATCH_SIZE_BUCKETS = [2, 4, 8, 16, 32, 64];

/** The buckets of `relayer_submit_to_receipt_seconds`. */
export const SUBMIT_TO_RECEIPT_BUCKETS = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800];

/**
 * The relayer's metrics (docs/relayer-api.md, "GET /metrics"). The HTTP layer records
 * `httpRequest`, `intentAccepted` and `intentRefused` (every error answer to `POST /v1/intents`,
 * schema refusals included); the service records the rest. `render()` gives the text for
 * `/metrics`.
 *
 * @example
 * const metrics = new RelayerMetrics();
 * metrics.intentRefused("expired");
 * metrics.submitToReceipt(3.2);
 * metrics.setBalance(10n ** 21n);
 * response.end(metrics.render());
 */
export class RelayerMetrics {
  readonly registry = new MetricsRegistry();

  readonly intentsAccepted = this.registry.counter({
    name: "relayer_intents_accepted_total",
    help: "Intents accepted (POST /v1/intents answered 202).",
  });
  readonly intentsRefused = this.registry.counter({
    name: "relayer_intents_refused_total",
    help: "Submissions refused, by error code.",
    labelNames: ["code"],
  });
  readonly intentsFinal = this.registry.counter({
    name: "relayer_intents_final_total",
    help: "Intents that reached a final status, by status.",
    labelNames: ["status"],
  });
  readonly intents = this.registry.gauge({
    name: "relayer_intents",
    help: "Accepted intents per non-final status.",
    labelNames: ["status"],
  });
  readonly transactionsSent = this.registry.counter({
    name: "relayer_transactions_sent_total",
    help: "Relay transactions broadcast, by kind (relay, batch, replacement).",
    labelNames: ["kind"],
  });
  readonly batchSize = this.registry.histogram({
    name: "relayer_batch_size",
    help: "Intents per batch transaction sent (relayBatch through the IntentBatcher).",
    buckets: BATCH_SIZE_BUCKETS,
  });
  readonly batchSkipped = this.registry.counter({
    name: "relayer_batch_skipped_total",
    help: "Intents a batch did not relay, queued again: left out before sending (stage simulation) or skipped on-chain (stage chain).",
    labelNames: ["stage"],
  });
  readonly submitToReceiptSeconds = this.registry.histogram({
    name: "relayer_submit_to_receipt_seconds",
    help: "Seconds from an intent's acceptance to its relay's receipt.",
    buckets: SUBMIT_TO_RECEIPT_BUCKETS,
  });
  readonly gasSpent = this.registry.counter({
    name: "relayer_gas_spent_total",
    help: "Gas used by the relayer's mined transactions (gas units).",
  });
  readonly balanceWei = this.registry.gauge({
    name: "relayer_balance_wei",
    help: "Balance of the relayer's account, in wei.",
  });
  readonly httpRequests = this.registry.counter({
    name: "relayer_http_requests_total",
    help: "HTTP requests answered, by route template and status.",
    labelNames: ["route", "status"],
  });

  constructor() {
    for (const status of NON_FINAL_INTENT_STATUSES) this.intents.set({ status }, 0);
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
    for (const status of NON_FINAL_INTENT_STATUSES)
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

  /** An HTTP request answered: `route` is the route template (`/v1/intents/:id`) or `unmatched`. */
  httpRequest(route: string, status: number): void {
    this.httpRequests.inc({ route, status: String(status) });
  }

  /** The text for `GET /metrics`. */
  render(): string {
    return this.registry.render();
  }
}

import { expect } from "chai";
import { register as globalRegistry } from "prom-client";

import {
  BATCH_SIZE_BUCKETS,
  PROCESS_METRICS_PREFIX,
  PROMETHEUS_CONTENT_TYPE,
  RelayerMetrics,
  SUBMIT_TO_RECEIPT_BUCKETS,
} from "../../src/relayer/metrics.js";
import { PENDING_RELAYER_INTENT_STATUSES } from "../../src/protocol/relayerApi/statuses.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheusText.js";

/** The relayer's own metrics: name, type and help text (docs/relayer-api.md, "GET /metrics"). */
const RELAYER_METRICS: [name: string, type: string, help: string][] = [
  [
    "relayer_intents_accepted_total",
    "counter",
    "Intents accepted (POST /v1/intents answered 202).",
  ],
  ["relayer_intents_refused_total", "counter", "Submissions refused, by error code."],
  ["relayer_intents_final_total", "counter", "Intents that reached a final status, by status."],
  ["relayer_intents", "gauge", "Accepted intents per non-final status."],
  [
    "relayer_transactions_sent_total",
    "counter",
    "Relay transactions broadcast, by kind (relay, batch, replacement).",
  ],
  [
    "relayer_batch_size",
    "histogram",
    "Intents per batch transaction sent (relayBatch through the IntentBatcher).",
  ],
  [
    "relayer_batch_skipped_total",
    "counter",
    "Intents a batch did not relay, queued again: left out before sending (stage simulation) or skipped on-chain (stage chain).",
  ],
  [
    "relayer_submit_to_receipt_seconds",
    "histogram",
    "Seconds from an intent's acceptance to its relay's receipt.",
  ],
  [
    "relayer_gas_spent_total",
    "counter",
    "Gas used by the relayer's mined transactions (gas units).",
  ],
  ["relayer_balance_wei", "gauge", "Balance of the relayer's account, in wei."],
  [
    "relayer_nonce",
    "gauge",
    "The relayer account's next nonce, its transactions in the node's pool counted.",
  ],
  ["relayer_fleet_leases", "gauge", "In a fleet: intents this process leases (works alone)."],
  [
    "relayer_fleet_backlog",
    "gauge",
    "In a fleet: the fleet's intents not final, by lease (held: a live lease covers it; unleased: none does).",
  ],
  [
    "relayer_http_requests_total",
    "counter",
    "HTTP requests answered, by route template and status.",
  ],
];

/** Whether `name` is one of prom-client's Node.js process metrics, as the relayer names them. */
function isProcessMetric(name: string): boolean {
  return (
    name.startsWith(`${PROCESS_METRICS_PREFIX}process_`) ||
    name.startsWith(`${PROCESS_METRICS_PREFIX}nodejs_`)
  );
}

describe("RelayerMetrics on prom-client", function () {
  it("registers the relayer's metrics with their names, types and help texts", async function () {
    const { types, helps } = parsePrometheusText(await new RelayerMetrics().render());

    for (const [name, type, help] of RELAYER_METRICS) {
      expect(types.get(name), name).to.equal(type);
      expect(helps.get(name), name).to.equal(help);
    }
    const own = [...types.keys()].filter((name) => !isProcessMetric(name));
    expect(own).to.have.members(RELAYER_METRICS.map(([name]) => name));
  });

  it("keeps each relayer's metrics in a registry of its own, not in prom-client's global one", async function () {
    const first = new RelayerMetrics({ processMetrics: false });
    const second = new RelayerMetrics({ processMetrics: false });

    first.intentAccepted();
    first.intentAccepted();
    second.intentAccepted();

    expect(
      sampleValue(parsePrometheusText(await first.render()), "relayer_intents_accepted_total"),
    ).to.equal(2);
    expect(
      sampleValue(parsePrometheusText(await second.render()), "relayer_intents_accepted_total"),
    ).to.equal(1);
    expect(globalRegistry.getSingleMetric("relayer_intents_accepted_total")).to.equal(undefined);
    expect(first.registry).not.to.equal(globalRegistry);
  });

  it("labels each series as its method says: code, status, kind, stage, route", async function () {
    const metrics = new RelayerMetrics({ processMetrics: false });
    metrics.intentRefused("rate_limited");
    metrics.intentFinal("failed");
    metrics.transactionSent("batch");
    metrics.batchSkippedIntent("chain");
    metrics.httpRequest("/v1/intents/:id", 404);
    metrics.setIntentCounts({ waiting_gas_price: 2 });

    const parsed = parsePrometheusText(await metrics.render());

    const value = (name: string, labels: Record<string, string>) =>
      sampleValue(parsed, name, labels);
    expect(value("relayer_intents_refused_total", { code: "rate_limited" })).to.equal(1);
    expect(value("relayer_intents_final_total", { status: "failed" })).to.equal(1);
    expect(value("relayer_transactions_sent_total", { kind: "batch" })).to.equal(1);
    expect(value("relayer_batch_skipped_total", { stage: "chain" })).to.equal(1);
    expect(
      value("relayer_http_requests_total", { route: "/v1/intents/:id", status: "404" }),
    ).to.equal(1);
    for (const status of PENDING_RELAYER_INTENT_STATUSES) {
      expect(value("relayer_intents", { status }), status).to.equal(
        status === "waiting_gas_price" ? 2 : 0,
      );
    }
  });

  it("shows a histogram observation in its buckets, sum and count, with the documented buckets", async function () {
    const metrics = new RelayerMetrics({ processMetrics: false });
    metrics.batchSent(5);
    metrics.batchSent(2);

    const parsed = parsePrometheusText(await metrics.render());

    const bucket = (le: string) => sampleValue(parsed, "relayer_batch_size_bucket", { le });
    expect(BATCH_SIZE_BUCKETS.map((le) => bucket(String(le)))).to.deep.equal([1, 1, 2, 2, 2, 2]);
    expect(bucket("+Inf")).to.equal(2);
    expect(sampleValue(parsed, "relayer_batch_size_sum")).to.equal(7);
    expect(sampleValue(parsed, "relayer_batch_size_count")).to.equal(2);
    const receiptBuckets = parsed.samples
      .filter((sample) => sample.name === "relayer_submit_to_receipt_seconds_bucket")
      .map((sample) => sample.labels.le);
    expect(receiptBuckets).to.deep.equal([...SUBMIT_TO_RECEIPT_BUCKETS.map(String), "+Inf"]);
  });

  it("counts gas and sets the balance from bigints", async function () {
    const metrics = new RelayerMetrics({ processMetrics: false });
    metrics.recordGasSpent(21_000n);
    metrics.recordGasSpent(63_813n);
    metrics.setBalance(10n ** 21n);

    const parsed = parsePrometheusText(await metrics.render());

    expect(sampleValue(parsed, "relayer_gas_spent_total")).to.equal(84_813);
    expect(sampleValue(parsed, "relayer_balance_wei")).to.equal(1e21);
  });

  it("escapes label values, so any refusal code keeps the text parseable", async function () {
    const metrics = new RelayerMetrics({ processMetrics: false });
    const code = 'a "quoted" \\ code\nwith a newline';
    metrics.intentRefused(code);

    const text = await metrics.render();

    expect(text).to.include('{code="a \\"quoted\\" \\\\ code\\nwith a newline"} 1');
    expect(
      sampleValue(parsePrometheusText(text), "relayer_intents_refused_total", { code }),
    ).to.equal(1);
  });

  it("adds Node.js process metrics under the relayer_ prefix, unless told not to", async function () {
    const withProcess = parsePrometheusText(await new RelayerMetrics().render());
    const without = parsePrometheusText(
      await new RelayerMetrics({ processMetrics: false }).render(),
    );

    for (const name of [
      "relayer_process_cpu_seconds_total",
      "relayer_process_start_time_seconds",
      "relayer_nodejs_heap_size_used_bytes",
      "relayer_nodejs_eventloop_lag_seconds",
    ]) {
      expect(withProcess.types.has(name), name).to.equal(true);
      expect(without.types.has(name), name).to.equal(false);
    }
    expect([...withProcess.types.keys()].every((name) => name.startsWith("relayer_"))).to.equal(
      true,
    );
  });

  it("serves the registry's content type, the text format 0.0.4", function () {
    const metrics = new RelayerMetrics({ processMetrics: false });

    expect(metrics.contentType).to.equal(PROMETHEUS_CONTENT_TYPE);
    expect(PROMETHEUS_CONTENT_TYPE).to.equal("text/plain; version=0.0.4; charset=utf-8");
  });
});

import { expect } from "chai";
import { readFileSync } from "node:fs";

import { dataLength, dataSlice, Wallet } from "ethers";

import { recoverSigner } from "../../src/relayer/intake/ecdsa.js";
import { REFUSAL_STATUS } from "../../src/relayer/http/refusalStatus.js";
import { RelayerMetrics } from "../../src/relayer/metrics.js";
import {
  encodeRelayPacked,
  FINAL_RELAYER_INTENT_STATUSES,
  parseSignedIntent,
  RELAYER_ERROR_CODES,
  RELAYER_INTENT_STATUSES,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import { parsePrometheusText, type PrometheusText } from "../helpers/prometheusText.js";

/*
 * Keeps docs/relayer-api.md true: its signed-intent example parses and is signed by its owner,
 * its figures of the packed calldata are the SDK's, its status table is the SDK's list of
 * statuses, its error table gives every code the status the HTTP layer answers with, and its
 * metrics table is what GET /metrics serves.
 */

const PAGE = readFileSync(new URL("../../docs/relayer-api.md", import.meta.url), "utf8");

/** Hardhat's account #0, the owner of the page's example. */
const HARDHAT_ACCOUNT_0 = new Wallet(
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
);

/** The text of the `## ` section whose heading starts with `number.`. */
function section(number: number): string {
  const start = PAGE.indexOf(`\n## ${number}. `);
  expect(start, `section ${number}`).to.be.greaterThan(-1);
  const end = PAGE.indexOf("\n## ", start + 1);
  return PAGE.slice(start, end === -1 ? undefined : end);
}

/** The rows of the first table in `text` that starts with the header cell `first`, as cells. */
function tableRows(text: string, first: string): string[][] {
  const lines = text.split("\n");
  const header = lines.findIndex((line) => line.startsWith(`| ${first} `));
  expect(header, `a table starting with ${first}`).to.be.greaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** `code` without its backticks. */
function plain(cell: string): string {
  return cell.replace(/`/g, "");
}

/** The label names of a metrics table cell: its `code` words, outside parentheses. */
function labelNamesOf(cell: string): string[] {
  return [...cell.replace(/\([^)]*\)/g, "").matchAll(/`([a-z_]+)`/g)].map((match) => match[1]);
}

/** The label names the samples of metric family `name` carry (`le` of histograms left out). */
function servedLabelNames(parsed: PrometheusText, name: string): string[] {
  const inFamily = (sample: string) =>
    sample === name ||
    (sample.startsWith(name) && /^_(bucket|sum|count)$/.test(sample.slice(name.length)));
  const names = parsed.samples
    .filter((sample) => inFamily(sample.name))
    .flatMap((sample) => Object.keys(sample.labels).filter((label) => label !== "le"));
  return [...new Set(names)].sort();
}

/** The text /metrics serves once the relayer recorded one of each thing it records. */
async function servedMetrics(): Promise<PrometheusText> {
  const metrics = new RelayerMetrics();
  metrics.intentAccepted();
  metrics.intentRefused("expired");
  metrics.intentFinal("relayed");
  metrics.transactionSent("relay");
  metrics.batchSent(2);
  metrics.batchSkippedIntent("simulation");
  metrics.submitToReceipt(1.5);
  metrics.recordGasSpent(21_000n);
  metrics.setAccount(10n ** 18n, 3);
  metrics.setFleet("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", {
    active: 3,
    unleased: 1,
    byHolder: { "0x70997970C51812dc3A010C7d01b50e0d17dc79C8": 2 },
  });
  metrics.httpRequest("/health", 200);
  return parsePrometheusText(await metrics.render());
}

describe("docs/relayer-api.md", function () {
  it("shows a version 2 signed intent with validAfter that parses, its ID recomputed, signed by its owner", function () {
    const json = /```json\n([\s\S]*?)\n```/.exec(section(2))![1];

    const signed = parseSignedIntent(json);

    expect(JSON.parse(json).version).to.equal(2);
    expect(signed.intent.validAfter > 0n).to.equal(true);
    expect(signed.intent.validAfter < signed.intent.expiration).to.equal(true);
    expect(recoverSigner(signed.id, dataSlice(signed.signature, 1))).to.equal(
      HARDHAT_ACCOUNT_0.address,
    );
  });

  it("gives the packed calldata of that example the size the SDK encodes, against the ABI form's", function () {
    const signed = parseSignedIntent(/```json\n([\s\S]*?)\n```/.exec(section(2))![1]);
    const packed = dataLength(encodeRelayPacked(signed));
    const abi = dataLength(
      IntentWallet__factory.createInterface().encodeFunctionData("relay", [
        signed.intent,
        signed.signature,
      ]),
    );

    expect(section(8)).to.include(`${packed} bytes instead of ${abi}`);
  });

  it("lists every status of the SDK in section 4, final exactly when the SDK says so", function () {
    const rows = tableRows(section(4), "status");

    expect(rows.map((row) => plain(row[0]))).to.deep.equal([...RELAYER_INTENT_STATUSES]);
    for (const [status, , final] of rows) {
      const isFinal = (FINAL_RELAYER_INTENT_STATUSES as readonly string[]).includes(plain(status));
      expect(final, status).to.equal(isFinal ? "yes" : "no");
    }
  });

  it("lists every relayer error code in section 5 with the HTTP status the relayer answers it with", function () {
    const rows = tableRows(section(5), "HTTP");
    const documented = Object.fromEntries(rows.map(([status, code]) => [plain(code), +status]));

    expect(Object.keys(documented).sort()).to.deep.equal([...RELAYER_ERROR_CODES].sort());
    expect(documented).to.deep.equal(REFUSAL_STATUS);
  });

  it("lists in section 3 every metric GET /metrics serves, with its type and labels, and the process metrics it names", async function () {
    const served = await servedMetrics();
    const rows = tableRows(section(3), "metric");
    const isProcessMetric = (name: string) => /^relayer_(process|nodejs)_/.test(name);

    for (const [metric, type, labels] of rows) {
      const name = plain(metric);
      expect(served.types.get(name), name).to.equal(type);
      expect(servedLabelNames(served, name), name).to.deep.equal(labelNamesOf(labels).sort());
    }
    const own = [...served.types.keys()].filter((name) => !isProcessMetric(name));
    expect(own.sort()).to.deep.equal(rows.map(([metric]) => plain(metric)).sort());
    const named = [...section(3).matchAll(/`(relayer_(?:process|nodejs)_[a-z_]+)`/g)];
    expect(named).to.have.length.greaterThan(0);
    for (const [, name] of named) expect(served.types.has(name), name).to.equal(true);
  });
});

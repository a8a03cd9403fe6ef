import { expect } from "chai";
import { readFileSync } from "node:fs";

import { dataLength, dataSlice, Wallet } from "ethers";

import { recoveredSigner } from "../../src/relayer/checkSignatureAhead.js";
import { REFUSAL_STATUS } from "../../src/relayer/http/refusalStatus.js";
import {
  encodeRelayPacked,
  FINAL_RELAYER_INTENT_STATUSES,
  parseSignedIntent,
  RELAYER_ERROR_CODES,
  RELAYER_INTENT_STATUSES,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";

/*
 * Keeps docs/relayer-api.md true: its signed-intent example parses and is signed by its owner,
 * its figures of the packed calldata are the SDK's, its status table is the SDK's list of
 * statuses, and its error table gives every code the status the HTTP layer answers with.
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

describe("docs/relayer-api.md", function () {
  it("shows a version 2 signed intent with validAfter that parses, its ID recomputed, signed by its owner", function () {
    const json = /```json\n([\s\S]*?)\n```/.exec(section(2))![1];

    const signed = parseSignedIntent(json);

    expect(JSON.parse(json).version).to.equal(2);
    expect(signed.intent.validAfter > 0n).to.equal(true);
    expect(signed.intent.validAfter < signed.intent.expiration).to.equal(true);
    expect(recoveredSigner(signed.id, dataSlice(signed.signature, 1))).to.equal(
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
});

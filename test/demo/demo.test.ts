import { expect } from "chai";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import { snapshotRepositoryRecord, type RecordSnapshot } from "../helpers/deploymentRecord.js";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HARDHAT_CLI = fileURLToPath(new URL("../../node_modules/.bin/hardhat", import.meta.url));

/** Runs `hardhat run scripts/demo.ts` as the README's `./dev demo` does, and collects its output. */
function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "run", "scripts/demo.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("the demo", function () {
  this.timeout(180_000);

  let run: { code: number | null; output: string };
  /** The repository's deployments/31337.json before the demo ran: a hardhat node's record. */
  let record: RecordSnapshot;
  let recordAfter: string | null;

  before(async function () {
    record = await snapshotRepositoryRecord();
    try {
      run = await runDemo();
      recordAfter = await record.now();
    } finally {
      await record.restore();
    }
  });

  it("tells the whole story and exits 0, every step behaving as told", async function () {
    const { code, output } = run;
    expect(output, output).to.include("Every step behaved as told.");
    expect(output).to.not.include("✘");
    expect(output).to.include("IntentBelowThreshold(id=0x");
    for (const step of [
      "1. Deploy",
      "2. A wallet known before it exists",
      "3. The relayer service starts",
      "4. A dependency chain through the relayer",
      "5. A scheduled payment",
      "6. The owner installs the session module",
      "7. The app trades alone",
      "8. A call outside the grant is refused",
      "9. The owner revokes the session",
      "10. A second session expires by time",
      "11. A passkey-owned wallet",
      "12. A 2-of-3 treasury: one signature is refused, two relay",
      "13. The treasury adds a passkey as a fourth key",
    ]) {
      expect(output).to.include(step);
    }
    expect(code, output).to.equal(0);
  });

  it("leaves deployments/31337.json, the record of a hardhat node of the same chain ID, as it was", function () {
    expect(recordAfter).to.deep.equal(record.before);
  });
});

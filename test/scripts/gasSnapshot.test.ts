import { expect } from "chai";

import { compareGasSnapshots, formatGasChanges } from "../../scripts/gasSnapshot.js";

describe("gas snapshot comparison", function () {
  const committed = {
    transferFunded: { eoa: 34_371, ours: 77_963, safe: 65_520, erc4337: 90_205 },
    sessionKeyRegistered: { eoa: 34_371, ours: 89_944, safe: null, erc4337: null },
  };

  it("finds no change when every figure is equal", function () {
    expect(compareGasSnapshots(committed, structuredClone(committed))).to.deep.equal([]);
  });

  it("reports a path that became more expensive, and one that became cheaper, with the delta", function () {
    const measured = structuredClone(committed);
    measured.transferFunded.ours = 78_100;
    measured.sessionKeyRegistered.ours = 89_000;
    const changes = compareGasSnapshots(committed, measured);
    expect(changes).to.deep.equal([
      { row: "transferFunded", column: "ours", before: 77_963, after: 78_100 },
      { row: "sessionKeyRegistered", column: "ours", before: 89_944, after: 89_000 },
    ]);
    expect(formatGasChanges(changes)).to.deep.equal([
      "transferFunded.ours: 77,963 -> 78,100 (+137, more expensive)",
      "sessionKeyRegistered.ours: 89,944 -> 89,000 (-944, cheaper)",
    ]);
  });

  it("reports rows and figures that appeared or disappeared", function () {
    const measured = {
      transferFunded: { ...committed.transferFunded, safe: null },
      bundle: { eoa: 343_710, ours: 592_628, safe: null, erc4337: 578_755 },
    };
    const changes = compareGasSnapshots(committed, measured);
    expect(formatGasChanges(changes)).to.deep.equal([
      "transferFunded.safe: 65,520 -> none",
      "sessionKeyRegistered.eoa: 34,371 -> none",
      "sessionKeyRegistered.ours: 89,944 -> none",
      "bundle.eoa: none -> 343,710",
      "bundle.ours: none -> 592,628",
      "bundle.erc4337: none -> 578,755",
    ]);
  });
});

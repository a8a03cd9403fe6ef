import { expect } from "chai";

import { CreationGate } from "../../src/relayer/creation/creationGate.js";
import type { IntentRecord, RelayerIntentStatus } from "../../src/relayer/types.js";

const WALLET = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
const OTHER_WALLET = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/*
 * One creating relay per wallet at a time: while one intent's relay through the factory is
 * being sent or in flight, the wallet's other intents may not send one; once it is neither
 * (mined, dropped, failed to send), another may.
 */
describe("CreationGate: one relay creating a wallet at a time", function () {
  const statuses = new Map<string, RelayerIntentStatus>();
  const store = { get: async (id: string) => record(id, WALLET, statuses.get(id)) };

  function record(id: string, wallet = WALLET, status: RelayerIntentStatus = "queued") {
    return { id, wallet, status } as IntentRecord;
  }

  beforeEach(() => statuses.clear());

  it("lets the first intent of a wallet create it, and the same intent again", async function () {
    const gate = new CreationGate(store);

    expect(await gate.claim(record("0xa"))).to.equal(true);
    expect(await gate.claim(record("0xa"))).to.equal(true);
  });

  it("holds another intent of the wallet back while the first one's relay is being sent", async function () {
    const gate = new CreationGate(store);
    await gate.claim(record("0xa"));

    expect(await gate.claim(record("0xb"))).to.equal(false);
  });

  it("holds another intent back while the first one's relay is in flight (submitted)", async function () {
    const gate = new CreationGate(store);
    await gate.claim(record("0xa"));
    statuses.set("0xa", "submitted");
    gate.settle(record("0xa"));

    expect(await gate.claim(record("0xb"))).to.equal(false);
  });

  it("lets another intent create the wallet once the first one's relay is no longer in flight", async function () {
    const gate = new CreationGate(store);
    await gate.claim(record("0xa"));
    gate.settle(record("0xa")); // its send failed, or it went back to the queue

    expect(await gate.claim(record("0xb"))).to.equal(true);
    expect(await gate.claim(record("0xa"))).to.equal(false);
  });

  it("never holds back the intents of another wallet", async function () {
    const gate = new CreationGate(store);
    await gate.claim(record("0xa"));

    expect(await gate.claim(record("0xc", OTHER_WALLET))).to.equal(true);
  });

  it("decides two claims made at once for the same wallet for one of them only", async function () {
    const gate = new CreationGate(store);

    const claims = await Promise.all([gate.claim(record("0xa")), gate.claim(record("0xb"))]);

    expect(claims).to.deep.equal([true, false]);
  });
});

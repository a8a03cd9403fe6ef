import { expect } from "chai";
import { getAddress, id as keccakId, Wallet, type Provider } from "ethers";

import { classifyRevert } from "../../src/relayer/chainReads.js";
import { creationRoute, relayRouteOf, walletRoute } from "../../src/relayer/creation/relayRoute.js";
import { simulateRelayRoute } from "../../src/relayer/creation/simulateRoute.js";
import { IntentRecorder } from "../../src/relayer/scheduler/recorder.js";
import { RelaySubmitter } from "../../src/relayer/scheduler/relaySubmitter.js";
import type { RelaySender } from "../../src/relayer/scheduler/types.js";
import { MemoryIntentStore } from "../../src/relayer/store/index.js";
import type { IntentRecord } from "../../src/relayer/types.js";
import {
  buildIntent,
  computeWalletAddress,
  creationRelayGasFloor,
  encodeRelayPacked,
  relayGasFloor,
  signIntent,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { WalletFactory__factory } from "../../typechain-types/index.js";

/*
 * The route of a relay sent alone: on the wallet (`relayPacked`), or, for a wallet with `create`
 * and no code yet, through the factory's `createWalletAndRelay`, its gas limit at least the gas
 * rule's creation path. An intent without `create` costs the routing no JSON-RPC call.
 */

const FACTORY = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const IMPLEMENTATION = getAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
const RELAYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OWNER = new Wallet(keccakId("relay route owner"));
const factoryInterface = WalletFactory__factory.createInterface();

/** A node whose `getCode` answers `code` and `call` answers `answer`, counting its reads. */
function nodeWith(code: string, answer = "0x"): Provider & { reads: number } {
  const node = {
    reads: 0,
    getCode: async () => {
      node.reads++;
      return code;
    },
    call: async () => {
      node.reads++;
      return answer;
    },
    estimateGas: async () => {
      node.reads++;
      return 100_000n;
    },
  };
  return node as unknown as Provider & { reads: number };
}

describe("relay routes: on the wallet, or through the factory for a wallet to create", function () {
  let signed: SignedIntent;

  before(async function () {
    const create = { factory: FACTORY, owner: OWNER.address, salt: 1n };
    signed = await signIntent({
      signer: OWNER,
      intent: buildIntent({ calls: [{ to: RELAYER }], minGasLimit: 2_000_000n }),
      wallet: computeWalletAddress({ ...create, implementation: IMPLEMENTATION }),
      chainId: 31337n,
      create,
    });
  });

  it("routes an intent without create to relayPacked on its wallet, without a JSON-RPC call", async function () {
    const { create: _create, ...withoutCreate } = signed;
    const node = nodeWith("0x");

    const route = await relayRouteOf(node, withoutCreate);

    expect(route).to.deep.equal({
      to: signed.wallet,
      data: encodeRelayPacked(signed),
      creates: false,
    });
    expect(node.reads).to.equal(0);
  });

  it("routes an intent with create whose wallet has no code through the factory's createWalletAndRelay", async function () {
    const route = await relayRouteOf(nodeWith("0x"), signed);

    expect(route.to).to.equal(FACTORY);
    expect(route.creates).to.equal(true);
    const [owner, salt, intent, signature] = factoryInterface.decodeFunctionData(
      "createWalletAndRelay",
      route.data,
    );
    expect([owner, salt, intent.minGasLimit, signature]).to.deep.equal([
      OWNER.address,
      1n,
      2_000_000n,
      signed.signature,
    ]);
  });

  it("routes an intent with create whose wallet has code by now to its wallet: create is ignored", async function () {
    const route = await relayRouteOf(nodeWith("0x6000"), signed);

    expect(route).to.deep.equal(walletRoute(signed));
  });

  it("gives a relay through the factory at least the gas rule's creation path, above a deployed wallet's floor", async function () {
    const store = new MemoryIntentStore();
    const sender = { address: RELAYER } as RelaySender;
    const submitter = new RelaySubmitter(nodeWith("0x"), sender, new IntentRecorder(store));
    const record = { id: signed.id, wallet: signed.wallet, signed } as IntentRecord;

    const throughFactory = await submitter.gasLimitOf(
      record,
      creationRoute(signed, signed.create!),
    );
    const onWallet = await submitter.gasLimitOf(record);

    expect(throughFactory).to.equal(creationRelayGasFloor(signed.intent));
    expect(onWallet).to.equal(relayGasFloor(signed.intent));
    expect(throughFactory > onWallet).to.equal(true);
  });

  it("holds, saying why, an intent whose factory gives no answer (no factory at the address)", async function () {
    const simulation = await simulateRelayRoute(nodeWith("0x", "0x"), signed, RELAYER);

    expect(simulation.creates).to.equal(true);
    expect(simulation.kind).to.equal("revert");
    if (simulation.kind !== "revert") return;
    expect(classifyRevert(simulation.error)).to.deep.equal({ kind: "hold" });
    expect(simulation.reason.message).to.equal(
      `factory ${FACTORY} gave no answer of createWalletAndRelay: it holds no WalletFactory`,
    );
  });

  it("reads a simulated creation's answer: the calls' success", async function () {
    const answer = factoryInterface.encodeFunctionResult("createWalletAndRelay", [
      signed.wallet,
      false,
    ]);

    const simulation = await simulateRelayRoute(nodeWith("0x", answer), signed, RELAYER);

    expect(simulation).to.deep.equal({ kind: "ok", callsSucceed: false, creates: true });
  });
});

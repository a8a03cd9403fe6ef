import { expect } from "chai";

import {
  AbiCoder,
  dataSlice,
  getAddress,
  id as keccakId,
  Wallet,
  type Provider,
  type TransactionRequest,
} from "ethers";

import { walletInterface } from "../../src/relayer/chainReads.js";
import { SpendingPolicy } from "../../src/relayer/policy.js";
import { Scheduler, type RelaySender } from "../../src/relayer/Scheduler.js";
import { MemoryIntentStore } from "../../src/relayer/store/index.js";
import type { IntentRecord } from "../../src/relayer/types.js";
import {
  buildIntent,
  encodeRelayPacked,
  RELAY_PACKED_SELECTOR,
  signIntent,
  type SignedIntent,
} from "../../src/sdk/index.js";

/*
 * The scheduler against a chain it can only reach through a fake provider that records every
 * call, so a test sees exactly what the scheduler asks the node and when. The chain's time is
 * far ahead of the wall clock, so the time the test sets is the relayer's "now".
 */

const WALLET = getAddress("0x" + "a1".repeat(20));
const TARGET = getAddress("0x" + "c3".repeat(20));
const RELAYER = getAddress("0x" + "d4".repeat(20));
const OWNER = new Wallet(keccakId("scheduler test owner"));
/** A unix time in 2096: the wall clock never overtakes it during a test. */
const T = 4_000_000_000n;

const INTENT_STATUS = walletInterface.getFunction("intentStatus")!.selector;
const INTENT_EPOCH = walletInterface.getFunction("intentEpoch")!.selector;
const abi = AbiCoder.defaultAbiCoder();

/** A node seen through the provider methods the scheduler uses; it records every eth_call. */
class FakeChain {
  timestamp = T;
  readonly calls: TransactionRequest[] = [];
  estimates = 0;
  /** What a simulated relay answers: its calls' success, or revert data. */
  relayAnswer: { success: boolean } | { revert: string } = { success: true };

  get provider(): Provider {
    return this as unknown as Provider;
  }

  async getBlock(): Promise<{ timestamp: number }> {
    return { timestamp: Number(this.timestamp) };
  }

  async getFeeData(): Promise<{ gasPrice: bigint }> {
    return { gasPrice: 1n };
  }

  async call(request: TransactionRequest): Promise<string> {
    this.calls.push(request);
    const selector = dataSlice(request.data as string, 0, 4);
    if (selector === INTENT_STATUS) return abi.encode(["uint8"], [0]); // never relayed
    if (selector === INTENT_EPOCH) return abi.encode(["uint256"], [0]); // never invalidated
    if (selector === RELAY_PACKED_SELECTOR) {
      if ("revert" in this.relayAnswer) throw { data: this.relayAnswer.revert };
      return abi.encode(["bool"], [this.relayAnswer.success]);
    }
    throw new Error(`unexpected eth_call ${selector}`);
  }

  /** The relayer's account has used no nonce yet: every transaction it sent is open. */
  async getTransactionCount(): Promise<number> {
    return 0;
  }

  async estimateGas(): Promise<bigint> {
    this.estimates += 1;
    return 100_000n;
  }

  /** The eth_calls that simulated a relay. */
  relaySimulations(): TransactionRequest[] {
    return this.calls.filter(
      (call) => dataSlice(call.data as string, 0, 4) === RELAY_PACKED_SELECTOR,
    );
  }
}

/** A sender that records what it is asked to send, and never reports anything back. */
class RecordingSender implements RelaySender {
  readonly address = RELAYER;
  readonly sent: Parameters<RelaySender["send"]>[0][] = [];

  async send(request: Parameters<RelaySender["send"]>[0]) {
    this.sent.push(request);
    return { hash: keccakId(`tx ${this.sent.length}`), nonce: this.sent.length - 1 };
  }

  async poll() {
    return [];
  }

  async cancel(nonce: number) {
    return { hash: keccakId(`cancel ${nonce}`), nonce };
  }
}

describe("Scheduler and validAfter (a fake chain that records every call)", function () {
  let chain: FakeChain;
  let sender: RecordingSender;
  let store: MemoryIntentStore;
  let scheduler: Scheduler;

  beforeEach(function () {
    chain = new FakeChain();
    sender = new RecordingSender();
    store = new MemoryIntentStore();
    scheduler = schedulerOf();
  });

  /** The scheduler of the test's fake chain, sender and store, with `extra` parameters. */
  function schedulerOf(extra: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}): Scheduler {
    return new Scheduler({
      provider: chain.provider,
      store,
      policy: new SpendingPolicy({
        allowedWallets: [WALLET],
        ratePerMinute: 10,
        gasBudgetWei: 10n ** 18n,
        budgetPeriodMs: 3_600_000,
      }),
      sender,
      holdMs: 60_000,
      ...extra,
    });
  }

  /** Accepts an intent of WALLET with `validAfter` and `expiration`, as scheduled. */
  async function accept(validAfter: bigint, expiration: bigint): Promise<SignedIntent> {
    const intent = buildIntent({ calls: [{ to: TARGET, data: "0x" }], validAfter, expiration });
    const signed = await signIntent({ signer: OWNER, intent, wallet: WALLET, chainId: 31337n });
    const record: IntentRecord = {
      id: signed.id,
      wallet: WALLET,
      signed,
      status: "scheduled",
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    await store.insert(record);
    return signed;
  }

  async function statusOf(signed: SignedIntent) {
    return (await store.get(signed.id))!;
  }

  it("holds an intent until its validAfter without a single node call about it, then sends it as relayPacked", async function () {
    const signed = await accept(T + 100n, T + 1_000n);

    for (const timestamp of [T, T + 50n, T + 99n]) {
      chain.timestamp = timestamp;
      await scheduler.tick();
      expect((await statusOf(signed)).status, `at ${timestamp - T}`).to.equal("scheduled");
    }
    expect(chain.calls, "eth_calls before validAfter").to.deep.equal([]);
    expect(chain.estimates, "gas estimates before validAfter").to.equal(0);
    expect(sender.sent).to.deep.equal([]);

    chain.timestamp = T + 100n;
    await scheduler.tick();

    expect((await statusOf(signed)).status).to.equal("submitted");
    expect(sender.sent).to.have.length(1);
    expect(sender.sent[0].to).to.equal(WALLET);
    expect(sender.sent[0].data).to.equal(encodeRelayPacked(signed));
    expect(chain.relaySimulations().map((call) => call.data)).to.deep.equal([
      encodeRelayPacked(signed),
    ]);
  });

  it("expires an intent whose expiration passed while it was scheduled: expired while waiting for valid_after, never simulated", async function () {
    const signed = await accept(T + 100n, T + 200n);
    await scheduler.tick();
    expect((await statusOf(signed)).status).to.equal("scheduled");

    chain.timestamp = T + 200n;
    await scheduler.tick();

    const record = await statusOf(signed);
    expect(record.status).to.equal("expired");
    expect(record.reason).to.deep.equal({
      code: "expired",
      message: `expired at ${T + 200n} while waiting for its validAfter`,
      details: { waitingFor: "valid_after" },
    });
    expect(chain.relaySimulations()).to.deep.equal([]);
    expect(sender.sent).to.deep.equal([]);
  });

  it("keeps an intent scheduled, sending nothing, while the simulated relay still reverts IntentNotYetValid", async function () {
    const signed = await accept(T + 100n, T + 1_000n);
    // The relayer's clock reached validAfter; the block the node simulates in has not.
    chain.timestamp = T + 100n;
    chain.relayAnswer = {
      revert: walletInterface.encodeErrorResult("IntentNotYetValid", [signed.id, T + 100n]),
    };

    await scheduler.tick();

    expect((await statusOf(signed)).status).to.equal("scheduled");
    expect(chain.relaySimulations()).to.have.length(1);
    expect(sender.sent).to.deep.equal([]);

    chain.relayAnswer = { success: true };
    await scheduler.tick();
    expect((await statusOf(signed)).status).to.equal("submitted");
  });

  it("submits at a later tick an intent a tick had no room for (the submissions per tick are capped)", async function () {
    scheduler = schedulerOf({ maxSubmissionsPerTick: 1 });
    // As the real sender does: each transaction is recorded pending before it is sent.
    const send = sender.send.bind(sender);
    sender.send = async (request) => {
      const sent = await send(request);
      await store.insertTransaction({
        ...sent,
        raw: "0x",
        intentIds: request.intentIds,
        maxFeePerGas: 1n,
        maxPriorityFeePerGas: 1n,
        sentAt: Date.now(),
        state: "pending",
      });
      return sent;
    };
    chain.timestamp = T + 10n;
    const first = await accept(0n, T + 1_000n);
    const second = await accept(0n, T + 1_001n);

    await scheduler.tick();
    expect(sender.sent).to.have.length(1);
    await scheduler.tick();

    expect(sender.sent).to.have.length(2);
    expect((await statusOf(first)).status).to.equal("submitted");
    expect((await statusOf(second)).status).to.equal("submitted");
  });
});

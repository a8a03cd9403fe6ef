import { expect } from "chai";
import {
  concat,
  dataLength,
  dataSlice,
  getAddress,
  getBytes,
  id,
  zeroPadValue,
  type ContractTransactionReceipt,
} from "ethers";
import hre, { network } from "hardhat";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  encodeBatchEntries,
  encodeRelayPacked,
  type BatchedRelay,
  IntentStatus,
} from "../../src/sdk/index.js";
import type { BuildIntentParameters, SignedIntent } from "../../src/sdk/index.js";
import type { IntentBatcher, IntentWallet } from "../../typechain-types/index.js";
import { signedIntent, targetCall } from "../helpers/intents.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** Coverage adds gas between the batcher's gas checks and its events: gas sweeps only hold without it. */
const itGasExact = hre.globalOptions.coverage === true ? it.skip : it;

const WALLETS = 10;
const FUNDED_TOKENS = 1_000n * 10n ** 18n;
const AMOUNT = 10n ** 18n;
const MAX_REASON_LENGTH = 256;
/** 2100-01-01: a fixed expiration keeps calldata, so gas figures, the same on every run. */
const FIXED_EXPIRATION = 4_102_444_800n;

/** Runtime `CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 REVERT`: reverts with its calldata. */
const ECHO_REVERT_RUNTIME = "0x365f5f37365ffd";
const ECHO_REVERT_INIT = concat(["0x6007600a5f3960075ff3", ECHO_REVERT_RUNTIME]);
/** Runtime `PUSH1 2 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`: answers any call with the word 2. */
const ANSWERS_TWO_RUNTIME = "0x60025f5260205ff3";
/** Runtime `PUSH0 NOT PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`: answers any call with the word 2^256 - 1. */
const ANSWERS_MAX_RUNTIME = "0x5f195f5260205ff3";
/** Runtime `JUMPDEST PUSH0 JUMP`: loops until it has burnt all the gas it was given. */
const BURNS_ALL_RUNTIME = "0x5b5f56";
/** Creation code that deploys `runtime` (at most 255 bytes) as is. */
function deploysRuntime(runtime: string): string {
  const size = dataLength(runtime).toString(16).padStart(2, "0");
  return concat([`0x60${size}600a5f3960${size}5ff3`, runtime]);
}

describe("IntentBatcher.relayBatch", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const { factory, token } = world;
    const batcher = (await ethers.deployContract("IntentBatcher")) as unknown as IntentBatcher;
    const owners = (await ethers.getSigners()).slice(5, 5 + WALLETS);
    const wallets: IntentWallet[] = [];
    const walletAddresses: string[] = [];
    const recipients: string[] = [];
    for (const owner of owners) {
      await factory.createWallet(owner.address, 0n);
      const address = await factory.walletAddress(owner.address, 0n);
      await token.mint(address, FUNDED_TOKENS);
      wallets.push(
        (await ethers.getContractAt("IntentWallet", address)) as unknown as IntentWallet,
      );
      walletAddresses.push(address);
      // A funded recipient: the transfer writes a nonzero balance, as most transfers do.
      const recipient = getAddress(dataSlice(id(`recipient ${walletAddresses.length}`), 0, 20));
      await token.mint(recipient, 1n);
      recipients.push(recipient);
    }
    const deployment = await world.owner.sendTransaction({ data: ECHO_REVERT_INIT });
    const echoRevert = (await deployment.wait())!.contractAddress!;
    return {
      ...world,
      batcher,
      batcherAddress: await batcher.getAddress(),
      owners,
      wallets,
      walletAddresses,
      recipients,
      echoRevert,
    };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** An intent built and signed for wallet `k` by its owner (or by `signer`). */
  function signedFor(
    world: Fixture,
    k: number,
    parameters: BuildIntentParameters,
    signer: HardhatEthersSigner = world.owners[k],
  ): Promise<SignedIntent> {
    const forWallet = { ...world, owner: world.owners[k], walletAddress: world.walletAddresses[k] };
    return signedIntent(forWallet, parameters, signer).then(({ signed }) => signed);
  }

  /** Wallet `k` transfers `amount` tokens to its recipient. */
  async function transferFrom(
    world: Fixture,
    k: number,
    extra: Partial<BuildIntentParameters> = {},
    amount = AMOUNT,
  ): Promise<SignedIntent> {
    const { token, recipients } = world;
    return signedFor(world, k, {
      calls: [
        {
          to: await token.getAddress(),
          data: token.interface.encodeFunctionData("transfer", [recipients[k], amount]),
        },
      ],
      ...extra,
    });
  }

  /** The batch entry of `signed`. */
  function entry(signed: SignedIntent): BatchedRelay {
    return signed;
  }

  /** The batch entry of `signed`, sent to `wallet` instead of its own. */
  function entryOn(wallet: string, signed: SignedIntent): BatchedRelay {
    return { ...signed, wallet };
  }

  async function relayBatch(world: Fixture, relays: BatchedRelay[], gasLimit?: bigint) {
    const { batcher, relayer } = world;
    const tx = await batcher
      .connect(relayer)
      .relayBatch(encodeBatchEntries(relays), gasLimit ? { gasLimit } : {});
    return (await tx.wait())!;
  }

  /**
   * What became of each entry: a relayed entry shows as its wallet's `IntentRelayed` (the batcher
   * emits nothing for it), a skipped one as the batcher's `BatchedIntentSkipped`.
   */
  type BatchEvent =
    | { name: "IntentRelayed"; index: bigint; wallet: string; success: boolean }
    | { name: "BatchedIntentSkipped"; index: bigint; wallet: string; reason: string }
    | { name: "BatchStopped"; index: bigint; gasLeft: bigint };

  /** What became of the entries, in order: the batcher's events and the wallets' `IntentRelayed`. */
  function batchEvents(world: Fixture, receipt: ContractTransactionReceipt): BatchEvent[] {
    const { batcher, batcherAddress, wallet } = world;
    const relayedTopic = wallet.interface.getEvent("IntentRelayed").topicHash;
    const events: BatchEvent[] = [];
    let next = 0n; // the entry the next IntentRelayed belongs to
    for (const log of receipt.logs) {
      if (log.address === batcherAddress) {
        const parsed = batcher.interface.parseLog(log)!;
        const [index, second, third] = parsed.args as unknown as [bigint, never, never];
        if (parsed.name === "BatchStopped") {
          events.push({ name: "BatchStopped", index, gasLeft: second as bigint });
        } else {
          events.push({ name: "BatchedIntentSkipped", index, wallet: second, reason: third });
          next = index + 1n;
        }
      } else if (log.topics[0] === relayedTopic) {
        const parsed = wallet.interface.parseLog(log)!;
        const success = parsed.args.success as boolean;
        events.push({ name: "IntentRelayed", index: next, wallet: log.address, success });
        next += 1n;
      }
    }
    return events;
  }

  /** The wallet error `reason` decodes to, as [name, ...args]. */
  function decodeReason(world: Fixture, reason: string): unknown[] {
    const error = world.wallet.interface.parseError(reason)!;
    return [error.name, ...error.args];
  }

  /** The lowest gas limit a transaction with `data` is accepted with: intrinsic gas or EIP-7623's floor. */
  function minimumGasLimit(data: string): bigint {
    const bytes = getBytes(data);
    const zeros = BigInt(bytes.filter((byte) => byte === 0).length);
    const nonZeros = BigInt(bytes.length) - zeros;
    const intrinsic = 21_000n + 4n * zeros + 16n * nonZeros;
    const floor = 21_000n + 10n * (zeros + 4n * nonZeros);
    return intrinsic > floor ? intrinsic : floor;
  }

  it("relays 10 intents from 10 different wallets in one transaction, each with its own receipt (relayer = the batcher) and its transfer", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, batcherAddress, relayer, token, wallets, walletAddresses, recipients } = world;
    const signed = await Promise.all(walletAddresses.map((_, k) => transferFrom(world, k)));
    const relays = signed.map(entry);

    expect(
      await batcher.connect(relayer).relayBatch.staticCall(encodeBatchEntries(relays)),
    ).to.deep.equal([BigInt(WALLETS), 0n]);
    const receipt = await relayBatch(world, relays);

    expect(batchEvents(world, receipt)).to.deep.equal(
      walletAddresses.map((wallet, k) => ({
        name: "IntentRelayed",
        index: BigInt(k),
        wallet,
        success: true,
      })),
    );
    for (let k = 0; k < WALLETS; k++) {
      const intentReceipt = await wallets[k].intentReceipt(signed[k].id);
      expect(intentReceipt.status).to.equal(IntentStatus.Succeeded);
      expect(intentReceipt.relayer).to.equal(batcherAddress);
      expect(intentReceipt.blockNumber).to.equal(BigInt(receipt.blockNumber));
      expect(await token.balanceOf(walletAddresses[k])).to.equal(FUNDED_TOKENS - AMOUNT);
      expect(await token.balanceOf(recipients[k])).to.equal(1n + AMOUNT);
    }
    const relayedEvents = receipt.logs.filter(
      (log) => log.topics[0] === wallets[0].interface.getEvent("IntentRelayed").topicHash,
    );
    expect(relayedEvents.map((log) => log.address)).to.deep.equal(walletAddresses);
  });

  it("costs less than 10 separate relays of the same 10 ERC-20 transfers to funded recipients (figures logged)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallets, walletAddresses, relayer } = world;
    const signed = await Promise.all(
      walletAddresses.map((_, k) => transferFrom(world, k, { expiration: FIXED_EXPIRATION })),
    );

    const snapshot = await networkHelpers.takeSnapshot();
    const batchGas = (await relayBatch(world, signed.map(entry))).gasUsed;
    await snapshot.restore();
    let separateGas = 0n;
    for (let k = 0; k < WALLETS; k++) {
      const tx = await wallets[k].connect(relayer).relay(signed[k].intent, signed[k].signature);
      separateGas += (await tx.wait())!.gasUsed;
      expect(await wallets[k].intentStatus(signed[k].id)).to.equal(IntentStatus.Succeeded);
    }

    console.log(
      `      10 ERC-20 transfers from 10 wallets: one batch ${batchGas} gas ` +
        `(${batchGas / 10n} per intent), 10 separate relays ${separateGas} gas ` +
        `(${separateGas / 10n} per intent), saved ${separateGas - batchGas}`,
    );
    expect(batchGas).to.be.lessThan(separateGas);
  });

  it("skips a bad signature, an expired intent, one already relayed and one with an unmet dependency, each with its decoded reason, and still relays the others; a reverting call is relayed with success = false", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, relayer, stranger, wallets, walletAddresses } = world;
    const block = await ethers.provider.getBlock("latest");
    const good = await Promise.all([0, 1, 2].map((k) => transferFrom(world, k)));
    const badSignature = await transferFrom(world, 3);
    const forged = await signedFor(world, 3, badSignature.intent, stranger);
    // Expires at the latest block's timestamp: the batch's block is later.
    const expired = await transferFrom(world, 4, { expiration: BigInt(block!.timestamp) });
    const alreadyRelayed = await transferFrom(world, 5);
    await wallets[5].connect(relayer).relay(alreadyRelayed.intent, alreadyRelayed.signature);
    const neverRelayed = await transferFrom(world, 0, { salt: 99n });
    const dependency = { wallet: walletAddresses[0], id: neverRelayed.id };
    const unmetDependency = await transferFrom(world, 6, { dependencies: [dependency] });
    // More tokens than the wallet holds: the call reverts and the wallet records Failed.
    const failingCall = await transferFrom(world, 7, {}, FUNDED_TOKENS + 1n);

    const relays = [
      good[0],
      { ...badSignature, signature: forged.signature },
      expired,
      good[1],
      alreadyRelayed,
      unmetDependency,
      failingCall,
      good[2],
    ].map(entry);
    // Four relayed, one of them (failingCall) with calls that reverted.
    expect(
      await batcher.connect(relayer).relayBatch.staticCall(encodeBatchEntries(relays)),
    ).to.deep.equal([4n, 1n]);
    const receipt = await relayBatch(world, relays);

    const events = batchEvents(world, receipt);
    expect(events.map((event) => [event.name, event.index])).to.deep.equal(
      relays.map((_, index) => [
        [1, 2, 4, 5].includes(index) ? "BatchedIntentSkipped" : "IntentRelayed",
        BigInt(index),
      ]),
    );
    const reasons = events.map((event) =>
      event.name === "BatchedIntentSkipped" ? decodeReason(world, event.reason) : event,
    );
    expect(reasons[1]).to.deep.equal(["IntentInvalidSignature", badSignature.id]);
    expect(reasons[2]).to.deep.equal(["IntentExpired", expired.id, BigInt(block!.timestamp)]);
    expect(reasons[4]).to.deep.equal(["IntentAlreadyRelayed", alreadyRelayed.id]);
    expect(reasons[5]).to.deep.equal([
      "IntentDependencyNotMet",
      unmetDependency.id,
      dependency.wallet,
      dependency.id,
    ]);
    expect(reasons[6]).to.include({ wallet: walletAddresses[7], success: false });
    const failedTopic = wallets[7].interface.getEvent("IntentFailed").topicHash;
    expect(
      receipt.logs.filter((log) => log.topics[0] === failedTopic).map((log) => log.address),
    ).to.deep.equal([walletAddresses[7]]);

    const relayed = [
      await wallets[0].intentStatus(good[0].id),
      await wallets[1].intentStatus(good[1].id),
      await wallets[2].intentStatus(good[2].id),
      await wallets[7].intentStatus(failingCall.id),
    ];
    expect(relayed).to.deep.equal([
      IntentStatus.Succeeded,
      IntentStatus.Succeeded,
      IntentStatus.Succeeded,
      IntentStatus.Failed,
    ]);
    expect(await wallets[3].intentStatus(badSignature.id)).to.equal(IntentStatus.None);
    expect(await wallets[4].intentStatus(expired.id)).to.equal(IntentStatus.None);
    expect(await wallets[6].intentStatus(unmetDependency.id)).to.equal(IntentStatus.None);
    // The intent relayed before keeps its first receipt.
    const first = await wallets[5].intentReceipt(alreadyRelayed.id);
    expect([first.status, first.relayer]).to.deep.equal([IntentStatus.Succeeded, relayer.address]);
  });

  it("relays an intent whose dependency on another wallet is relayed earlier in the same batch, and skips it when the order is reversed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallets, walletAddresses } = world;
    const first = await transferFrom(world, 0);
    const dependency = { wallet: walletAddresses[0], id: first.id };
    const dependent = await transferFrom(world, 1, { dependencies: [dependency] });

    const snapshot = await networkHelpers.takeSnapshot();
    const reversed = batchEvents(world, await relayBatch(world, [dependent, first].map(entry)));
    expect(reversed.map((event) => event.name)).to.deep.equal([
      "BatchedIntentSkipped",
      "IntentRelayed",
    ]);
    const skipped = reversed[0] as Extract<BatchEvent, { name: "BatchedIntentSkipped" }>;
    expect(decodeReason(world, skipped.reason)).to.deep.equal([
      "IntentDependencyNotMet",
      dependent.id,
      dependency.wallet,
      dependency.id,
    ]);
    expect(await wallets[1].intentStatus(dependent.id)).to.equal(IntentStatus.None);
    await snapshot.restore();

    const inOrder = batchEvents(world, await relayBatch(world, [first, dependent].map(entry)));
    expect(inOrder.map((event) => event.name)).to.deep.equal(["IntentRelayed", "IntentRelayed"]);
    expect(await wallets[0].intentStatus(first.id)).to.equal(IntentStatus.Succeeded);
    expect(await wallets[1].intentStatus(dependent.id)).to.equal(IntentStatus.Succeeded);
  });

  it("cuts a huge revert reason to its first 256 bytes and goes on", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallets, echoRevert } = world;
    const good = await transferFrom(world, 0);
    // A contract posing as a wallet reverts with the relay's calldata: over 10,000 bytes here.
    const hugeSignature = concat(["0x00", "0x" + "ab".repeat(10_000)]);
    const huge = entryOn(echoRevert, { ...good, signature: hugeSignature });
    const calldata = encodeRelayPacked({ intent: good.intent, signature: hugeSignature });
    expect(dataLength(calldata)).to.be.greaterThan(10_000);

    const events = batchEvents(world, await relayBatch(world, [huge, entry(good)]));
    expect(events).to.deep.equal([
      {
        name: "BatchedIntentSkipped",
        index: 0n,
        wallet: echoRevert,
        reason: dataSlice(calldata, 0, MAX_REASON_LENGTH),
      },
      { name: "IntentRelayed", index: 1n, wallet: good.wallet, success: true },
    ]);
    expect(await world.batcher.MAX_REASON_LENGTH()).to.equal(BigInt(MAX_REASON_LENGTH));
  });

  it("skips an address that answers relay without a bool (no code) with BatcherInvalidAnswer", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, stranger } = world;
    const good = await transferFrom(world, 0);

    const events = batchEvents(
      world,
      await relayBatch(world, [entryOn(stranger.address, good), entry(good)]),
    );
    expect(events).to.deep.equal([
      {
        name: "BatchedIntentSkipped",
        index: 0n,
        wallet: stranger.address,
        reason: batcher.interface.encodeErrorResult("BatcherInvalidAnswer", [stranger.address]),
      },
      { name: "IntentRelayed", index: 1n, wallet: good.wallet, success: true },
    ]);
  });

  it("skips, unconsumed, an intent whose minGasLimit the batch's gas can't guarantee (IntentInsufficientGas), while a cheap one still relays; with enough gas it relays with its minGasLimit", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { target, wallets } = world;
    const minGasLimit = 1_000_000n;
    const heavy = await signedFor(world, 0, {
      calls: [await targetCall(world, "recordGas", [0n])],
      minGasLimit,
    });
    const cheap = await transferFrom(world, 1, { minGasLimit: 50_000n });

    const snapshot = await networkHelpers.takeSnapshot();
    const starved = batchEvents(
      world,
      await relayBatch(world, [heavy, cheap].map(entry), 500_000n),
    );
    expect(starved.map((event) => event.name)).to.deep.equal([
      "BatchedIntentSkipped",
      "IntentRelayed",
    ]);
    const skipped = starved[0] as Extract<BatchEvent, { name: "BatchedIntentSkipped" }>;
    const [name, id, limit, gasLeft] = decodeReason(world, skipped.reason);
    expect([name, id, limit]).to.deep.equal(["IntentInsufficientGas", heavy.id, minGasLimit]);
    expect(gasLeft as bigint).to.be.lessThan(minGasLimit);
    expect(await wallets[0].intentStatus(heavy.id)).to.equal(IntentStatus.None);
    expect(await wallets[1].intentStatus(cheap.id)).to.equal(IntentStatus.Succeeded);
    await snapshot.restore();

    const fed = batchEvents(world, await relayBatch(world, [heavy, cheap].map(entry), 2_000_000n));
    expect(fed.map((event) => event.name)).to.deep.equal(["IntentRelayed", "IntentRelayed"]);
    expect(await wallets[0].intentStatus(heavy.id)).to.equal(IntentStatus.Succeeded);
    expect(await target.gasAtEntry()).to.be.greaterThanOrEqual(minGasLimit);
  });

  itGasExact(
    "never reverts and never burns an intent, whatever the gas limit: every entry is relayed, skipped unconsumed, or left after BatchStopped",
    async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { batcher, echoRevert, wallets } = world;
      const transfers = await Promise.all(
        [0, 1, 2].map((k) => transferFrom(world, k, { minGasLimit: 40_000n })),
      );
      const huge = entryOn(echoRevert, {
        ...transfers[0],
        signature: concat(["0x00", "0x" + "ab".repeat(2_000)]),
      });
      const relays = [entry(transfers[0]), huge, entry(transfers[1]), entry(transfers[2])];
      // Not estimateGas: the batch never reverts, so the estimate may leave an entry short of its minGasLimit.
      const plenty = 600_000n;
      const lowest = minimumGasLimit(
        batcher.interface.encodeFunctionData("relayBatch", [encodeBatchEntries(relays)]),
      );

      const seen = { stopped: 0, skipped: 0, allRelayed: 0 };
      for (let gasLimit = lowest; gasLimit <= plenty; gasLimit += 3_000n) {
        const snapshot = await networkHelpers.takeSnapshot();
        const receipt = await relayBatch(world, relays, gasLimit);
        expect(receipt.status, `gasLimit ${gasLimit}`).to.equal(1);
        const events = batchEvents(world, receipt);
        const stop = events.findIndex((event) => event.name === "BatchStopped");
        const attempted = stop === -1 ? events : events.slice(0, stop);
        expect(
          attempted.map((event) => event.index),
          `gasLimit ${gasLimit}`,
        ).to.deep.equal(attempted.map((_, index) => BigInt(index)));
        if (stop === -1) expect(attempted.length, `gasLimit ${gasLimit}`).to.equal(relays.length);
        else
          expect(stop, `gasLimit ${gasLimit}: BatchStopped comes last`).to.equal(events.length - 1);
        for (const [k, transfer] of transfers.entries()) {
          const index = relays.findIndex(
            (relay) => relay.signature === transfer.signature && relay.wallet === transfer.wallet,
          );
          const event = attempted.find((event) => event.index === BigInt(index));
          const expected =
            event?.name === "IntentRelayed" ? IntentStatus.Succeeded : IntentStatus.None;
          expect(await wallets[k].intentStatus(transfer.id), `gasLimit ${gasLimit}`).to.equal(
            expected,
          );
        }
        seen.stopped += stop === -1 ? 0 : 1;
        seen.skipped += attempted.some(
          (event) => event.name === "BatchedIntentSkipped" && event.wallet !== echoRevert,
        )
          ? 1
          : 0;
        seen.allRelayed +=
          attempted.filter((event) => event.name === "IntentRelayed").length === transfers.length
            ? 1
            : 0;
        await snapshot.restore();
      }
      expect(seen.stopped).to.be.greaterThan(0);
      expect(seen.skipped).to.be.greaterThan(0);
      expect(seen.allRelayed).to.be.greaterThan(0);
    },
  );

  it("relays nothing in an empty batch", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, relayer } = world;
    expect(await batcher.connect(relayer).relayBatch.staticCall("0x")).to.deep.equal([0n, 0n]);
    const receipt = await relayBatch(world, []);
    expect(receipt.status).to.equal(1);
    expect(receipt.logs).to.have.length(0);
  });
  it("skips a contract that answers relay with a word that is no bool (2, or 2^256 - 1) with BatcherInvalidAnswer, counting it neither relayed nor failed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, relayer, owner, wallets } = world;
    const fakes: string[] = [];
    for (const runtime of [ANSWERS_TWO_RUNTIME, ANSWERS_MAX_RUNTIME]) {
      const deployment = await owner.sendTransaction({ data: deploysRuntime(runtime) });
      const fake = (await deployment.wait())!.contractAddress!;
      expect(await ethers.provider.getCode(fake)).to.equal(runtime);
      fakes.push(fake);
    }
    const good = await transferFrom(world, 0);
    const relays = [entryOn(fakes[0], good), entryOn(fakes[1], good), entry(good)];

    expect(
      await batcher.connect(relayer).relayBatch.staticCall(encodeBatchEntries(relays)),
    ).to.deep.equal([1n, 0n]);
    const events = batchEvents(world, await relayBatch(world, relays));
    expect(events).to.deep.equal([
      ...fakes.map((fake, index) => ({
        name: "BatchedIntentSkipped",
        index: BigInt(index),
        wallet: fake,
        reason: batcher.interface.encodeErrorResult("BatcherInvalidAnswer", [fake]),
      })),
      { name: "IntentRelayed", index: 2n, wallet: good.wallet, success: true },
    ]);
    expect(await wallets[0].intentStatus(good.id)).to.equal(IntentStatus.Succeeded);
  });

  it("stops for good at the first entry it can't keep GAS_RESERVE for: one BatchStopped, no later entry attempted", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, relayer, owner, wallets } = world;
    const deployment = await owner.sendTransaction({ data: deploysRuntime(BURNS_ALL_RUNTIME) });
    const burner = (await deployment.wait())!.contractAddress!;
    const transfers = await Promise.all([0, 1, 2].map((k) => transferFrom(world, k)));
    // The burner takes all the gas entry 0 is given: what is left is less than GAS_RESERVE.
    const relays = [entryOn(burner, transfers[0]), ...transfers.map(entry)];
    const gasLimit = 400_000n;
    const reserve = await batcher.GAS_RESERVE();

    expect(
      await batcher
        .connect(relayer)
        .relayBatch.staticCall(encodeBatchEntries(relays), { gasLimit }),
    ).to.deep.equal([0n, 0n]);
    const receipt = await relayBatch(world, relays, gasLimit);
    expect(receipt.status).to.equal(1);
    const events = batchEvents(world, receipt);
    expect(events.map((event) => [event.name, event.index])).to.deep.equal([
      ["BatchedIntentSkipped", 0n],
      ["BatchStopped", 1n],
    ]);
    const stopped = events[1] as Extract<BatchEvent, { name: "BatchStopped" }>;
    expect(stopped.gasLeft).to.be.lessThan(reserve);
    for (const [k, transfer] of transfers.entries()) {
      expect(await wallets[k].intentStatus(transfer.id), `entry ${k + 1}`).to.equal(
        IntentStatus.None,
      );
    }
  });
  it("refuses a batch whose last entry is cut short with BatcherMalformedEntries(its offset), relaying none of the entries before it", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { batcher, relayer, wallets } = world;
    const transfers = await Promise.all([0, 1].map((k) => transferFrom(world, k)));
    const first = encodeBatchEntries([entry(transfers[0])]);
    const both = encodeBatchEntries(transfers.map(entry));
    // relayBatch(bytes): the entries start after the selector, the offset and the length words.
    const secondOffset = 4 + 32 + 32 + dataLength(first);

    for (const cut of [
      dataSlice(both, 0, dataLength(both) - 1), // the payload one byte short
      concat([first, dataSlice(both, dataLength(first), dataLength(first) + 22)]), // the header short
    ]) {
      await expect(batcher.connect(relayer).relayBatch(cut))
        .to.be.revertedWithCustomError(batcher, "BatcherMalformedEntries")
        .withArgs(secondOffset);
    }
    expect(await wallets[0].intentStatus(transfers[0].id)).to.equal(IntentStatus.None);
    expect(await wallets[1].intentStatus(transfers[1].id)).to.equal(IntentStatus.None);
  });
  itGasExact(
    "keeps the cost of an entry flat along the batch: memory is reused, so the 100th of 100 like entries costs what the 2nd does",
    async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { echoRevert } = world;
      const good = await transferFrom(world, 0);
      // Each entry's relay reverts with its 256-byte calldata (zeros: cheap calldata, so the
      // gas used is execution, not EIP-7623's calldata floor), which the batcher copies and emits.
      const skipped = entryOn(echoRevert, { ...good, signature: zeroPadValue("0x", 252) });
      const gasUsedBy = async (count: number) => {
        const snapshot = await networkHelpers.takeSnapshot();
        try {
          const receipt = await relayBatch(world, Array(count).fill(skipped), 15_000_000n);
          const events = batchEvents(world, receipt);
          expect(events.map((event) => event.name)).to.deep.equal(
            Array(count).fill("BatchedIntentSkipped"),
          );
          return receipt.gasUsed;
        } finally {
          await snapshot.restore();
        }
      };
      const second = (await gasUsedBy(2)) - (await gasUsedBy(1));
      const hundredth = (await gasUsedBy(100)) - (await gasUsedBy(99));
      expect(hundredth - second).to.be.lessThan(50n);
    },
  );
});

import { expect } from "chai";
import { network } from "hardhat";

import { getIntentId, type Intent, IntentStatus } from "../../src/sdk/index.js";
import { deployWalletWorld, buildIntentNow, signForWallet } from "../helpers/walletFixture.js";
import { signedIntent, targetCall, walletCallReverted } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

const GWEI = 10n ** 9n;

/** A gas limit large enough for every relay here: set explicitly so that no gas estimation
 *  runs first and the transaction is mined (and checked) in the block it is sent for. */
const GAS_LIMIT = 2_000_000n;

describe("IntentWallet.relay", function () {
  async function fixture() {
    return deployWalletWorld(ethers);
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  async function pingIntent(
    world: World,
    overrides: Partial<Omit<Intent, "calls">> & { x?: bigint } = {},
  ): Promise<Intent> {
    const { x = 7n, ...fields } = overrides;
    const intent = await buildIntentNow(world, { calls: [await targetCall(world, "ping", [x])] });
    return { ...intent, ...fields };
  }

  function targetFailed(world: World, code: bigint): string {
    return world.target.interface.encodeErrorResult("TargetFailed", [code]);
  }

  it("executes an owner-signed intent relayed by anyone and records its receipt", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, relayer } = world;
    const { intent, signed } = await signedIntent(world, {
      calls: [await targetCall(world, "ping", [7n])],
    });

    expect(await wallet.intentId(intent)).to.equal(signed.id);
    const tx = wallet.connect(relayer).relay(intent, signed.signature);
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, true);
    await expect(tx).to.emit(target, "Pinged").withArgs(world.walletAddress, 0n, 7n);

    const receipt = await wallet.intentReceipt(signed.id);
    expect(receipt.status).to.equal(1n);
    expect(receipt.relayer).to.equal(relayer.address);
    expect(receipt.blockNumber).to.equal(BigInt(await ethers.provider.getBlockNumber()));
  });

  describe("expiration", function () {
    it("relays an intent one second before its expiration", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer } = world;
      const now = BigInt(await networkHelpers.time.latest());
      const intent = await pingIntent(world, { expiration: now + 100n });
      const signed = await signForWallet(world, intent);

      await networkHelpers.time.setNextBlockTimestamp(intent.expiration - 1n);
      const tx = await wallet
        .connect(relayer)
        .relay(intent, signed.signature, { gasLimit: GAS_LIMIT });
      const mined = await tx.wait();

      const block = await ethers.provider.getBlock(mined!.blockNumber);
      expect(BigInt(block!.timestamp)).to.equal(intent.expiration - 1n);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      expect(await target.pings()).to.equal(1n);
    });

    it("rejects an intent relayed at its expiration second", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer } = world;
      const now = BigInt(await networkHelpers.time.latest());
      const intent = await pingIntent(world, { expiration: now + 100n });
      const signed = await signForWallet(world, intent);

      await networkHelpers.time.setNextBlockTimestamp(intent.expiration);
      await expect(wallet.connect(relayer).relay(intent, signed.signature, { gasLimit: GAS_LIMIT }))
        .to.be.revertedWithCustomError(wallet, "IntentExpired")
        .withArgs(signed.id, intent.expiration);

      // The failed transaction was mined exactly at the expiration second.
      expect(BigInt(await networkHelpers.time.latest())).to.equal(intent.expiration);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await target.pings()).to.equal(0n);
    });

    it("rejects an intent relayed after its expiration", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const now = BigInt(await networkHelpers.time.latest());
      const intent = await pingIntent(world, { expiration: now + 100n });
      const signed = await signForWallet(world, intent);

      await networkHelpers.time.increaseTo(intent.expiration + 3600n);
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.be.revertedWithCustomError(wallet, "IntentExpired")
        .withArgs(signed.id, intent.expiration);
    });

    it("treats an expiration of 0 as expired, not as 'forever'", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const intent = await pingIntent(world, { expiration: 0n });
      const signed = await signForWallet(world, intent);

      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.be.revertedWithCustomError(wallet, "IntentExpired")
        .withArgs(signed.id, 0n);
    });
  });

  describe("gas price", function () {
    it("relays when tx.gasprice equals maxGasPrice (legacy gasPrice)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const maxGasPrice = 3n * GWEI;
      const intent = await pingIntent(world, { maxGasPrice });
      const signed = await signForWallet(world, intent);

      const tx = await wallet
        .connect(relayer)
        .relay(intent, signed.signature, { gasPrice: maxGasPrice, gasLimit: GAS_LIMIT });
      const mined = await tx.wait();

      expect(mined!.gasPrice).to.equal(maxGasPrice);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
    });

    it("rejects a relay whose tx.gasprice is one wei above maxGasPrice (legacy gasPrice)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const maxGasPrice = 3n * GWEI;
      const intent = await pingIntent(world, { maxGasPrice });
      const signed = await signForWallet(world, intent);

      await expect(
        wallet
          .connect(relayer)
          .relay(intent, signed.signature, { gasPrice: maxGasPrice + 1n, gasLimit: GAS_LIMIT }),
      )
        .to.be.revertedWithCustomError(wallet, "IntentGasPriceTooHigh")
        .withArgs(signed.id, maxGasPrice + 1n, maxGasPrice);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
    });

    it("compares the effective EIP-1559 gas price (base fee + tip), not maxFeePerGas", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const maxGasPrice = 3n * GWEI;
      const baseFee = 2n * GWEI;
      const intent = await pingIntent(world, { maxGasPrice });
      const signed = await signForWallet(world, intent);

      // A tip of 1 gwei + 1 wei puts tx.gasprice one wei above the limit.
      await networkHelpers.setNextBlockBaseFeePerGas(baseFee);
      await expect(
        wallet.connect(relayer).relay(intent, signed.signature, {
          maxFeePerGas: 50n * GWEI,
          maxPriorityFeePerGas: GWEI + 1n,
          gasLimit: GAS_LIMIT,
        }),
      )
        .to.be.revertedWithCustomError(wallet, "IntentGasPriceTooHigh")
        .withArgs(signed.id, maxGasPrice + 1n, maxGasPrice);

      // maxFeePerGas far above the limit, but base fee + tip equal to it: relays.
      await networkHelpers.setNextBlockBaseFeePerGas(baseFee);
      const tx = await wallet.connect(relayer).relay(intent, signed.signature, {
        maxFeePerGas: 50n * GWEI,
        maxPriorityFeePerGas: GWEI,
        gasLimit: GAS_LIMIT,
      });
      const mined = await tx.wait();
      expect(mined!.gasPrice).to.equal(maxGasPrice);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
    });
  });

  it("rejects an intent with no calls", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer } = world;
    const intent: Intent = { ...(await pingIntent(world)), calls: [] };
    const signed = await signForWallet(world, intent);

    await expect(wallet.connect(relayer).relay(intent, signed.signature))
      .to.be.revertedWithCustomError(wallet, "IntentHasNoCalls")
      .withArgs(signed.id);
  });

  describe("at most once", function () {
    it("rejects relaying the same ID a second time and keeps the first receipt", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer, stranger } = world;
      const intent = await pingIntent(world);
      const signed = await signForWallet(world, intent);

      await wallet.connect(relayer).relay(intent, signed.signature);
      const first = await wallet.intentReceipt(signed.id);

      await expect(wallet.connect(stranger).relay(intent, signed.signature))
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(signed.id);

      const receipt = await wallet.intentReceipt(signed.id);
      expect(receipt.status).to.equal(IntentStatus.Succeeded);
      expect(receipt.relayer).to.equal(relayer.address);
      expect(receipt.blockNumber).to.equal(first.blockNumber);
      expect(await target.pings()).to.equal(1n);
    });

    it("consumes an ID whose calls failed: it can never be relayed again", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [await targetCall(world, "pingThenFail", [5n])],
      });

      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, false);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);

      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(signed.id);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
      expect(await target.pings()).to.equal(0n);
    });
  });

  describe("failing calls", function () {
    it("undoes the whole batch when its second call reverts", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [await targetCall(world, "ping", [1n]), await targetCall(world, "fail", [42n])],
      });

      const tx = wallet.connect(relayer).relay(intent, signed.signature);
      await expect(tx)
        .to.emit(wallet, "IntentFailed")
        .withArgs(signed.id, walletCallReverted(world, 1n, targetFailed(world, 42n)));
      await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, false);
      await expect(tx).not.to.emit(target, "Pinged");

      expect(await target.pings()).to.equal(0n);
      expect(await target.lastCaller()).to.equal(ethers.ZeroAddress);
      const receipt = await wallet.intentReceipt(signed.id);
      expect(receipt.status).to.equal(IntentStatus.Failed);
      expect(receipt.relayer).to.equal(relayer.address);
    });

    it("records a single failing call as Failed while the relay transaction succeeds at no extra cost", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer, walletAddress } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [await targetCall(world, "pingThenFail", [9n])],
      });

      expect(await wallet.connect(relayer).relay.staticCall(intent, signed.signature)).to.equal(
        false,
      );

      const relayerBefore = await ethers.provider.getBalance(relayer.address);
      const walletBefore = await ethers.provider.getBalance(walletAddress);
      const tx = await wallet.connect(relayer).relay(intent, signed.signature);
      const mined = await tx.wait();
      expect(mined!.status).to.equal(1);

      await expect(tx)
        .to.emit(wallet, "IntentFailed")
        .withArgs(signed.id, walletCallReverted(world, 0n, targetFailed(world, 9n)));
      await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, false);

      // The relayer paid its gas and nothing else; the wallet's ETH did not move.
      const gasCost = mined!.gasUsed * mined!.gasPrice;
      expect(await ethers.provider.getBalance(relayer.address)).to.equal(relayerBefore - gasCost);
      expect(await ethers.provider.getBalance(walletAddress)).to.equal(walletBefore);
      expect(await target.pings()).to.equal(0n);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
    });

    it("cuts a single call's revert data to 256 bytes in IntentFailed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [await targetCall(world, "failWithData", [10_000n])],
      });

      const cut = ethers.hexlify(new Uint8Array(256));
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentFailed")
        .withArgs(signed.id, walletCallReverted(world, 0n, cut));
    });

    it("keeps revert data of exactly 256 bytes whole and cuts 257 bytes to 256", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const cut = ethers.hexlify(new Uint8Array(256));
      for (const [salt, size] of [
        [1n, 256n],
        [2n, 257n],
      ]) {
        const { intent, signed } = await signedIntent(world, {
          calls: [await targetCall(world, "failWithData", [size])],
          salt,
          validAfter: 0n,
        });
        await expect(wallet.connect(relayer).relay(intent, signed.signature))
          .to.emit(wallet, "IntentFailed")
          .withArgs(signed.id, walletCallReverted(world, 0n, cut));
      }
    });

    it("cuts the revert data of a failing call inside a batch to 256 bytes", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target, relayer } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [
          await targetCall(world, "ping", [1n]),
          await targetCall(world, "failWithData", [10_000n]),
        ],
      });

      const cut = ethers.hexlify(new Uint8Array(256));
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentFailed")
        .withArgs(signed.id, walletCallReverted(world, 1n, cut));
      expect(await target.pings()).to.equal(0n);
    });
  });

  it("does not pay to copy a call's huge return data", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, relayer, owner } = world;
    const to = await target.getAddress();

    async function relayGas(size: bigint): Promise<bigint> {
      const { intent, signed } = await signedIntent(world, {
        calls: [await targetCall(world, "returnData", [size])],
      });
      const mined = await (await wallet.connect(relayer).relay(intent, signed.signature)).wait();
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      return mined!.gasUsed;
    }

    async function directGas(size: bigint): Promise<bigint> {
      const data = target.interface.encodeFunctionData("returnData", [size]);
      const mined = await (await owner.sendTransaction({ to, data })).wait();
      return mined!.gasUsed;
    }

    const relaySmall = await relayGas(0n);
    const relayHuge = await relayGas(100_000n);
    const directSmall = await directGas(0n);
    const directHuge = await directGas(100_000n);

    // The callee's own cost of building 100,000 bytes is the same either way; copying them into
    // the wallet's memory would add ~38,000 gas (memory expansion + copy) on top of it.
    const walletExtra = relayHuge - relaySmall - (directHuge - directSmall);
    expect(walletExtra < 1_000n && walletExtra > -1_000n).to.equal(
      true,
      `the wallet paid ${walletExtra} gas more for the huge return data`,
    );
  });

  it("transfers ETH with value calls, single and batched", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, relayer, stranger, walletAddress } = world;
    const to = await target.getAddress();

    const single = await buildIntentNow(world, {
      calls: [{ to: stranger.address, value: 10n ** 17n }],
    });
    const signedSingle = await signForWallet(world, single);
    await expect(
      wallet.connect(relayer).relay(single, signedSingle.signature),
    ).to.changeEtherBalances(
      ethers,
      [walletAddress, stranger.address],
      [-(10n ** 17n), 10n ** 17n],
    );

    const batch = await buildIntentNow(world, {
      calls: [
        { to, value: 3n, data: target.interface.encodeFunctionData("ping", [1n]) },
        { to: stranger.address, value: 5n },
      ],
    });
    const signedBatch = await signForWallet(world, batch);
    const tx = wallet.connect(relayer).relay(batch, signedBatch.signature);
    await expect(tx).to.changeEtherBalances(
      ethers,
      [walletAddress, to, stranger.address],
      [-8n, 3n, 5n],
    );
    await expect(tx).to.emit(target, "Pinged").withArgs(walletAddress, 3n, 1n);
    expect(await wallet.intentStatus(signedBatch.id)).to.equal(IntentStatus.Succeeded);
  });

  it("gives intents that differ only by salt different IDs, each relayable once", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, relayer } = world;
    const first = await pingIntent(world, { salt: 1n });
    const second = { ...first, salt: 2n };
    const signedFirst = await signForWallet(world, first);
    const signedSecond = await signForWallet(world, second);

    expect(signedFirst.id).to.not.equal(signedSecond.id);
    expect(await wallet.intentId(first)).to.equal(signedFirst.id);
    expect(await wallet.intentId(second)).to.equal(signedSecond.id);

    await wallet.connect(relayer).relay(first, signedFirst.signature);
    await wallet.connect(relayer).relay(second, signedSecond.signature);
    expect(await target.pings()).to.equal(2n);
    expect(await wallet.intentStatus(signedFirst.id)).to.equal(IntentStatus.Succeeded);
    expect(await wallet.intentStatus(signedSecond.id)).to.equal(IntentStatus.Succeeded);
  });

  it("computes in the SDK the same ID as wallet.intentId, for every field and epoch", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, owner, walletAddress, chainId, stranger } = world;
    const to = await target.getAddress();
    const intent: Intent = {
      calls: [
        { to, value: 5n, data: target.interface.encodeFunctionData("ping", [3n]) },
        { to: stranger.address, value: 0n, data: "0x" },
        { to, value: 0n, data: "0xdeadbeef" },
      ],
      dependencies: [
        { wallet: walletAddress, id: ethers.id("first") },
        { wallet: stranger.address, id: ethers.id("second") },
      ],
      salt: 2n ** 200n + 17n,
      validAfter: 0n,
      expiration: 1_900_000_000n,
      maxGasPrice: 123n * GWEI,
      minGasLimit: 250_000n,
    };

    expect(getIntentId({ intent, wallet: walletAddress, chainId })).to.equal(
      await wallet.intentId(intent),
    );

    await wallet.connect(owner).invalidateAllIntents();
    expect(await wallet.intentEpoch()).to.equal(1n);
    expect(getIntentId({ intent, wallet: walletAddress, chainId, epoch: 1n })).to.equal(
      await wallet.intentId(intent),
    );
    expect(getIntentId({ intent, wallet: walletAddress, chainId, epoch: 0n })).to.not.equal(
      await wallet.intentId(intent),
    );
  });
});

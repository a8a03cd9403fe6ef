import { expect } from "chai";
import { IntentStatus } from "../../src/sdk/index.js";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import { network } from "hardhat";

import type { SignedIntent } from "../../src/sdk/index.js";
import {
  buildIntentNow,
  deployWalletWorld,
  signForWallet,
  type WalletWorld,
} from "../helpers/walletFixture.js";
import { selfCall, signedIntent, targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** Gas for transactions sent with automine off: estimation would run against the pending state. */
const GAS = 1_000_000n;

describe("IntentWallet.cancelIntents and invalidateAllIntents", function () {
  async function fixture() {
    return deployWalletWorld(ethers);
  }

  /** An owner-signed intent that pings the target with `x`; `salt` tells intents apart. */
  async function signedPing(world: WalletWorld, salt: bigint, epoch = 0n): Promise<SignedIntent> {
    const intent = await buildIntentNow(world, {
      calls: [await targetCall(world, "ping", [salt])],
      salt,
    });
    return signForWallet(world, intent, world.owner, epoch);
  }

  /** Expects relaying `signed` from the relayer to revert with IntentIsCanceled. */
  async function expectRelayRefusedAsCanceled(world: WalletWorld, signed: SignedIntent) {
    await expect(world.wallet.connect(world.relayer).relay(signed.intent, signed.signature))
      .to.be.revertedWithCustomError(world.wallet, "IntentIsCanceled")
      .withArgs(signed.id);
  }

  async function blockOf(tx: ContractTransactionResponse): Promise<bigint> {
    const receipt = await tx.wait();
    return BigInt(receipt!.blockNumber);
  }

  /**
   * Fee overrides for two transactions sent with automine off: the one sent with `high` is
   * ordered before the one sent with `low` in the next block.
   */
  async function orderingFees() {
    const fees = await ethers.provider.getFeeData();
    const base = { gasLimit: GAS, maxFeePerGas: fees.maxFeePerGas! * 4n };
    return {
      high: { ...base, maxPriorityFeePerGas: 2_000_000_000n },
      low: { ...base, maxPriorityFeePerGas: 1_000_000_000n },
    };
  }

  /** Mines the pending transactions in one block, turns automine back on, returns their receipts. */
  async function mineTogether(
    ...txs: ContractTransactionResponse[]
  ): Promise<TransactionReceipt[]> {
    await networkHelpers.mine();
    await ethers.provider.send("evm_setAutomine", [true]);
    return Promise.all(
      txs.map(async (tx) => (await ethers.provider.getTransactionReceipt(tx.hash))!),
    );
  }

  describe("cancelIntents", function () {
    it("lets the owner cancel an unrelayed ID directly, recording who canceled it and when, so it can never be relayed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner, target } = world;
      const signed = await signedPing(world, 1n);

      const tx = await wallet.connect(owner).cancelIntents([signed.id]);
      await expect(tx).to.emit(wallet, "IntentCanceled").withArgs(signed.id);
      const block = await blockOf(tx);

      const receipt = await wallet.intentReceipt(signed.id);
      expect(receipt.status).to.equal(IntentStatus.Canceled);
      expect(receipt.relayer).to.equal(owner.address);
      expect(receipt.blockNumber).to.equal(block);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Canceled);

      await expectRelayRefusedAsCanceled(world, signed);
      expect(await target.pings()).to.equal(0n);
    });

    it("lets the owner cancel through an owner-signed relayed intent that calls cancelIntents on the wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, walletAddress, relayer, target } = world;
      const victim = await signedPing(world, 1n);
      const { signed: cancel } = await signedIntent(world, {
        calls: [selfCall(world, "cancelIntents", [[victim.id]])],
      });

      const tx = await wallet.connect(relayer).relay(cancel.intent, cancel.signature);
      await expect(tx).to.emit(wallet, "IntentCanceled").withArgs(victim.id);
      await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(cancel.id, relayer.address, true);
      const block = await blockOf(tx);

      // The wallet itself made the call, so it is recorded as the canceller.
      const receipt = await wallet.intentReceipt(victim.id);
      expect(receipt.status).to.equal(IntentStatus.Canceled);
      expect(receipt.relayer).to.equal(walletAddress);
      expect(receipt.blockNumber).to.equal(block);
      expect(await wallet.intentStatus(cancel.id)).to.equal(IntentStatus.Succeeded);

      await expectRelayRefusedAsCanceled(world, victim);
      expect(await target.pings()).to.equal(0n);
    });

    it("cancels many IDs in one call, emitting one event per ID", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet } = world;
      const intents = await Promise.all([1n, 2n, 3n, 4n].map((salt) => signedPing(world, salt)));
      const ids = intents.map((signed) => signed.id);

      const tx = await wallet.cancelIntents(ids);
      for (const id of ids) await expect(tx).to.emit(wallet, "IntentCanceled").withArgs(id);
      const receipt = await tx.wait();
      expect(receipt!.logs.length).to.equal(ids.length);

      for (const signed of intents) {
        expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Canceled);
        await expectRelayRefusedAsCanceled(world, signed);
      }
    });

    it("accepts an empty list as a no-op", async function () {
      const { wallet } = await networkHelpers.loadFixture(fixture);
      await expect(wallet.cancelIntents([])).to.not.emit(wallet, "IntentCanceled");
    });

    it("treats cancelling an already canceled ID as a no-op: no event, receipt unchanged", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner } = world;
      const first = await signedPing(world, 1n);
      const second = await signedPing(world, 2n);
      const block = await blockOf(await wallet.cancelIntents([first.id]));
      await networkHelpers.mine(3);

      await expect(wallet.cancelIntents([first.id])).to.not.emit(wallet, "IntentCanceled");
      const receipt = await wallet.intentReceipt(first.id);
      expect(receipt.status).to.equal(IntentStatus.Canceled);
      expect(receipt.relayer).to.equal(owner.address);
      expect(receipt.blockNumber).to.equal(block);

      // In a mixed list only the new ID is canceled.
      const tx = await wallet.cancelIntents([first.id, second.id, first.id]);
      await expect(tx).to.emit(wallet, "IntentCanceled").withArgs(second.id);
      expect((await tx.wait())!.logs.length).to.equal(1);
      expect((await wallet.intentReceipt(first.id)).blockNumber).to.equal(block);
    });

    it("refuses to cancel a successfully relayed ID with IntentAlreadyRelayed and leaves its receipt unchanged", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const signed = await signedPing(world, 1n);
      const block = await blockOf(
        await wallet.connect(relayer).relay(signed.intent, signed.signature),
      );

      await expect(wallet.cancelIntents([signed.id]))
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(signed.id);

      const receipt = await wallet.intentReceipt(signed.id);
      expect(receipt.status).to.equal(IntentStatus.Succeeded);
      expect(receipt.relayer).to.equal(relayer.address);
      expect(receipt.blockNumber).to.equal(block);
    });

    it("is all or nothing: a relayed ID in the list reverts the whole cancel, so earlier IDs stay cancelable", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const fresh = await signedPing(world, 1n);
      const relayed = await signedPing(world, 2n);
      await wallet.connect(relayer).relay(relayed.intent, relayed.signature);

      await expect(wallet.cancelIntents([fresh.id, relayed.id]))
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(relayed.id);
      expect(await wallet.intentStatus(fresh.id)).to.equal(IntentStatus.None);
    });

    it("refuses to cancel a relayed ID whose calls failed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [await targetCall(world, "fail", [9n])],
      });
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, false);
      const before = await wallet.intentReceipt(signed.id);
      expect(before.status).to.equal(IntentStatus.Failed);

      await expect(wallet.cancelIntents([signed.id]))
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(signed.id);
      const after = await wallet.intentReceipt(signed.id);
      expect(after.status).to.equal(IntentStatus.Failed);
      expect(after.relayer).to.equal(before.relayer);
      expect(after.blockNumber).to.equal(before.blockNumber);
    });

    it("refuses a stranger (and a relayer) with WalletUnauthorized", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, stranger, relayer } = world;
      const signed = await signedPing(world, 1n);

      await expect(wallet.connect(stranger).cancelIntents([signed.id]))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(stranger.address);
      await expect(wallet.connect(relayer).cancelIntents([signed.id]))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(relayer.address);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
    });
  });

  describe("cancel races", function () {
    it("relay mined first: the owner's later cancel reverts with IntentAlreadyRelayed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer, target } = world;
      const signed = await signedPing(world, 1n);

      await wallet.connect(relayer).relay(signed.intent, signed.signature);
      await expect(wallet.cancelIntents([signed.id]))
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(signed.id);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      expect(await target.pings()).to.equal(1n);
    });

    it("cancel mined first: a later relay reverts with IntentIsCanceled", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, target } = world;
      const signed = await signedPing(world, 1n);

      await wallet.cancelIntents([signed.id]);
      await expectRelayRefusedAsCanceled(world, signed);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Canceled);
      expect(await target.pings()).to.equal(0n);
    });

    describe("both in the same block", function () {
      afterEach(async function () {
        await ethers.provider.send("evm_setAutomine", [true]);
      });

      it("relay ordered first: the relay succeeds and the cancel in the same block reverts with IntentAlreadyRelayed", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { wallet, owner, relayer, target } = world;
        const signed = await signedPing(world, 1n);
        const { high, low } = await orderingFees();

        await ethers.provider.send("evm_setAutomine", [false]);
        const relayTx = await wallet.connect(relayer).relay(signed.intent, signed.signature, high);
        // Simulated on top of the pending relay, the cancel already fails.
        await expect(
          wallet.connect(owner).cancelIntents.staticCall([signed.id], { blockTag: "pending" }),
        )
          .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
          .withArgs(signed.id);
        const cancelTx = await wallet.connect(owner).cancelIntents([signed.id], low);
        const [relayReceipt, cancelReceipt] = await mineTogether(relayTx, cancelTx);

        expect(relayReceipt.blockNumber).to.equal(cancelReceipt.blockNumber);
        expect(relayReceipt.index).to.be.lessThan(cancelReceipt.index);
        expect(relayReceipt.status).to.equal(1);
        expect(cancelReceipt.status).to.equal(0);

        // Replaying the cancel on the mined state shows why it failed.
        await expect(wallet.connect(owner).cancelIntents.staticCall([signed.id]))
          .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
          .withArgs(signed.id);
        const receipt = await wallet.intentReceipt(signed.id);
        expect(receipt.status).to.equal(IntentStatus.Succeeded);
        expect(receipt.relayer).to.equal(relayer.address);
        expect(receipt.blockNumber).to.equal(BigInt(relayReceipt.blockNumber));
        expect(await target.pings()).to.equal(1n);
      });

      it("cancel ordered first: the cancel succeeds and the relay in the same block reverts with IntentIsCanceled", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { wallet, owner, relayer, target } = world;
        const signed = await signedPing(world, 1n);
        const { high, low } = await orderingFees();

        await ethers.provider.send("evm_setAutomine", [false]);
        const cancelTx = await wallet.connect(owner).cancelIntents([signed.id], high);
        await expect(
          wallet
            .connect(relayer)
            .relay.staticCall(signed.intent, signed.signature, { blockTag: "pending" }),
        )
          .to.be.revertedWithCustomError(wallet, "IntentIsCanceled")
          .withArgs(signed.id);
        const relayTx = await wallet.connect(relayer).relay(signed.intent, signed.signature, low);
        const [cancelReceipt, relayReceipt] = await mineTogether(cancelTx, relayTx);

        expect(relayReceipt.blockNumber).to.equal(cancelReceipt.blockNumber);
        expect(cancelReceipt.index).to.be.lessThan(relayReceipt.index);
        expect(cancelReceipt.status).to.equal(1);
        expect(relayReceipt.status).to.equal(0);

        await expect(wallet.connect(relayer).relay.staticCall(signed.intent, signed.signature))
          .to.be.revertedWithCustomError(wallet, "IntentIsCanceled")
          .withArgs(signed.id);
        const receipt = await wallet.intentReceipt(signed.id);
        expect(receipt.status).to.equal(IntentStatus.Canceled);
        expect(receipt.relayer).to.equal(owner.address);
        expect(receipt.blockNumber).to.equal(BigInt(cancelReceipt.blockNumber));
        expect(await target.pings()).to.equal(0n);
      });
    });
  });

  describe("invalidateAllIntents", function () {
    it("bumps the intent epoch and emits IntentsInvalidated with the new epoch", async function () {
      const { wallet } = await networkHelpers.loadFixture(fixture);
      const separatorBefore = await wallet.domainSeparator();
      expect(await wallet.intentEpoch()).to.equal(0n);

      await expect(wallet.invalidateAllIntents())
        .to.emit(wallet, "IntentsInvalidated")
        .withArgs(1n);
      expect(await wallet.intentEpoch()).to.equal(1n);
      expect(await wallet.domainSeparator()).to.not.equal(separatorBefore);

      await expect(wallet.invalidateAllIntents())
        .to.emit(wallet, "IntentsInvalidated")
        .withArgs(2n);
      expect(await wallet.intentEpoch()).to.equal(2n);
    });

    it("makes every outstanding signed intent fail with IntentInvalidSignature, while relayed and canceled receipts stay", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer, target } = world;
      const relayed = await signedPing(world, 100n);
      const canceled = await signedPing(world, 101n);
      const outstanding = await Promise.all([1n, 2n, 3n].map((salt) => signedPing(world, salt)));
      const relayBlock = await blockOf(
        await wallet.connect(relayer).relay(relayed.intent, relayed.signature),
      );
      const cancelBlock = await blockOf(await wallet.cancelIntents([canceled.id]));

      await wallet.invalidateAllIntents();

      for (const signed of outstanding) {
        // The ID of the same fields is now computed under epoch 1, and the old signature doesn't match it.
        const newId = await wallet.intentId(signed.intent);
        expect(newId).to.not.equal(signed.id);
        await expect(wallet.connect(relayer).relay(signed.intent, signed.signature))
          .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
          .withArgs(newId);
        expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }

      const relayedReceipt = await wallet.intentReceipt(relayed.id);
      expect(relayedReceipt.status).to.equal(IntentStatus.Succeeded);
      expect(relayedReceipt.relayer).to.equal(relayer.address);
      expect(relayedReceipt.blockNumber).to.equal(relayBlock);
      const canceledReceipt = await wallet.intentReceipt(canceled.id);
      expect(canceledReceipt.status).to.equal(IntentStatus.Canceled);
      expect(canceledReceipt.blockNumber).to.equal(cancelBlock);
      expect(await target.pings()).to.equal(1n);
    });

    it("accepts intents newly signed for the new epoch", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer, target } = world;
      const old = await signedPing(world, 1n);
      await wallet.invalidateAllIntents();

      const renewed = await signForWallet(world, old.intent, world.owner, 1n);
      expect(await wallet.intentId(old.intent)).to.equal(renewed.id);
      await expect(wallet.connect(relayer).relay(renewed.intent, renewed.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(renewed.id, relayer.address, true);
      expect(await wallet.intentStatus(renewed.id)).to.equal(IntentStatus.Succeeded);
      expect(await target.pings()).to.equal(1n);

      // An intent signed for a future epoch doesn't verify either.
      const early = await signedPing(world, 2n, 2n);
      await expect(wallet.connect(relayer).relay(early.intent, early.signature))
        .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
        .withArgs(await wallet.intentId(early.intent));
    });

    it("can be called through an owner-signed relayed intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer } = world;
      const other = await signedPing(world, 1n);
      const { intent, signed } = await signedIntent(world, {
        calls: [selfCall(world, "invalidateAllIntents", [])],
      });

      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentsInvalidated")
        .withArgs(1n);
      // The receipt of the invalidating intent was written under its epoch-0 ID and stays.
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      await expect(
        wallet.connect(relayer).relay(other.intent, other.signature),
      ).to.be.revertedWithCustomError(wallet, "IntentInvalidSignature");
    });

    it("refuses a stranger with WalletUnauthorized", async function () {
      const { wallet, stranger } = await networkHelpers.loadFixture(fixture);
      await expect(wallet.connect(stranger).invalidateAllIntents())
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(stranger.address);
      expect(await wallet.intentEpoch()).to.equal(0n);
    });
  });
});

import { expect } from "chai";
import { concat } from "ethers";
import { network } from "hardhat";

import {
  signIntent,
  type Dependency,
  type Intent,
  type SignedIntent,
  IntentStatus,
} from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld, buildIntentNow, signForWallet } from "../helpers/walletFixture.js";
import { targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

/**
 * Runtimes that answer any call with `PUSH1 1 PUSH0 MSTORE PUSH1 size PUSH0 RETURN`: the word 1
 * (`Succeeded`) in the first 32 bytes of a `size`-byte answer.
 */
const answersSucceeded = (size: number) => `0x60015f5260${size.toString(16).padStart(2, "0")}5ff3`;
/** Creation code that deploys an 8-byte runtime as is. */
const deploys8Bytes = (runtime: string) => concat(["0x6008600a5f3960085ff3", runtime]);

describe("IntentWallet dependencies", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    // A second wallet, owned by another signer, to depend on intents relayed elsewhere.
    const [, , , otherOwner] = await ethers.getSigners();
    await world.factory.createWallet(otherOwner.address, 0n);
    const otherWalletAddress = await world.factory.walletAddress(otherOwner.address, 0n);
    const otherWallet = (await ethers.getContractAt(
      "IntentWallet",
      otherWalletAddress,
    )) as unknown as IntentWallet;
    return { ...world, otherOwner, otherWallet, otherWalletAddress };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** An intent of `world.wallet` that pings the target with `x`. */
  async function pingIntent(
    world: World,
    x: bigint,
    dependencies: Dependency[] = [],
    salt = 0n,
  ): Promise<Intent> {
    return buildIntentNow(world, {
      calls: [await targetCall(world, "ping", [x])],
      dependencies,
      salt,
    });
  }

  /** `pingIntent`, signed by the owner of `world.wallet`. */
  async function signedPing(
    world: World,
    x: bigint,
    dependencies: Dependency[] = [],
    salt = 0n,
  ): Promise<SignedIntent> {
    return signForWallet(world, await pingIntent(world, x, dependencies, salt));
  }

  /** A signed intent of the other wallet, signed by its owner. */
  async function signedForOtherWallet(world: World, intent: Intent) {
    return signIntent({
      signer: world.otherOwner,
      intent,
      wallet: world.otherWalletAddress,
      chainId: world.chainId,
    });
  }

  /** Expects relaying `dependent` to revert because its dependency `id` on `wallet` is not met. */
  async function expectDependencyNotMet(
    world: World,
    dependent: SignedIntent,
    wallet: string,
    id: string,
  ) {
    await expect(world.wallet.connect(world.relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(world.wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, wallet, id);
  }

  it("relays an intent whose dependency on the same wallet was relayed successfully", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer } = world;
    const first = await signedPing(world, 1n);
    const second = await signedPing(world, 2n, [{ wallet: walletAddress, id: first.id }]);

    await wallet.connect(relayer).relay(first.intent, first.signature);
    await expect(wallet.connect(relayer).relay(second.intent, second.signature))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(second.id, relayer.address, true);
    expect(await target.pings()).to.equal(2n);
  });

  it("rejects an intent whose dependency has not been relayed yet", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer } = world;
    const first = await signedPing(world, 1n);
    const second = await signedPing(world, 2n, [{ wallet: walletAddress, id: first.id }]);

    await expectDependencyNotMet(world, second, walletAddress, first.id);
    expect(await wallet.intentStatus(second.id)).to.equal(IntentStatus.None);
    expect(await target.pings()).to.equal(0n);

    // Once the dependency is relayed, the same signed intent goes through.
    await wallet.connect(relayer).relay(first.intent, first.signature);
    await wallet.connect(relayer).relay(second.intent, second.signature);
    expect(await wallet.intentStatus(second.id)).to.equal(IntentStatus.Succeeded);
  });

  it("rejects an intent whose dependency was relayed but failed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, relayer } = world;
    const failing = await signForWallet(
      world,
      await buildIntentNow(world, { calls: [await targetCall(world, "fail", [1n])] }),
    );
    const dependent = await signedPing(world, 2n, [{ wallet: walletAddress, id: failing.id }]);

    await wallet.connect(relayer).relay(failing.intent, failing.signature);
    expect(await wallet.intentStatus(failing.id)).to.equal(IntentStatus.Failed);

    await expectDependencyNotMet(world, dependent, walletAddress, failing.id);
  });

  it("rejects an intent whose dependency was canceled", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, owner } = world;
    const canceled = await signedPing(world, 1n);
    const dependent = await signedPing(world, 2n, [{ wallet: walletAddress, id: canceled.id }]);

    await wallet.connect(owner).cancelIntents([canceled.id]);
    expect(await wallet.intentStatus(canceled.id)).to.equal(IntentStatus.Canceled);

    await expectDependencyNotMet(world, dependent, walletAddress, canceled.id);
  });

  it("names the unmet dependency when only one of several is met", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, relayer } = world;
    const met = await signedPing(world, 1n);
    const unmet = await signedPing(world, 2n);
    const dependent = await signedPing(world, 3n, [
      { wallet: walletAddress, id: met.id },
      { wallet: walletAddress, id: unmet.id },
    ]);

    await wallet.connect(relayer).relay(met.intent, met.signature);
    await expectDependencyNotMet(world, dependent, walletAddress, unmet.id);
  });

  it("relays an intent whose dependency on another wallet was relayed there", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, otherWallet, otherWalletAddress, target, relayer } = world;
    const elsewhere = await signedForOtherWallet(world, await pingIntent(world, 1n));
    const dependent = await signedPing(world, 2n, [
      { wallet: otherWalletAddress, id: elsewhere.id },
    ]);

    await expectDependencyNotMet(world, dependent, otherWalletAddress, elsewhere.id);

    await otherWallet.connect(relayer).relay(elsewhere.intent, elsewhere.signature);
    expect(await otherWallet.intentStatus(elsewhere.id)).to.equal(IntentStatus.Succeeded);

    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(dependent.id, relayer.address, true);
    expect(await target.pings()).to.equal(2n);
  });

  it("rejects a dependency that names the wrong wallet for a relayed ID", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { otherWallet, otherWalletAddress, relayer } = world;
    // Relayed on the other wallet, but named as a dependency on this wallet.
    const elsewhere = await signedForOtherWallet(world, await pingIntent(world, 1n));
    await otherWallet.connect(relayer).relay(elsewhere.intent, elsewhere.signature);

    const dependent = await signedPing(world, 2n, [
      { wallet: world.walletAddress, id: elsewhere.id },
    ]);
    await expectDependencyNotMet(world, dependent, world.walletAddress, elsewhere.id);
    expect(otherWalletAddress).to.not.equal(world.walletAddress);
  });

  it("rejects a dependency on an address with no code", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { stranger } = world;
    const depId = ethers.id("anything");
    for (const [salt, address] of [
      [1n, stranger.address],
      [2n, ethers.ZeroAddress],
    ] as const) {
      const dependent = await signedPing(world, 2n, [{ wallet: address, id: depId }], salt);
      await expectDependencyNotMet(world, dependent, address, depId);
    }
  });

  it("rejects a dependency on a contract that is not a wallet", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { target, token, factory } = world;
    const depId = ethers.id("anything");
    let salt = 0n;
    for (const contract of [target, token, factory]) {
      const address = await contract.getAddress();
      salt += 1n;
      const dependent = await signedPing(world, 2n, [{ wallet: address, id: depId }], salt);
      await expectDependencyNotMet(world, dependent, address, depId);
    }
  });

  it("rejects a dependency on the wallet implementation, which never relays", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { implementation } = world;
    const address = await implementation.getAddress();
    const depId = ethers.id("anything");
    const dependent = await signedPing(world, 2n, [{ wallet: address, id: depId }]);
    await expectDependencyNotMet(world, dependent, address, depId);
  });
  it("rejects a dependency on another wallet whose intent was relayed there but failed, or was canceled there", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { otherWallet, otherWalletAddress, otherOwner, relayer } = world;
    const failing = await signedForOtherWallet(
      world,
      await buildIntentNow(world, { calls: [await targetCall(world, "fail", [1n])] }),
    );
    await otherWallet.connect(relayer).relay(failing.intent, failing.signature);
    expect(await otherWallet.intentStatus(failing.id)).to.equal(IntentStatus.Failed);
    const canceled = await signedForOtherWallet(world, await pingIntent(world, 1n, [], 1n));
    await otherWallet.connect(otherOwner).cancelIntents([canceled.id]);
    expect(await otherWallet.intentStatus(canceled.id)).to.equal(IntentStatus.Canceled);

    let salt = 0n;
    for (const elsewhere of [failing, canceled]) {
      salt += 1n;
      const dependency = { wallet: otherWalletAddress, id: elsewhere.id };
      const dependent = await signedPing(world, 2n, [dependency], salt);
      await expectDependencyNotMet(world, dependent, otherWalletAddress, elsewhere.id);
      expect(await world.wallet.intentStatus(dependent.id)).to.equal(IntentStatus.None);
    }
    expect(await world.target.pings()).to.equal(0n);
  });

  it("counts a dependency on a contract only if it answers intentStatus with exactly one word, Succeeded: not 31, 33 or 64 bytes starting with it", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, owner } = world;
    const depId = ethers.id("anything");
    const answering: Record<number, string> = {};
    for (const size of [31, 32, 33, 64]) {
      const deployment = await owner.sendTransaction({
        data: deploys8Bytes(answersSucceeded(size)),
      });
      answering[size] = (await deployment.wait())!.contractAddress!;
      expect(await ethers.provider.getCode(answering[size])).to.equal(answersSucceeded(size));
    }

    let salt = 0n;
    for (const size of [31, 33, 64]) {
      salt += 1n;
      const dependent = await signedPing(world, 2n, [{ wallet: answering[size], id: depId }], salt);
      await expectDependencyNotMet(world, dependent, answering[size], depId);
    }
    // Exactly one word saying Succeeded: met, as from a wallet.
    const dependent = await signedPing(world, 3n, [{ wallet: answering[32], id: depId }], 9n);
    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(dependent.id, relayer.address, true);
  });
});

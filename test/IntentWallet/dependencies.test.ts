import { expect } from "chai";
import { network } from "hardhat";

import { signIntent, type Dependency, type Intent } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld, buildIntentNow, signForWallet } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */
const Status = { None: 0n, Succeeded: 1n, Failed: 2n, Canceled: 3n } as const;

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
      calls: [
        {
          to: await world.target.getAddress(),
          data: world.target.interface.encodeFunctionData("ping", [x]),
        },
      ],
      dependencies,
      salt,
    });
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

  it("relays an intent whose dependency on the same wallet was relayed successfully", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer } = world;
    const first = await signForWallet(world, await pingIntent(world, 1n));
    const second = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: walletAddress, id: first.id }]),
    );

    await wallet.connect(relayer).relay(first.intent, first.signature);
    await expect(wallet.connect(relayer).relay(second.intent, second.signature))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(second.id, relayer.address, true);
    expect(await target.pings()).to.equal(2n);
  });

  it("rejects an intent whose dependency has not been relayed yet", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer } = world;
    const first = await signForWallet(world, await pingIntent(world, 1n));
    const second = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: walletAddress, id: first.id }]),
    );

    await expect(wallet.connect(relayer).relay(second.intent, second.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(second.id, walletAddress, first.id);
    expect(await wallet.intentStatus(second.id)).to.equal(Status.None);
    expect(await target.pings()).to.equal(0n);

    // Once the dependency is relayed, the same signed intent goes through.
    await wallet.connect(relayer).relay(first.intent, first.signature);
    await wallet.connect(relayer).relay(second.intent, second.signature);
    expect(await wallet.intentStatus(second.id)).to.equal(Status.Succeeded);
  });

  it("rejects an intent whose dependency was relayed but failed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer } = world;
    const failing = await signForWallet(
      world,
      await buildIntentNow(world, {
        calls: [
          {
            to: await target.getAddress(),
            data: target.interface.encodeFunctionData("fail", [1n]),
          },
        ],
      }),
    );
    const dependent = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: walletAddress, id: failing.id }]),
    );

    await wallet.connect(relayer).relay(failing.intent, failing.signature);
    expect(await wallet.intentStatus(failing.id)).to.equal(Status.Failed);

    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, walletAddress, failing.id);
  });

  it("rejects an intent whose dependency was canceled", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, owner, relayer } = world;
    const canceled = await signForWallet(world, await pingIntent(world, 1n));
    const dependent = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: walletAddress, id: canceled.id }]),
    );

    await wallet.connect(owner).cancelIntents([canceled.id]);
    expect(await wallet.intentStatus(canceled.id)).to.equal(Status.Canceled);

    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, walletAddress, canceled.id);
  });

  it("names the unmet dependency when only one of several is met", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, relayer } = world;
    const met = await signForWallet(world, await pingIntent(world, 1n));
    const unmet = await signForWallet(world, await pingIntent(world, 2n));
    const dependent = await signForWallet(
      world,
      await pingIntent(world, 3n, [
        { wallet: walletAddress, id: met.id },
        { wallet: walletAddress, id: unmet.id },
      ]),
    );

    await wallet.connect(relayer).relay(met.intent, met.signature);
    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, walletAddress, unmet.id);
  });

  it("relays an intent whose dependency on another wallet was relayed there", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, otherWallet, otherWalletAddress, target, relayer } = world;
    const elsewhere = await signedForOtherWallet(world, await pingIntent(world, 1n));
    const dependent = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: otherWalletAddress, id: elsewhere.id }]),
    );

    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, otherWalletAddress, elsewhere.id);

    await otherWallet.connect(relayer).relay(elsewhere.intent, elsewhere.signature);
    expect(await otherWallet.intentStatus(elsewhere.id)).to.equal(Status.Succeeded);

    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(dependent.id, relayer.address, true);
    expect(await target.pings()).to.equal(2n);
  });

  it("rejects a dependency that names the wrong wallet for a relayed ID", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, otherWallet, otherWalletAddress, relayer } = world;
    // Relayed on the other wallet, but named as a dependency on this wallet.
    const elsewhere = await signedForOtherWallet(world, await pingIntent(world, 1n));
    await otherWallet.connect(relayer).relay(elsewhere.intent, elsewhere.signature);

    const dependent = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: world.walletAddress, id: elsewhere.id }]),
    );
    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, world.walletAddress, elsewhere.id);
    expect(otherWalletAddress).to.not.equal(world.walletAddress);
  });

  it("rejects a dependency on an address with no code", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, stranger } = world;
    const depId = ethers.id("anything");
    for (const [salt, address] of [
      [1n, stranger.address],
      [2n, ethers.ZeroAddress],
    ] as const) {
      const dependent = await signForWallet(
        world,
        await pingIntent(world, 2n, [{ wallet: address, id: depId }], salt),
      );
      await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
        .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
        .withArgs(dependent.id, address, depId);
    }
  });

  it("rejects a dependency on a contract that is not a wallet", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, target, token, factory } = world;
    const depId = ethers.id("anything");
    let salt = 0n;
    for (const contract of [target, token, factory]) {
      const address = await contract.getAddress();
      salt += 1n;
      const dependent = await signForWallet(
        world,
        await pingIntent(world, 2n, [{ wallet: address, id: depId }], salt),
      );
      await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
        .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
        .withArgs(dependent.id, address, depId);
    }
  });

  it("rejects a dependency on the wallet implementation, which never relays", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, implementation } = world;
    const address = await implementation.getAddress();
    const depId = ethers.id("anything");
    const dependent = await signForWallet(
      world,
      await pingIntent(world, 2n, [{ wallet: address, id: depId }]),
    );
    await expect(wallet.connect(relayer).relay(dependent.intent, dependent.signature))
      .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
      .withArgs(dependent.id, address, depId);
  });
});

import { expect } from "chai";
import { network } from "hardhat";

import { getIntentId, type Intent, IntentStatus } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld, signForWallet } from "../helpers/walletFixture.js";
import { deployWalletWorldWithSignedPing } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();
// A second in-process chain (chain ID 31338): the same deployments land at the same addresses.
const other = await network.create("otherChain");

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

describe("IntentWallet replay protection", function () {
  async function fixture() {
    return deployWalletWorldWithSignedPing(ethers);
  }

  async function otherChainFixture() {
    return deployWalletWorld(other.ethers);
  }

  it("rejects an intent signed for one wallet when relayed on another wallet of the same owner", async function () {
    const { factory, owner, relayer, intent, signed, wallet, target } =
      await networkHelpers.loadFixture(fixture);
    await factory.createWallet(owner.address, 1n);
    const secondAddress = await factory.walletAddress(owner.address, 1n);
    const second = (await ethers.getContractAt(
      "IntentWallet",
      secondAddress,
    )) as unknown as IntentWallet;
    expect(await second.owner()).to.equal(owner.address);

    const secondId = await second.intentId(intent);
    expect(secondId).to.not.equal(signed.id);
    expect(secondId).to.equal(
      getIntentId({ intent, wallet: secondAddress, chainId: signed.chainId }),
    );

    await expect(second.connect(relayer).relay(intent, signed.signature))
      .to.be.revertedWithCustomError(second, "IntentInvalidSignature")
      .withArgs(secondId);
    expect(await target.pings()).to.equal(0n);

    // Still good on the wallet it was signed for.
    await wallet.connect(relayer).relay(intent, signed.signature);
    expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
    expect(await second.intentStatus(secondId)).to.equal(IntentStatus.None);
  });

  it("computes different IDs for the same intent and wallet on different chains", async function () {
    const { intent, walletAddress } = await networkHelpers.loadFixture(fixture);
    const onHardhat = getIntentId({ intent, wallet: walletAddress, chainId: 31337n });
    const onOther = getIntentId({ intent, wallet: walletAddress, chainId: 31338n });
    expect(onHardhat).to.not.equal(onOther);
  });

  it("rejects on another chain an intent signed for the same wallet address on chain 31337", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { intent, signed } = world;
    const twin = await other.networkHelpers.loadFixture(otherChainFixture);

    // Same deployer, same nonces: the twin world has the same addresses on chain 31338.
    expect(world.chainId).to.equal(31337n);
    expect(twin.chainId).to.equal(31338n);
    expect(twin.walletAddress).to.equal(world.walletAddress);
    expect(await twin.target.getAddress()).to.equal(await world.target.getAddress());
    expect(await twin.wallet.owner()).to.equal(world.owner.address);

    const twinId = await twin.wallet.intentId(intent);
    expect(twinId).to.equal(getIntentId({ intent, wallet: twin.walletAddress, chainId: 31338n }));
    expect(twinId).to.not.equal(signed.id);

    await expect(twin.wallet.connect(twin.relayer).relay(intent, signed.signature))
      .to.be.revertedWithCustomError(twin.wallet, "IntentInvalidSignature")
      .withArgs(twinId);
    expect(await twin.target.pings()).to.equal(0n);

    // A signature made for chain 31338 works there, and only there.
    const signedThere = await signForWallet(twin, intent);
    expect(signedThere.id).to.equal(twinId);
    await twin.wallet.connect(twin.relayer).relay(intent, signedThere.signature);
    expect(await twin.wallet.intentStatus(twinId)).to.equal(IntentStatus.Succeeded);

    await expect(world.wallet.connect(world.relayer).relay(intent, signedThere.signature))
      .to.be.revertedWithCustomError(world.wallet, "IntentInvalidSignature")
      .withArgs(signed.id);
  });

  it("rejects an intent signed before invalidateAllIntents (its ID moved to the new epoch)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, owner, relayer, intent, signed } = world;
    await wallet.connect(owner).invalidateAllIntents();

    const newId = await wallet.intentId(intent);
    expect(newId).to.not.equal(signed.id);
    await expect(wallet.connect(relayer).relay(intent, signed.signature))
      .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
      .withArgs(newId);

    const resigned = await signForWallet(world, intent, owner, 1n);
    expect(resigned.id).to.equal(newId);
    await wallet.connect(relayer).relay(intent, resigned.signature);
    expect(await wallet.intentStatus(newId)).to.equal(IntentStatus.Succeeded);
  });

  it("does not let a relayed intent's signature authorize the same calls with another salt", async function () {
    const { wallet, relayer, intent, signed } = await networkHelpers.loadFixture(fixture);
    await wallet.connect(relayer).relay(intent, signed.signature);

    const again: Intent = { ...intent, salt: intent.salt + 1n };
    const againId = await wallet.intentId(again);
    await expect(wallet.connect(relayer).relay(again, signed.signature))
      .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
      .withArgs(againId);
  });
});

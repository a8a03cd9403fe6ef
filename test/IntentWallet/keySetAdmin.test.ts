import { expect } from "chai";
import { Wallet, getCreateAddress } from "ethers";
import { network } from "hardhat";

import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

// Owner changes and key management run in KeySetAdmin, which wallets reach with DELEGATECALL
// after checking the caller; the implementation deploys it at its CREATE nonce 3.
describe("KeySetAdmin (the wallets' owner-change code)", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const admin = await ethers.getContractAt(
      "KeySetAdmin",
      getCreateAddress({ from: await world.implementation.getAddress(), nonce: 3 }),
    );
    return { ...world, admin };
  }

  it("is deployed by the implementation, at its CREATE nonce 3", async function () {
    const { admin } = await networkHelpers.loadFixture(fixture);
    expect(await ethers.provider.getCode(await admin.getAddress())).to.not.equal("0x");
  });

  it("refuses every function called directly, in its own context (KeySetAdminNotDelegated)", async function () {
    const { admin, stranger } = await networkHelpers.loadFixture(fixture);
    const key = Wallet.createRandom().address;
    const calls = [
      admin.connect(stranger).changeOwner(key),
      admin.connect(stranger).enrollSigner(key),
      admin.connect(stranger).unregisterSigner(key),
      admin.connect(stranger).setSigningThreshold(1n),
      admin.connect(stranger).handToKeySet([key], 1n),
    ];
    for (const call of calls)
      await expect(call).to.be.revertedWithCustomError(admin, "KeySetAdminNotDelegated");
  });

  it("runs only after the wallet checked the caller: a stranger reaches it through no wallet", async function () {
    const { wallet, stranger } = await networkHelpers.loadFixture(fixture);
    const key = Wallet.createRandom().address;
    await expect(wallet.connect(stranger).enrollSigner(key))
      .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
      .withArgs(stranger.address);
    await expect(wallet.connect(stranger).handToKeySet([key], 1n))
      .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
      .withArgs(stranger.address);
  });

  it("bubbles its errors up through the wallet, with their arguments", async function () {
    const { wallet, owner } = await networkHelpers.loadFixture(fixture);
    await expect(wallet.connect(owner).setSigningThreshold(2n))
      .to.be.revertedWithCustomError(wallet, "WalletInvalidThreshold")
      .withArgs(2n, 1n);
    await expect(wallet.connect(owner).changeOwner(await wallet.getAddress()))
      .to.be.revertedWithCustomError(wallet, "WalletInvalidOwner")
      .withArgs(await wallet.getAddress());
  });
});

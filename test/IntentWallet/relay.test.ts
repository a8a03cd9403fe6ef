import { expect } from "chai";
import { network } from "hardhat";

import { deployWalletWorld, buildIntentNow, signForWallet } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

describe("IntentWallet.relay", function () {
  async function fixture() {
    return deployWalletWorld(ethers);
  }

  it("executes an owner-signed intent relayed by anyone and records its receipt", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, relayer } = world;
    const intent = await buildIntentNow(world, {
      calls: [{ to: await target.getAddress(), data: target.interface.encodeFunctionData("ping", [7n]) }],
    });
    const signed = await signForWallet(world, intent);

    expect(await wallet.intentId(intent)).to.equal(signed.id);
    const tx = wallet.connect(relayer).relay(intent, signed.signature);
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, true);
    await expect(tx).to.emit(target, "Pinged").withArgs(world.walletAddress, 0n, 7n);

    const receipt = await wallet.intentReceipt(signed.id);
    expect(receipt.status).to.equal(1n);
    expect(receipt.relayer).to.equal(relayer.address);
    expect(receipt.blockNumber).to.equal(BigInt(await ethers.provider.getBlockNumber()));
  });
});

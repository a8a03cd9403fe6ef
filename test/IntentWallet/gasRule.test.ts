import { expect } from "chai";
import { network } from "hardhat";

import { relayGasFloor, requiredGasAtCheck, signIntent, type Call } from "../../src/sdk/index.js";
import { buildIntentNow, deployWalletWorld, type WalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** How much less than `minGasLimit` the heavy call burns, for its own CALL and loop overhead. */
const HEADROOM = 10_000n;

/**
 * The gas rule off-chain code mirrors (`src/protocol/chain/gasRule.ts`) against the wallet on a
 * real chain: a relay sent with exactly `relayGasFloor(intent)` passes the wallet's check, and a
 * first call that needs nearly all of `minGasLimit` gets it and succeeds.
 */
describe("gas rule: relayGasFloor is enough for the wallet's own gas check", function () {
  async function fixture(): Promise<WalletWorld> {
    const world = await deployWalletWorld(ethers);
    await world.owner.sendTransaction({ to: world.walletAddress, value: 10n ** 18n });
    return world;
  }

  /** A call that burns nearly `minGasLimit`: only the first call of an intent is promised it. */
  const heavyCall = async (world: WalletWorld, minGasLimit: bigint): Promise<Call> => ({
    to: await world.target.getAddress(),
    value: 0n,
    data: world.target.interface.encodeFunctionData("burnGas", [minGasLimit - HEADROOM]),
  });
  /** A light call after it: a payment of `value` wei to an account without code. */
  const paymentCall = (world: WalletWorld, value: bigint): Call => ({
    to: world.stranger.address,
    value,
    data: "0x",
  });

  for (const minGasLimit of [30_000n, 400_000n, 4_000_000n, 12_000_000n]) {
    for (const value of [0n, 1n]) {
      for (const batched of [false, true]) {
        const shape = batched
          ? `a batch of 3 calls${value === 0n ? "" : " with value"}`
          : value === 0n
            ? "one call"
            : "one payment";
        it(`relays ${shape} with minGasLimit ${minGasLimit} at exactly the floor, and it succeeds`, async function () {
          const world = await networkHelpers.loadFixture(fixture);
          const heavy = await heavyCall(world, minGasLimit);
          const calls = batched
            ? [heavy, paymentCall(world, value), paymentCall(world, value)]
            : value === 0n
              ? [heavy]
              : [paymentCall(world, value)];
          const intent = await buildIntentNow(world, { calls, minGasLimit });
          const signed = await signIntent({
            signer: world.owner,
            intent,
            wallet: world.walletAddress,
            chainId: world.chainId,
          });
          const gasLimit = relayGasFloor(intent);
          const relay = world.wallet
            .connect(world.relayer)
            .relay(intent, signed.signature, { gasLimit });
          await expect(relay)
            .to.emit(world.wallet, "IntentRelayed")
            .withArgs(signed.id, world.relayer.address, true);
        });
      }
    }
  }

  it("states the check as the wallet does: minGasLimit + minGasLimit/63 + the CALL's cost", function () {
    expect(requiredGasAtCheck(63_000n, 0n)).to.equal(63_000n + 1_000n + 3_600n);
    expect(requiredGasAtCheck(63_000n, 5n)).to.equal(63_000n + 1_000n + 37_600n);
  });

  it("refuses, whole and with nothing recorded, a relay below what the check requires", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const minGasLimit = 400_000n;
    const intent = await buildIntentNow(world, {
      calls: [await heavyCall(world, minGasLimit)],
      minGasLimit,
    });
    const signed = await signIntent({
      signer: world.owner,
      intent,
      wallet: world.walletAddress,
      chainId: world.chainId,
    });
    const relay = world.wallet
      .connect(world.relayer)
      .relay(intent, signed.signature, { gasLimit: minGasLimit });
    await expect(relay).to.be.revertedWithCustomError(world.wallet, "IntentInsufficientGas");
    expect((await world.wallet.intentReceipt(signed.id)).status).to.equal(0n);
  });
});

import { expect } from "chai";
import { network } from "hardhat";

import {
  creationRelayGasFloor,
  relayGasFloor,
  signIntent,
  WALLET_CREATION_GAS,
  type Call,
} from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { buildIntentNow, deployWalletWorld, type WalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** How much less than `minGasLimit` the heavy call burns, for its own CALL and loop overhead. */
const HEADROOM = 10_000n;
const SALT = 7n;

/**
 * The gas rule's creation path (`creationRelayGasFloor`, src/protocol/chain/gasRule.ts) against
 * the factory and the wallet on a real chain: `createWalletAndRelay` of a wallet that does not
 * exist yet, sent with exactly the floor, deploys it and relays an intent whose first call needs
 * nearly all of `minGasLimit`; sent with the floor of a relay on a deployed wallet, a bit less
 * (the factory's 1/64 and the creation's gas less), it reverts whole.
 */
describe("gas rule, creation path: creationRelayGasFloor is enough for the wallet's check behind the factory", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const alice = (await ethers.getSigners())[5];
    const counterfactual = await world.factory.walletAddress(alice.address, SALT);
    await world.owner.sendTransaction({ to: counterfactual, value: 10n ** 18n });
    const wallet = (await ethers.getContractAt(
      "IntentWallet",
      counterfactual,
    )) as unknown as IntentWallet;
    return { ...world, alice, counterfactual, aliceWallet: wallet };
  }
  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** A call that burns nearly `minGasLimit`: only the first call of an intent is promised it. */
  const heavyCall = async (world: WalletWorld, minGasLimit: bigint): Promise<Call> => ({
    to: await world.target.getAddress(),
    value: 0n,
    data: world.target.interface.encodeFunctionData("burnGas", [minGasLimit - HEADROOM]),
  });
  /** A light call: a payment of `value` wei to an account without code. */
  const paymentCall = (world: WalletWorld, value: bigint): Call => ({
    to: world.stranger.address,
    value,
    data: "0x",
  });

  /** Alice's intent of `calls` for her counterfactual wallet, signed. */
  async function signedFor(world: Fixture, calls: Call[], minGasLimit: bigint) {
    const intent = await buildIntentNow(world, { calls, minGasLimit });
    const wallet = world.counterfactual;
    return signIntent({ signer: world.alice, intent, wallet, chainId: world.chainId });
  }

  /** `createWalletAndRelay` of Alice's wallet with `signed`, sent by the relayer at `gasLimit`. */
  function createAndRelay(
    world: Fixture,
    signed: Awaited<ReturnType<typeof signedFor>>,
    gasLimit: bigint,
  ) {
    return world.factory
      .connect(world.relayer)
      .createWalletAndRelay(world.alice.address, SALT, signed.intent, signed.signature, {
        gasLimit,
      });
  }

  async function callsOf(world: Fixture, shape: string, minGasLimit: bigint): Promise<Call[]> {
    const heavy = await heavyCall(world, minGasLimit);
    if (shape === "one call") return [heavy];
    if (shape === "one payment") return [paymentCall(world, 1n)];
    const value = shape === "a batch of 3 calls" ? 0n : 1n;
    return [heavy, paymentCall(world, value), paymentCall(world, value)];
  }

  const shapes = ["one call", "one payment", "a batch of 3 calls", "a batch of 3 calls with value"];
  for (const minGasLimit of [30_000n, 400_000n, 4_000_000n, 12_000_000n]) {
    for (const shape of shapes) {
      it(`creates the wallet and relays ${shape} with minGasLimit ${minGasLimit} at exactly the floor, and it succeeds`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const signed = await signedFor(
          world,
          await callsOf(world, shape, minGasLimit),
          minGasLimit,
        );

        const relay = createAndRelay(world, signed, creationRelayGasFloor(signed.intent));

        await expect(relay)
          .to.emit(world.factory, "WalletCreated")
          .withArgs(world.counterfactual, world.alice.address, SALT);
        await expect(relay)
          .to.emit(world.aliceWallet, "IntentRelayed")
          .withArgs(signed.id, await world.factory.getAddress(), true);
      });

      it(`refuses whole, creating nothing, ${shape} with minGasLimit ${minGasLimit} at a deployed wallet's floor`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const signed = await signedFor(
          world,
          await callsOf(world, shape, minGasLimit),
          minGasLimit,
        );

        const relay = createAndRelay(world, signed, relayGasFloor(signed.intent));

        await expect(relay).to.be.revertedWithCustomError(
          world.aliceWallet,
          "IntentInsufficientGas",
        );
        expect(await ethers.provider.getCode(world.counterfactual)).to.equal("0x");
      });
    }
  }

  it("states the creation path as the wallet's floor, the factory's 1/64 and the creation's gas", function () {
    const intent = {
      calls: [{ to: "0x" + "11".repeat(20), value: 0n, data: "0x" }],
      minGasLimit: 63_000n,
    };
    const intoWallet = relayGasFloor(intent);
    expect(creationRelayGasFloor(intent)).to.equal(
      intoWallet + intoWallet / 63n + 1n + WALLET_CREATION_GAS,
    );
  });
});

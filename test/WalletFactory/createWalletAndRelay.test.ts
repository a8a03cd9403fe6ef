import { expect } from "chai";
import { IntentStatus } from "../../src/sdk/index.js";
import type { ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import type { Intent } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { buildIntentNow, deployWalletWorld, signForWallet } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

const SALT = 11n;
const FUNDED_TOKENS = 1_000n * 10n ** 18n;
const FUNDED_ETH = 10n ** 18n;

describe("WalletFactory.createWalletAndRelay", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const signers = await ethers.getSigners();
    const alice = signers[5];
    const recipient = signers[6];
    const { factory, token } = world;
    // Fund Alice's counterfactual wallet before it exists.
    const counterfactual = await factory.walletAddress(alice.address, SALT);
    await token.mint(counterfactual, FUNDED_TOKENS);
    await recipient.sendTransaction({ to: counterfactual, value: FUNDED_ETH });
    const aliceWallet = (await ethers.getContractAt(
      "IntentWallet",
      counterfactual,
    )) as unknown as IntentWallet;
    return {
      ...world,
      alice,
      recipient,
      counterfactual,
      aliceWallet,
      factoryAddress: await factory.getAddress(),
    };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  async function transferIntent(world: Fixture, amount: bigint, salt = 0n): Promise<Intent> {
    const { token, recipient } = world;
    return buildIntentNow(world, {
      calls: [
        {
          to: await token.getAddress(),
          data: token.interface.encodeFunctionData("transfer", [recipient.address, amount]),
        },
      ],
      salt,
    });
  }

  function signForAlice(world: Fixture, intent: Intent, signer = world.alice) {
    return signForWallet(
      { owner: world.alice, walletAddress: world.counterfactual, chainId: world.chainId },
      intent,
      signer,
    );
  }

  /** factory.createWalletAndRelay of Alice's wallet (salt SALT), sent by the relayer. */
  function createAndRelay(world: Fixture, intent: Intent, signature: string) {
    const { factory, relayer, alice } = world;
    return factory.connect(relayer).createWalletAndRelay(alice.address, SALT, intent, signature);
  }

  /** The same call simulated: [the wallet's address, whether the intent's calls succeeded]. */
  function simulateCreateAndRelay(world: Fixture, intent: Intent, signature: string) {
    const { factory, relayer, alice } = world;
    return factory
      .connect(relayer)
      .createWalletAndRelay.staticCall(alice.address, SALT, intent, signature);
  }

  /** Expects `tx` to deploy Alice's wallet (WalletCreated) and relay `id` from the factory with `success`. */
  async function expectCreatedAndRelayed(
    world: Fixture,
    tx: Promise<ContractTransactionResponse>,
    id: string,
    success: boolean,
  ) {
    const { factory, factoryAddress, alice, counterfactual, aliceWallet } = world;
    await expect(tx)
      .to.emit(factory, "WalletCreated")
      .withArgs(counterfactual, alice.address, SALT);
    await expect(tx).to.emit(aliceWallet, "IntentRelayed").withArgs(id, factoryAddress, success);
  }

  it("deploys the pre-funded wallet and relays its first intent (an ERC-20 transfer) in one transaction", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { factoryAddress, token, alice, recipient, counterfactual, aliceWallet } = world;
    expect(await ethers.provider.getCode(counterfactual)).to.equal("0x");
    const amount = 250n * 10n ** 18n;
    const intent = await transferIntent(world, amount);
    const signed = await signForAlice(world, intent);

    const [predicted, success] = await simulateCreateAndRelay(world, intent, signed.signature);
    expect(predicted).to.equal(counterfactual);
    expect(success).to.equal(true);

    const tx = createAndRelay(world, intent, signed.signature);
    await expectCreatedAndRelayed(world, tx, signed.id, true);
    await expect(tx).to.emit(token, "Transfer").withArgs(counterfactual, recipient.address, amount);
    const receipt = await (await tx).wait();
    expect(receipt!.status).to.equal(1);

    expect(await aliceWallet.owner()).to.equal(alice.address);
    const intentReceipt = await aliceWallet.intentReceipt(signed.id);
    expect(intentReceipt.status).to.equal(IntentStatus.Succeeded);
    expect(intentReceipt.relayer).to.equal(factoryAddress);
    expect(intentReceipt.blockNumber).to.equal(BigInt(receipt!.blockNumber));
    expect(await token.balanceOf(counterfactual)).to.equal(FUNDED_TOKENS - amount);
    expect(await token.balanceOf(recipient.address)).to.equal(amount);
    expect(await ethers.provider.getBalance(counterfactual)).to.equal(FUNDED_ETH);
  });

  it("also works when the wallet already exists: it only relays", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const {
      factory,
      factoryAddress,
      token,
      alice,
      relayer,
      stranger,
      recipient,
      counterfactual,
      aliceWallet,
    } = world;
    // Someone deploys the wallet first (a front-run does no harm).
    await factory.connect(stranger).createWallet(alice.address, SALT);

    const first = await signForAlice(world, await transferIntent(world, 1n, 1n));
    const second = await signForAlice(world, await transferIntent(world, 2n, 2n));
    for (const signed of [first, second]) {
      const tx = createAndRelay(world, signed.intent, signed.signature);
      await expect(tx).to.not.emit(factory, "WalletCreated");
      await expect(tx)
        .to.emit(aliceWallet, "IntentRelayed")
        .withArgs(signed.id, factoryAddress, true);
      expect(await aliceWallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
    }
    expect(await token.balanceOf(recipient.address)).to.equal(3n);
    expect(await token.balanceOf(counterfactual)).to.equal(FUNDED_TOKENS - 3n);

    // The same ID can't run twice, whichever way it is relayed.
    await expect(createAndRelay(world, first.intent, first.signature))
      .to.be.revertedWithCustomError(aliceWallet, "IntentAlreadyRelayed")
      .withArgs(first.id);
    await expect(aliceWallet.connect(relayer).relay(second.intent, second.signature))
      .to.be.revertedWithCustomError(aliceWallet, "IntentAlreadyRelayed")
      .withArgs(second.id);
  });

  it("reverts the whole transaction on a bad signature: the wallet is not deployed and nothing moves", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { token, stranger, recipient, counterfactual, aliceWallet } = world;
    const intent = await transferIntent(world, 5n);
    const forged = await signForAlice(world, intent, stranger);

    await expect(createAndRelay(world, intent, forged.signature))
      .to.be.revertedWithCustomError(aliceWallet, "IntentInvalidSignature")
      .withArgs(forged.id);
    await expect(createAndRelay(world, intent, "0x"))
      .to.be.revertedWithCustomError(aliceWallet, "IntentInvalidSignature")
      .withArgs(forged.id);
    expect(await ethers.provider.getCode(counterfactual)).to.equal("0x");
    expect(await token.balanceOf(counterfactual)).to.equal(FUNDED_TOKENS);
    expect(await token.balanceOf(recipient.address)).to.equal(0n);
  });

  it("rejects an intent signed for another of the owner's wallets (another salt), leaving this one undeployed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { factory, alice, counterfactual, aliceWallet, chainId } = world;
    const intent = await transferIntent(world, 5n);
    const otherWallet = await factory.walletAddress(alice.address, SALT + 1n);
    const signedForOther = await signForWallet(
      { owner: alice, walletAddress: otherWallet, chainId },
      intent,
    );
    const idHere = (await signForAlice(world, intent)).id;

    await expect(createAndRelay(world, intent, signedForOther.signature))
      .to.be.revertedWithCustomError(aliceWallet, "IntentInvalidSignature")
      .withArgs(idHere);
    expect(await ethers.provider.getCode(counterfactual)).to.equal("0x");
  });

  it("deploys the wallet and consumes the intent when its calls fail, returning success = false", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { token, alice, counterfactual, aliceWallet } = world;
    // More tokens than the wallet holds: the transfer reverts.
    const intent = await transferIntent(world, FUNDED_TOKENS + 1n);
    const signed = await signForAlice(world, intent);

    const [, success] = await simulateCreateAndRelay(world, intent, signed.signature);
    expect(success).to.equal(false);
    const tx = createAndRelay(world, intent, signed.signature);
    await expectCreatedAndRelayed(world, tx, signed.id, false);
    expect(await aliceWallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
    expect(await aliceWallet.owner()).to.equal(alice.address);
    expect(await token.balanceOf(counterfactual)).to.equal(FUNDED_TOKENS);
  });
});

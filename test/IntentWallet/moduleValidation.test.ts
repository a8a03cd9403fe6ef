import { expect } from "chai";
import { network } from "hardhat";

import { toModuleSignature, type Intent, IntentStatus } from "../../src/sdk/index.js";
import type { MockValidator } from "../../typechain-types/index.js";
import { deployWalletWorld, buildIntentNow } from "../helpers/walletFixture.js";
import { selfCall, signedIntent, targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

/** MockValidator's verdicts, chosen by the first byte of its data. */
const AUTHORIZE = "0x01";
const WRONG_MAGIC = "0x02";
const REJECT = "0x03";

describe("IntentWallet module validation", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const validator = (await ethers.deployContract("MockValidator")) as unknown as MockValidator;
    const otherValidator = (await ethers.deployContract(
      "MockValidator",
    )) as unknown as MockValidator;
    const validatorAddress = await validator.getAddress();
    const otherValidatorAddress = await otherValidator.getAddress();
    return { ...world, validator, validatorAddress, otherValidator, otherValidatorAddress };
  }

  /** The fixture with `validator` installed by the owner's direct call. */
  async function installedFixture() {
    const world = await fixture();
    await world.wallet.connect(world.owner).installModule(world.validatorAddress);
    return world;
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  async function pingIntent(world: World, salt = 0n): Promise<Intent> {
    return buildIntentNow(world, { calls: [await targetCall(world, "ping", [1n])], salt });
  }

  it("rejects a module signature naming a module that is not installed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, validatorAddress } = world;
    const intent = await pingIntent(world);

    await expect(
      wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
    )
      .to.be.revertedWithCustomError(wallet, "WalletModuleNotInstalled")
      .withArgs(validatorAddress);
  });

  it("rejects a module signature naming a module after it was uninstalled", async function () {
    const world = await networkHelpers.loadFixture(installedFixture);
    const { wallet, owner, relayer, validatorAddress } = world;
    await wallet.connect(owner).uninstallModule(validatorAddress);
    const intent = await pingIntent(world);

    await expect(
      wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
    )
      .to.be.revertedWithCustomError(wallet, "WalletModuleNotInstalled")
      .withArgs(validatorAddress);
  });

  it("relays an intent an installed module authorizes", async function () {
    const world = await networkHelpers.loadFixture(installedFixture);
    const { wallet, relayer, validator, validatorAddress, target, walletAddress } = world;
    const intent = await pingIntent(world);
    const id = await wallet.intentId(intent);

    const tx = wallet
      .connect(relayer)
      .relay(intent, toModuleSignature(validatorAddress, AUTHORIZE));
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(id, relayer.address, true);
    await expect(tx).to.emit(target, "Pinged").withArgs(walletAddress, 0n, 1n);
    expect(await validator.lastAuthorized()).to.equal(id);
    expect(await wallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
  });

  it("relays a module-authorized batch of calls to other contracts", async function () {
    const world = await networkHelpers.loadFixture(installedFixture);
    const { wallet, relayer, validatorAddress, target, stranger } = world;
    const intent = await buildIntentNow(world, {
      calls: [
        await targetCall(world, "ping", [1n]),
        await targetCall(world, "ping", [2n]),
        { to: stranger.address, value: 1n },
      ],
    });
    const id = await wallet.intentId(intent);

    await expect(
      wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
    )
      .to.emit(wallet, "IntentRelayed")
      .withArgs(id, relayer.address, true);
    expect(await target.pings()).to.equal(2n);
  });

  it("rejects an intent when the module answers a wrong magic value", async function () {
    const world = await networkHelpers.loadFixture(installedFixture);
    const { wallet, relayer, validatorAddress, target } = world;
    const intent = await pingIntent(world);
    const id = await wallet.intentId(intent);

    await expect(
      wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, WRONG_MAGIC)),
    )
      .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
      .withArgs(id);
    expect(await target.pings()).to.equal(0n);
  });

  it("bubbles up the module's own error when it refuses an intent", async function () {
    const world = await networkHelpers.loadFixture(installedFixture);
    const { wallet, relayer, validator, validatorAddress } = world;
    const intent = await pingIntent(world);
    const id = await wallet.intentId(intent);

    for (const data of [REJECT, "0x", "0x00ff"]) {
      await expect(wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, data)))
        .to.be.revertedWithCustomError(validator, "MockValidatorRejected")
        .withArgs(id);
    }
    expect(await wallet.intentStatus(id)).to.equal(IntentStatus.None);
  });

  it("rejects a module signature too short to name a module", async function () {
    const world = await networkHelpers.loadFixture(installedFixture);
    const { wallet, relayer, validatorAddress } = world;
    const intent = await pingIntent(world);
    const id = await wallet.intentId(intent);

    for (const signature of [
      "0x01",
      ethers.dataSlice(toModuleSignature(validatorAddress, "0x"), 0, 20),
    ]) {
      await expect(wallet.connect(relayer).relay(intent, signature))
        .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
        .withArgs(id);
    }
  });

  describe("forbidden targets", function () {
    it("rejects a module-validated intent calling the wallet itself", async function () {
      const world = await networkHelpers.loadFixture(installedFixture);
      const { wallet, walletAddress, relayer, validatorAddress, stranger, otherValidatorAddress } =
        world;
      const selfCalls = [
        wallet.interface.encodeFunctionData("changeOwner", [stranger.address]),
        wallet.interface.encodeFunctionData("installModule", [otherValidatorAddress]),
        wallet.interface.encodeFunctionData("uninstallModule", [validatorAddress]),
        wallet.interface.encodeFunctionData("cancelIntents", [[ethers.id("some intent")]]),
        wallet.interface.encodeFunctionData("invalidateAllIntents"),
        wallet.interface.encodeFunctionData("execute", [[]]),
        "0x", // a plain ETH transfer to itself
      ];
      let salt = 0n;
      for (const data of selfCalls) {
        salt += 1n;
        const intent = await buildIntentNow(world, { calls: [{ to: walletAddress, data }], salt });
        const id = await wallet.intentId(intent);
        await expect(
          wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
        )
          .to.be.revertedWithCustomError(wallet, "IntentTargetForbidden")
          .withArgs(id, walletAddress);
      }
      expect(await wallet.owner()).to.equal(world.owner.address);
      expect(await wallet.isModuleInstalled(otherValidatorAddress)).to.equal(false);
      expect(await wallet.isModuleInstalled(validatorAddress)).to.equal(true);
      expect(await wallet.intentEpoch()).to.equal(0n);
    });

    it("rejects a module-validated intent calling the validating module", async function () {
      const world = await networkHelpers.loadFixture(installedFixture);
      const { wallet, relayer, validator, validatorAddress } = world;
      const intent = await buildIntentNow(world, {
        calls: [
          {
            to: validatorAddress,
            data: validator.interface.encodeFunctionData("validateIntent", [
              ethers.id("x"),
              (await pingIntent(world)).calls,
              AUTHORIZE,
              0n,
            ]),
          },
        ],
      });
      const id = await wallet.intentId(intent);

      await expect(
        wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
      )
        .to.be.revertedWithCustomError(wallet, "IntentTargetForbidden")
        .withArgs(id, validatorAddress);
      expect(await validator.lastAuthorized()).to.equal(ethers.ZeroHash);
    });

    it("rejects a module-validated intent calling another installed module", async function () {
      const world = await networkHelpers.loadFixture(installedFixture);
      const { wallet, owner, relayer, validatorAddress, otherValidatorAddress } = world;
      await wallet.connect(owner).installModule(otherValidatorAddress);
      const intent = await buildIntentNow(world, {
        calls: [{ to: otherValidatorAddress, data: "0x" }],
      });
      const id = await wallet.intentId(intent);

      await expect(
        wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
      )
        .to.be.revertedWithCustomError(wallet, "IntentTargetForbidden")
        .withArgs(id, otherValidatorAddress);
    });

    it("rejects a batch that hides one forbidden call among allowed ones", async function () {
      const world = await networkHelpers.loadFixture(installedFixture);
      const { wallet, walletAddress, relayer, validator, validatorAddress, target, stranger } =
        world;
      const hiddenSelfCall = selfCall(world, "changeOwner", [stranger.address]);
      const hiddenModuleCall = { to: validatorAddress, data: "0x" };

      let salt = 0n;
      for (const [hidden, forbidden] of [
        [hiddenSelfCall, walletAddress],
        [hiddenModuleCall, validatorAddress],
      ] as const) {
        salt += 1n;
        const intent = await buildIntentNow(world, {
          calls: [
            await targetCall(world, "ping", [1n]),
            await targetCall(world, "ping", [2n]),
            hidden,
            await targetCall(world, "ping", [3n]),
          ],
          salt,
        });
        const id = await wallet.intentId(intent);
        await expect(
          wallet.connect(relayer).relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
        )
          .to.be.revertedWithCustomError(wallet, "IntentTargetForbidden")
          .withArgs(id, forbidden);
        expect(await wallet.intentStatus(id)).to.equal(IntentStatus.None);
      }
      expect(await target.pings()).to.equal(0n);
      expect(await wallet.owner()).to.equal(world.owner.address);
      expect(await validator.lastAuthorized()).to.equal(ethers.ZeroHash);
    });

    it("lets an owner-signed intent call the wallet itself (only module intents are restricted)", async function () {
      const world = await networkHelpers.loadFixture(installedFixture);
      const { wallet, relayer, otherValidatorAddress } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [selfCall(world, "installModule", [otherValidatorAddress])],
      });

      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "ModuleInstalled")
        .withArgs(otherValidatorAddress);
      expect(await wallet.isModuleInstalled(otherValidatorAddress)).to.equal(true);
    });
  });
});

describe("IntentWallet module epoch", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const validator = (await ethers.deployContract("MockValidator")) as unknown as MockValidator;
    return { ...world, validator, validatorAddress: await validator.getAddress() };
  }

  it("is moved by the owner, by the wallet itself and by an installed module, each time by one", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, owner, relayer, validatorAddress } = world;
    expect(await wallet.moduleEpoch()).to.equal(0n);

    await expect(wallet.connect(owner).advanceModuleEpoch())
      .to.emit(wallet, "ModuleEpochAdvanced")
      .withArgs(1n);
    const { signed } = await signedIntent(world, {
      calls: [selfCall(world, "advanceModuleEpoch", [])],
    });
    await wallet.connect(relayer).relay(signed.intent, signed.signature);
    expect(await wallet.moduleEpoch()).to.equal(2n);

    await wallet.connect(owner).installModule(validatorAddress);
    const asModule = await ethers.getImpersonatedSigner(validatorAddress);
    await networkHelpers.setBalance(validatorAddress, 10n ** 18n);
    await expect(wallet.connect(asModule).advanceModuleEpoch())
      .to.emit(wallet, "ModuleEpochAdvanced")
      .withArgs(3n);
    // The intent epoch is another counter: it did not move.
    expect(await wallet.intentEpoch()).to.equal(0n);
  });

  it("refuses a stranger and a module once uninstalled (WalletUnauthorized)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, owner, stranger, validatorAddress } = world;
    await expect(wallet.connect(stranger).advanceModuleEpoch())
      .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
      .withArgs(stranger.address);

    await wallet.connect(owner).installModule(validatorAddress);
    await wallet.connect(owner).uninstallModule(validatorAddress);
    await networkHelpers.setBalance(validatorAddress, 10n ** 18n);
    const asModule = await ethers.getImpersonatedSigner(validatorAddress);
    await expect(wallet.connect(asModule).advanceModuleEpoch())
      .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
      .withArgs(validatorAddress);
    expect(await wallet.moduleEpoch()).to.equal(0n);
  });
});

import { expect } from "chai";
import { ZeroAddress, dataSlice, getAddress } from "ethers";
import { network } from "hardhat";

import { toModuleSignature, IntentStatus } from "../../src/sdk/index.js";
import { buildIntentNow, deployWalletWorld, signForWallet } from "../helpers/walletFixture.js";
import { selfCall, signedIntent, targetCall, walletCallReverted } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

describe("IntentWallet owner, execute, modules and interfaces", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const signers = await ethers.getSigners();
    const newOwner = signers[3];
    const recipient = signers[4];
    const validator = await ethers.deployContract("MockValidator");
    return { ...world, newOwner, recipient, validator };
  }

  describe("changeOwner", function () {
    it("lets the owner hand the wallet over directly, emitting OwnerChanged", async function () {
      const { wallet, owner, newOwner } = await networkHelpers.loadFixture(fixture);

      await expect(wallet.connect(owner).changeOwner(newOwner.address))
        .to.emit(wallet, "OwnerChanged")
        .withArgs(owner.address, newOwner.address);
      expect(await wallet.owner()).to.equal(newOwner.address);
    });

    it("lets the owner hand the wallet over through an owner-signed intent (a call of the wallet to itself)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner, relayer, newOwner } = world;
      const { intent, signed } = await signedIntent(world, {
        calls: [selfCall(world, "changeOwner", [newOwner.address])],
      });

      const tx = wallet.connect(relayer).relay(intent, signed.signature);
      await expect(tx).to.emit(wallet, "OwnerChanged").withArgs(owner.address, newOwner.address);
      await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, true);
      expect(await wallet.owner()).to.equal(newOwner.address);
    });

    it("refuses a stranger with WalletUnauthorized", async function () {
      const { wallet, owner, stranger } = await networkHelpers.loadFixture(fixture);
      await expect(wallet.connect(stranger).changeOwner(stranger.address))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(stranger.address);
      expect(await wallet.owner()).to.equal(owner.address);
    });

    it("refuses the wallet itself as owner, which would lock it in an ERC-1271 loop", async function () {
      const { wallet, walletAddress, owner } = await networkHelpers.loadFixture(fixture);
      await expect(wallet.connect(owner).changeOwner(walletAddress))
        .to.be.revertedWithCustomError(wallet, "WalletInvalidOwner")
        .withArgs(walletAddress);
      expect(await wallet.owner()).to.equal(owner.address);
    });

    it("refuses the zero address with WalletInvalidOwner, directly and through an intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner, relayer } = world;
      await expect(wallet.connect(owner).changeOwner(ZeroAddress))
        .to.be.revertedWithCustomError(wallet, "WalletInvalidOwner")
        .withArgs(ZeroAddress);

      const { intent, signed } = await signedIntent(world, {
        calls: [selfCall(world, "changeOwner", [ZeroAddress])],
      });
      const innerError = wallet.interface.encodeErrorResult("WalletInvalidOwner", [ZeroAddress]);
      const reason = walletCallReverted(world, 0n, innerError);
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentFailed")
        .withArgs(signed.id, reason);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
      expect(await wallet.owner()).to.equal(owner.address);
    });

    it("after a change, rejects the old owner's signatures and direct calls and accepts the new owner's", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner, relayer, newOwner, target } = world;
      await wallet.connect(owner).changeOwner(newOwner.address);
      const intent = await buildIntentNow(world, {
        calls: [await targetCall(world, "ping", [1n])],
      });

      const byOldOwner = await signForWallet(world, intent, owner);
      await expect(wallet.connect(relayer).relay(intent, byOldOwner.signature))
        .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
        .withArgs(byOldOwner.id);
      await expect(wallet.connect(owner).changeOwner(owner.address))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(owner.address);

      const byNewOwner = await signForWallet(world, intent, newOwner);
      expect(byNewOwner.id).to.equal(byOldOwner.id);
      await expect(wallet.connect(relayer).relay(intent, byNewOwner.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(byNewOwner.id, relayer.address, true);
      expect(await target.pings()).to.equal(1n);

      await expect(wallet.connect(newOwner).changeOwner(owner.address))
        .to.emit(wallet, "OwnerChanged")
        .withArgs(newOwner.address, owner.address);
    });

    it("accepts an ERC-1271 contract as the new owner, whose signer's signatures then authorize intents", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner, relayer, newOwner } = world;
      const contractOwner = await ethers.deployContract("ERC1271Owner", [newOwner.address]);
      await wallet.connect(owner).changeOwner(await contractOwner.getAddress());
      const intent = await buildIntentNow(world, {
        calls: [await targetCall(world, "ping", [2n])],
      });

      // The contract accepts ECDSA signatures of the ID by its signer.
      const signed = await signForWallet(world, intent, newOwner);
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);

      const byStranger = await signForWallet({ ...world }, { ...intent, salt: 1n }, world.stranger);
      await expect(wallet.connect(relayer).relay(byStranger.intent, byStranger.signature))
        .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
        .withArgs(byStranger.id);
    });
  });

  describe("execute", function () {
    it("lets the owner run a batch with ETH value directly, paying with the wallet's ETH and the ETH sent", async function () {
      const { wallet, walletAddress, owner, target, recipient } =
        await networkHelpers.loadFixture(fixture);
      const targetAddress = await target.getAddress();
      const walletBefore = await ethers.provider.getBalance(walletAddress);
      const recipientBefore = await ethers.provider.getBalance(recipient.address);
      const calls = [
        { to: targetAddress, value: 3n, data: target.interface.encodeFunctionData("ping", [5n]) },
        { to: recipient.address, value: 10n ** 17n, data: "0x" },
      ];

      const tx = wallet.connect(owner).execute(calls, { value: 5n * 10n ** 17n });
      await expect(tx).to.emit(target, "Pinged").withArgs(walletAddress, 3n, 5n);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [walletAddress, recipient.address, targetAddress],
        [5n * 10n ** 17n - 3n - 10n ** 17n, 10n ** 17n, 3n],
      );
      expect(await target.lastCaller()).to.equal(walletAddress);
      expect(await ethers.provider.getBalance(recipient.address)).to.equal(
        recipientBefore + 10n ** 17n,
      );
      expect(await ethers.provider.getBalance(walletAddress)).to.equal(
        walletBefore + 4n * 10n ** 17n - 3n,
      );
    });

    it("is all or nothing: a failing call reverts the batch with WalletCallReverted(index, revert data)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, walletAddress, owner, target, recipient } = world;
      const calls = [
        await targetCall(world, "ping", [1n]),
        { to: recipient.address, value: 1n, data: "0x" },
        await targetCall(world, "pingThenFail", [42n]),
      ];
      const revertData = target.interface.encodeErrorResult("TargetFailed", [42n]);
      const walletBefore = await ethers.provider.getBalance(walletAddress);
      const recipientBefore = await ethers.provider.getBalance(recipient.address);

      await expect(wallet.connect(owner).execute(calls))
        .to.be.revertedWithCustomError(wallet, "WalletCallReverted")
        .withArgs(2n, revertData);
      expect(await target.pings()).to.equal(0n);
      expect(await ethers.provider.getBalance(walletAddress)).to.equal(walletBefore);
      expect(await ethers.provider.getBalance(recipient.address)).to.equal(recipientBefore);
    });

    it("refuses a stranger with WalletUnauthorized", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, stranger } = world;
      const calls = [await targetCall(world, "ping", [1n])];
      await expect(wallet.connect(stranger).execute(calls))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(stranger.address);
    });
  });

  describe("modules", function () {
    it("installs and uninstalls a module, emitting events and updating isModuleInstalled", async function () {
      const { wallet, owner, validator } = await networkHelpers.loadFixture(fixture);
      const module = await validator.getAddress();
      expect(await wallet.isModuleInstalled(module)).to.equal(false);

      await expect(wallet.connect(owner).installModule(module))
        .to.emit(wallet, "ModuleInstalled")
        .withArgs(module);
      expect(await wallet.isModuleInstalled(module)).to.equal(true);

      await expect(wallet.connect(owner).uninstallModule(module))
        .to.emit(wallet, "ModuleUninstalled")
        .withArgs(module);
      expect(await wallet.isModuleInstalled(module)).to.equal(false);
    });

    it("refuses an address without code or the wallet itself with WalletInvalidModule", async function () {
      const { wallet, walletAddress, owner, stranger } = await networkHelpers.loadFixture(fixture);
      await expect(wallet.connect(owner).installModule(stranger.address))
        .to.be.revertedWithCustomError(wallet, "WalletInvalidModule")
        .withArgs(stranger.address);
      await expect(wallet.connect(owner).installModule(ZeroAddress))
        .to.be.revertedWithCustomError(wallet, "WalletInvalidModule")
        .withArgs(ZeroAddress);
      await expect(wallet.connect(owner).installModule(walletAddress))
        .to.be.revertedWithCustomError(wallet, "WalletInvalidModule")
        .withArgs(walletAddress);
    });

    it("refuses to install twice (WalletModuleAlreadyInstalled) or uninstall a missing module (WalletModuleNotInstalled)", async function () {
      const { wallet, owner, validator } = await networkHelpers.loadFixture(fixture);
      const module = await validator.getAddress();
      await expect(wallet.connect(owner).uninstallModule(module))
        .to.be.revertedWithCustomError(wallet, "WalletModuleNotInstalled")
        .withArgs(module);
      await wallet.connect(owner).installModule(module);
      await expect(wallet.connect(owner).installModule(module))
        .to.be.revertedWithCustomError(wallet, "WalletModuleAlreadyInstalled")
        .withArgs(module);
      await wallet.connect(owner).uninstallModule(module);
      await expect(wallet.connect(owner).uninstallModule(module))
        .to.be.revertedWithCustomError(wallet, "WalletModuleNotInstalled")
        .withArgs(module);
    });

    it("refuses a stranger installing or uninstalling with WalletUnauthorized", async function () {
      const { wallet, owner, stranger, validator } = await networkHelpers.loadFixture(fixture);
      const module = await validator.getAddress();
      await expect(wallet.connect(stranger).installModule(module))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(stranger.address);
      await wallet.connect(owner).installModule(module);
      await expect(wallet.connect(stranger).uninstallModule(module))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(stranger.address);
      expect(await wallet.isModuleInstalled(module)).to.equal(true);
    });

    it("installs a module through an owner-signed intent; the module then authorizes intents until uninstalled", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, owner, relayer, validator } = world;
      const module = await validator.getAddress();
      const { intent: install, signed: signedInstall } = await signedIntent(world, {
        calls: [selfCall(world, "installModule", [module])],
      });
      await expect(wallet.connect(relayer).relay(install, signedInstall.signature))
        .to.emit(wallet, "ModuleInstalled")
        .withArgs(module);
      expect(await wallet.isModuleInstalled(module)).to.equal(true);

      const ping = await buildIntentNow(world, { calls: [await targetCall(world, "ping", [1n])] });
      const pingId = await wallet.intentId(ping);
      await expect(wallet.connect(relayer).relay(ping, toModuleSignature(module, "0x01")))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(pingId, relayer.address, true);
      expect(await validator.lastAuthorized()).to.equal(pingId);
      expect(await wallet.intentStatus(pingId)).to.equal(IntentStatus.Succeeded);

      await wallet.connect(owner).uninstallModule(module);
      const ping2 = { ...ping, salt: 2n };
      await expect(wallet.connect(relayer).relay(ping2, toModuleSignature(module, "0x01")))
        .to.be.revertedWithCustomError(wallet, "WalletModuleNotInstalled")
        .withArgs(module);
    });
  });

  describe("first owner", function () {
    it("is read from the wallet's code until changeOwner, then from storage", async function () {
      const { wallet, owner, stranger } = await networkHelpers.loadFixture(fixture);
      const code = await ethers.provider.getCode(await wallet.getAddress());
      expect(getAddress(dataSlice(code, 45))).to.equal(owner.address);
      expect(await wallet.owner()).to.equal(owner.address);

      await wallet.connect(owner).changeOwner(stranger.address);
      expect(await wallet.owner()).to.equal(stranger.address);
      // The code never changes: the new owner lives in storage and wins from now on.
      expect(await ethers.provider.getCode(await wallet.getAddress())).to.equal(code);
      await expect(wallet.connect(owner).changeOwner(owner.address))
        .to.be.revertedWithCustomError(wallet, "WalletUnauthorized")
        .withArgs(owner.address);
    });
  });

  describe("supportsInterface", function () {
    it("answers true for ERC-165, ERC-1271, ERC-721 receiver and ERC-1155 receiver", async function () {
      const { wallet } = await networkHelpers.loadFixture(fixture);
      expect(await wallet.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await wallet.supportsInterface("0x1626ba7e")).to.equal(true);
      expect(await wallet.supportsInterface("0x150b7a02")).to.equal(true);
      expect(await wallet.supportsInterface("0x4e2312e0")).to.equal(true);
    });

    it("answers false for 0xffffffff and an unknown interface", async function () {
      const { wallet } = await networkHelpers.loadFixture(fixture);
      expect(await wallet.supportsInterface("0xffffffff")).to.equal(false);
      expect(await wallet.supportsInterface("0x12345678")).to.equal(false);
    });
  });
});

import { expect } from "chai";
import { ZeroAddress, ZeroHash, concat, getCreate2Address, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { buildIntentNow, deployWalletWorld, signForWallet } from "../helpers/walletFixture.js";
import { targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** The constructor that returns the 65 bytes after it (OpenZeppelin's clone-with-arguments layout). */
const WALLET_CONSTRUCTOR = "0x6100413d81600a3d39f3";
/** ERC-1167 runtime code around the implementation address. */
const CLONE_RUNTIME_PREFIX = "0x363d3d373d3d3d363d73";
const CLONE_SUFFIX = "0x5af43d82803e903d91602b57fd5bf3";

/** A wallet's code: the ERC-1167 proxy to `implementation`, then its first owner. */
function walletCode(implementation: string, owner: string): string {
  return concat([CLONE_RUNTIME_PREFIX, implementation, CLONE_SUFFIX, owner]).toLowerCase();
}

/** The wallet address of (`owner`, `salt`), computed off-chain exactly as CREATE2 does. */
function predictWalletAddress(
  factory: string,
  implementation: string,
  owner: string,
  salt: bigint,
): string {
  const initCode = concat([WALLET_CONSTRUCTOR, walletCode(implementation, owner)]);
  return getCreate2Address(factory, toBeHex(salt, 32), keccak256(initCode));
}

describe("WalletFactory.createWallet", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const signers = await ethers.getSigners();
    const alice = signers[5];
    const bob = signers[6];
    return {
      ...world,
      alice,
      bob,
      factoryAddress: await world.factory.getAddress(),
      implementationAddress: await world.implementation.getAddress(),
    };
  }

  describe("counterfactual address", function () {
    it("is known before deployment: walletAddress equals the off-chain CREATE2 computation of the ERC-1167 clone", async function () {
      const { factory, factoryAddress, implementationAddress, alice } =
        await networkHelpers.loadFixture(fixture);
      for (const salt of [0n, 1n, 42n, 2n ** 256n - 1n]) {
        const predicted = predictWalletAddress(
          factoryAddress,
          implementationAddress,
          alice.address,
          salt,
        );
        expect(await factory.walletAddress(alice.address, salt)).to.equal(predicted);
        expect(await ethers.provider.getCode(predicted)).to.equal("0x");
      }

      // And the deployed clone is exactly there: the ERC-1167 proxy, then the owner.
      const predicted = predictWalletAddress(
        factoryAddress,
        implementationAddress,
        alice.address,
        7n,
      );
      await factory.createWallet(alice.address, 7n);
      expect((await ethers.provider.getCode(predicted)).toLowerCase()).to.equal(
        walletCode(implementationAddress, alice.address),
      );
    });

    it("binds the owner and the salt: different owners or salts give different addresses", async function () {
      const { factory, alice, bob } = await networkHelpers.loadFixture(fixture);
      const addresses = new Set<string>();
      for (const owner of [alice.address, bob.address]) {
        for (const salt of [0n, 1n, 2n]) addresses.add(await factory.walletAddress(owner, salt));
      }
      expect(addresses.size).to.equal(6);
    });

    it("depends on the factory: another factory with the same implementation gives another address", async function () {
      const { factory, implementationAddress, alice } = await networkHelpers.loadFixture(fixture);
      const otherFactory = await ethers.deployContract("WalletFactory", [implementationAddress]);
      expect(await otherFactory.walletAddress(alice.address, 0n)).to.not.equal(
        await factory.walletAddress(alice.address, 0n),
      );
    });

    it("can receive ETH and tokens before deployment, and the deployed wallet can spend them", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, token, alice, bob, relayer, chainId } = world;
      const address = await factory.walletAddress(alice.address, 3n);
      await bob.sendTransaction({ to: address, value: 10n ** 18n });
      await token.mint(address, 500n);
      expect(await ethers.provider.getBalance(address)).to.equal(10n ** 18n);
      expect(await ethers.provider.getCode(address)).to.equal("0x");

      await factory.createWallet(alice.address, 3n);
      expect(await ethers.provider.getBalance(address)).to.equal(10n ** 18n);
      expect(await token.balanceOf(address)).to.equal(500n);

      const wallet = await ethers.getContractAt("IntentWallet", address);
      const intent = await buildIntentNow(world, {
        calls: [
          { to: bob.address, value: 10n ** 17n },
          {
            to: await token.getAddress(),
            data: token.interface.encodeFunctionData("transfer", [bob.address, 200n]),
          },
        ],
      });
      const signed = await signForWallet({ owner: alice, walletAddress: address, chainId }, intent);
      const tx = wallet.connect(relayer).relay(intent, signed.signature);
      await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, true);
      await expect(tx).to.changeEtherBalances(ethers, [address, bob], [-(10n ** 17n), 10n ** 17n]);
      expect(await token.balanceOf(bob.address)).to.equal(200n);
    });
  });

  describe("deployment", function () {
    it("deploys with the owner written in the wallet's code, emitting WalletCreated", async function () {
      const { factory, alice, stranger } = await networkHelpers.loadFixture(fixture);
      const address = await factory.walletAddress(alice.address, 9n);
      const wallet = await ethers.getContractAt("IntentWallet", address);

      // Anyone may deploy it, but the owner is always the one the address is bound to.
      expect(await factory.connect(stranger).createWallet.staticCall(alice.address, 9n)).to.equal(
        address,
      );
      const tx = factory.connect(stranger).createWallet(alice.address, 9n);
      await expect(tx).to.emit(factory, "WalletCreated").withArgs(address, alice.address, 9n);
      expect(await wallet.owner()).to.equal(alice.address);
      expect(await wallet.intentEpoch()).to.equal(0n);
    });

    it("refuses to deploy a wallet twice (FactoryWalletExists) and changes nothing", async function () {
      const { factory, alice, bob } = await networkHelpers.loadFixture(fixture);
      await factory.createWallet(alice.address, 1n);
      const address = await factory.walletAddress(alice.address, 1n);
      const wallet = await ethers.getContractAt("IntentWallet", address);
      await wallet.connect(alice).changeOwner(bob.address);

      await expect(factory.createWallet(alice.address, 1n))
        .to.be.revertedWithCustomError(factory, "FactoryWalletExists")
        .withArgs(address);
      expect(await wallet.owner()).to.equal(bob.address);
    });

    it("refuses the zero address as owner (FactoryInvalidOwner)", async function () {
      const { factory } = await networkHelpers.loadFixture(fixture);
      await expect(factory.createWallet(ZeroAddress, 0n))
        .to.be.revertedWithCustomError(factory, "FactoryInvalidOwner")
        .withArgs(ZeroAddress);
    });

    it("deploys distinct wallets for different salts and owners, each with its own owner", async function () {
      const { factory, alice, bob } = await networkHelpers.loadFixture(fixture);
      const pairs = [
        [alice, 0n],
        [alice, 1n],
        [bob, 0n],
      ] as const;
      const addresses: string[] = [];
      for (const [owner, salt] of pairs) {
        await factory.createWallet(owner.address, salt);
        const address = await factory.walletAddress(owner.address, salt);
        addresses.push(address);
        expect(await (await ethers.getContractAt("IntentWallet", address)).owner()).to.equal(
          owner.address,
        );
      }
      expect(new Set(addresses).size).to.equal(3);
    });
  });

  describe("implementation", function () {
    it("is exposed by the factory and has no owner", async function () {
      const { factory, implementation, implementationAddress } =
        await networkHelpers.loadFixture(fixture);
      expect(await factory.implementation()).to.equal(implementationAddress);
      expect(await implementation.owner()).to.equal(ZeroAddress);
    });

    it("can't be used as a wallet: relays and owner functions revert with WalletImplementationLocked", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { implementation, implementationAddress, owner, relayer, stranger, target, chainId } =
        world;
      const intent = await buildIntentNow(world, {
        calls: [await targetCall(world, "ping", [1n])],
      });
      for (const signer of [owner, stranger]) {
        const signed = await signForWallet(
          { owner, walletAddress: implementationAddress, chainId },
          intent,
          signer,
        );
        await expect(
          implementation.connect(relayer).relay(intent, signed.signature),
        ).to.be.revertedWithCustomError(implementation, "WalletImplementationLocked");
      }
      for (const caller of [owner, stranger]) {
        await expect(
          implementation.connect(caller).changeOwner(caller.address),
        ).to.be.revertedWithCustomError(implementation, "WalletImplementationLocked");
        await expect(implementation.connect(caller).execute([])).to.be.revertedWithCustomError(
          implementation,
          "WalletImplementationLocked",
        );
      }
      expect(await implementation.owner()).to.equal(ZeroAddress);
      expect(await implementation.isValidSignature(ZeroHash, "0x")).to.equal("0xffffffff");
      expect(await target.pings()).to.equal(0n);
    });
  });

  describe("constructor", function () {
    it("rejects an implementation without code (FactoryInvalidImplementation)", async function () {
      const { stranger } = await networkHelpers.loadFixture(fixture);
      const Factory = await ethers.getContractFactory("WalletFactory");
      for (const candidate of [ZeroAddress, stranger.address]) {
        await expect(Factory.deploy(candidate))
          .to.be.revertedWithCustomError(Factory, "FactoryInvalidImplementation")
          .withArgs(candidate);
      }
    });
  });
});

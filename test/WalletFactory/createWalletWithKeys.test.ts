import { expect } from "chai";
import {
  AbiCoder,
  Wallet,
  concat,
  getCreate2Address,
  keccak256,
  toBeHex,
  zeroPadValue,
} from "ethers";
import { network } from "hardhat";

import {
  addressKey,
  getCloneInitCode,
  getCloneRuntimeCode,
  toKeySetSignature,
  type OwnerKey,
} from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import {
  holdsKey,
  FUNDED_ETH,
  FUNDED_TOKENS,
  IntentStatus,
  deployKeySetWorld,
  keyIntent,
  passkeyEntry,
  pingCall,
  secp256k1Entry,
  transferCall,
  type KeySetWallet,
  type KeySetWorld,
} from "../helpers/keySetFixture.js";

const { ethers, networkHelpers } = await network.create();

const SALT = 42n;

/** `keccak256(abi.encode(keys, threshold))`: the key-set hash `WalletCreatedWithKeys` carries. */
function keySetHash(keys: OwnerKey[], threshold: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes[]", "uint256"], [keys, threshold]));
}

/**
 * The address of the key-set wallet, off-chain: CREATE2 by the factory of the clone naming the
 * factory, with the salt `keccak256(abi.encode(keySetHash, salt))`.
 */
function keySetWalletAddress(
  world: Pick<KeySetWorld, "factoryAddress"> & { implementationAddress: string },
  keys: OwnerKey[],
  threshold: bigint,
  salt: bigint,
): string {
  const create2Salt = keccak256(
    AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [keySetHash(keys, threshold), salt]),
  );
  const initCode = getCloneInitCode({
    implementation: world.implementationAddress,
    owner: world.factoryAddress,
  });
  return getCreate2Address(world.factoryAddress, create2Salt, keccak256(initCode));
}

/*
 * Key-set wallets from the factory: at an address that commits to the keys, the threshold and the
 * salt; handed to the set in the creating call, even over a clone naming the factory deployed first;
 * created with their first intent by `launchWalletWithKeysAndRelay`.
 */
describe("WalletFactory.deployWalletWithKeys", function () {
  async function fixture() {
    const world = await deployKeySetWorld(ethers);
    const { keys } = world;
    const implementationAddress = await world.implementation.getAddress();
    // A 2-of-3 set with a passkey, not deployed yet, funded at its address.
    const keySet = [keys.alice, keys.passkey, keys.carol];
    const threshold = 2n;
    const counterfactual = await world.factory.walletWithKeysAddress(keySet, threshold, SALT);
    await world.token.mint(counterfactual, FUNDED_TOKENS);
    await world.owner.sendTransaction({ to: counterfactual, value: FUNDED_ETH });
    const wallet = (await ethers.getContractAt(
      "IntentWallet",
      counterfactual,
    )) as unknown as IntentWallet;
    const pending: KeySetWallet = {
      wallet,
      address: counterfactual,
      keys: keySet,
      threshold,
      salt: SALT,
    };
    return { ...world, implementationAddress, pending };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  describe("the address", function () {
    it("is walletWithKeysAddress, equal to the off-chain CREATE2 computation", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, implementationAddress, pending } = world;
      expect(pending.address).to.equal(
        keySetWalletAddress(world, pending.keys, pending.threshold, SALT),
      );
      expect(await ethers.provider.getCode(pending.address)).to.equal("0x");

      const tx = factory.deployWalletWithKeys(pending.keys, pending.threshold, SALT);
      await expect(tx)
        .to.emit(factory, "WalletCreatedWithKeys")
        .withArgs(pending.address, keySetHash(pending.keys, pending.threshold), SALT);
      for (const key of pending.keys) {
        await expect(tx).to.emit(pending.wallet, "OwnerKeyAdded").withArgs(key);
      }
      await expect(tx).to.emit(pending.wallet, "OwnerThresholdChanged").withArgs(pending.threshold);
      await expect(tx).to.not.emit(factory, "WalletCreated");

      // The clone names the factory in its code; the set owns it.
      expect(await ethers.provider.getCode(pending.address)).to.equal(
        getCloneRuntimeCode({ implementation: implementationAddress, owner: world.factoryAddress }),
      );
      const [keys, threshold] = await pending.wallet.listKeys();
      expect([...keys]).to.deep.equal(pending.keys);
      expect(threshold).to.equal(pending.threshold);
      expect(await pending.wallet.owner()).to.equal(ethers.ZeroAddress);
      expect(await holdsKey(pending.wallet, addressKey(world.factoryAddress))).to.equal(false);
      // The funds sent before are there.
      expect(await world.token.balanceOf(pending.address)).to.equal(FUNDED_TOKENS);
      expect(await ethers.provider.getBalance(pending.address)).to.equal(FUNDED_ETH);
    });

    it("changes with any key, the keys' order, the threshold or the salt", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, keys, pending } = world;
      const [a, b, c] = pending.keys;
      const variants: Array<[string, OwnerKey[], bigint, bigint]> = [
        ["the first key replaced", [keys.bob, b, c], 2n, SALT],
        ["the last key replaced", [a, b, keys.bob], 2n, SALT],
        ["a key more", [a, b, c, keys.bob], 2n, SALT],
        ["a key fewer", [a, b], 2n, SALT],
        ["the keys in another order", [b, a, c], 2n, SALT],
        ["another threshold", [a, b, c], 1n, SALT],
        ["another salt", [a, b, c], 2n, SALT + 1n],
      ];
      const addresses = new Set([pending.address]);
      for (const [what, variantKeys, threshold, salt] of variants) {
        const address = await factory.walletWithKeysAddress(variantKeys, threshold, salt);
        expect(addresses.has(address), what).to.equal(false);
        addresses.add(address);
        expect(address, what).to.equal(keySetWalletAddress(world, variantKeys, threshold, salt));
      }
      // And from any wallet of one address, even one of the set's keys.
      expect(addresses.has(await factory.walletAddress(world.alice.address, SALT))).to.equal(false);
    });

    it("is another factory's for the same key set under another factory", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { implementationAddress, pending } = world;
      const otherFactory = await ethers.deployContract("WalletFactory", [implementationAddress]);
      const otherAddress = await otherFactory.walletWithKeysAddress(
        pending.keys,
        pending.threshold,
        SALT,
      );
      expect(otherAddress).to.not.equal(pending.address);
    });
  });

  describe("refusals", function () {
    it("a second creation reverts with FactoryWalletExists, changing nothing", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, outsider, pending } = world;
      await factory.deployWalletWithKeys(pending.keys, pending.threshold, SALT);
      await expect(
        factory.connect(outsider).deployWalletWithKeys(pending.keys, pending.threshold, SALT),
      )
        .to.be.revertedWithCustomError(factory, "FactoryWalletExists")
        .withArgs(pending.address);
      const [keys, threshold] = await pending.wallet.listKeys();
      expect([...keys]).to.deep.equal(pending.keys);
      expect(threshold).to.equal(pending.threshold);
    });

    it("bad key sets revert with the wallet's errors, and nothing is deployed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, implementation, keys, verifiers, outsider } = world;
      const offCurve = concat([verifiers.p256, toBeHex(1, 32), toBeHex(1, 32)]).toLowerCase();
      const tooMany = Array.from({ length: 33 }, (_, index) =>
        addressKey(new Wallet(ethers.id(`factory key ${index}`)).address),
      );
      const cases: Array<[string, OwnerKey[], bigint, string, unknown[]]> = [
        [
          "a repeated key",
          [keys.alice, keys.bob, keys.alice],
          1n,
          "WalletKeyAlreadyAdded",
          [keys.alice],
        ],
        ["threshold 0", [keys.alice, keys.bob], 0n, "WalletInvalidThreshold", [0n, 2n]],
        [
          "threshold above the keys",
          [keys.alice, keys.bob],
          3n,
          "WalletInvalidThreshold",
          [3n, 2n],
        ],
        ["no key", [], 1n, "WalletInvalidThreshold", [1n, 0n]],
        ["no key, threshold 0", [], 0n, "WalletInvalidThreshold", [0n, 0n]],
        [
          "the zero address",
          [keys.alice, zeroPadValue("0x", 20)],
          1n,
          "WalletInvalidKey",
          [zeroPadValue("0x", 20)],
        ],
        ["19 bytes", [keys.alice.slice(0, 40)], 1n, "WalletInvalidKey", [keys.alice.slice(0, 40)]],
        ["a P-256 key off the curve", [offCurve], 1n, "WalletInvalidKey", [offCurve]],
        [
          "a key naming an address without code",
          [outsider.address.toLowerCase() + keys.passkey.slice(42)],
          1n,
          "WalletInvalidKey",
          [outsider.address.toLowerCase() + keys.passkey.slice(42)],
        ],
        ["33 keys", tooMany, 1n, "WalletTooManyKeys", [32n]],
      ];
      for (const [what, badKeys, threshold, error, args] of cases) {
        const address = await factory.walletWithKeysAddress(badKeys, threshold, SALT);
        await expect(factory.deployWalletWithKeys(badKeys, threshold, SALT), what)
          .to.be.revertedWithCustomError(implementation, error)
          .withArgs(...args);
        expect(await ethers.provider.getCode(address), what).to.equal("0x");
      }
    });

    it("hands a wallet someone deployed first at the set's address, naming the factory, to the set (no squatting)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, factoryAddress, outsider, pending, alice, carol } = world;
      // The CREATE2 salt of the pending key-set wallet: createWallet(factory, thatSalt) deploys a
      // factory-owned clone at its very address.
      const create2Salt = BigInt(
        keccak256(
          AbiCoder.defaultAbiCoder().encode(
            ["bytes32", "uint256"],
            [keySetHash(pending.keys, pending.threshold), SALT],
          ),
        ),
      );
      expect(await factory.walletAddress(factoryAddress, create2Salt)).to.equal(pending.address);
      await factory.connect(outsider).createWallet(factoryAddress, create2Salt);
      expect(await pending.wallet.owner()).to.equal(factoryAddress);

      // The set's creation takes the wallet over: the set owns it, and it relays the set's intents.
      await expect(
        factory.connect(outsider).deployWalletWithKeys(pending.keys, pending.threshold, SALT),
      )
        .to.emit(factory, "WalletCreatedWithKeys")
        .withArgs(pending.address, keySetHash(pending.keys, pending.threshold), SALT);
      expect(await pending.wallet.owner()).to.equal(ethers.ZeroAddress);
      const [keys, threshold] = await pending.wallet.listKeys();
      expect([keys, threshold]).to.deep.equal([pending.keys, pending.threshold]);
      const { intent, id } = await keyIntent(world, pending, { calls: [pingCall(world)] });
      await pending.wallet
        .connect(outsider)
        .relay(intent, toKeySetSignature([secp256k1Entry(alice, id), secp256k1Entry(carol, id)]));
      expect(await pending.wallet.intentStatus(id)).to.equal(1n);

      // Once the set owns it, nobody can create it again, and another set's keys can't take it.
      await expect(factory.deployWalletWithKeys(pending.keys, pending.threshold, SALT))
        .to.be.revertedWithCustomError(factory, "FactoryWalletExists")
        .withArgs(pending.address);
    });

    it("launchWalletWithKeysAndRelay takes over a squatted address and relays in the same transaction", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, factoryAddress, outsider, pending, alice, carol } = world;
      const create2Salt = BigInt(
        keccak256(
          AbiCoder.defaultAbiCoder().encode(
            ["bytes32", "uint256"],
            [keySetHash(pending.keys, pending.threshold), SALT],
          ),
        ),
      );
      await factory.connect(outsider).createWallet(factoryAddress, create2Salt);
      const { intent, id } = await keyIntent(world, pending, { calls: [pingCall(world)] });
      await factory
        .connect(outsider)
        .launchWalletWithKeysAndRelay(
          pending.keys,
          pending.threshold,
          SALT,
          intent,
          toKeySetSignature([secp256k1Entry(alice, id), secp256k1Entry(carol, id)]),
        );
      expect(await pending.wallet.owner()).to.equal(ethers.ZeroAddress);
      expect(await pending.wallet.intentStatus(id)).to.equal(1n);
    });
  });

  describe("launchWalletWithKeysAndRelay", function () {
    /** A transfer of `amount` from the pending wallet to the outsider, signed by alice and the passkey. */
    async function signedTransfer(world: World, amount: bigint, salt = 0n) {
      const { alice, passkey, keys, outsider, pending } = world;
      const { intent, id } = await keyIntent(world, pending, {
        calls: [transferCall(world, outsider.address, amount)],
        salt,
      });
      const signature = toKeySetSignature([
        secp256k1Entry(alice, id),
        passkeyEntry(passkey, keys.passkey, id),
      ]);
      return { intent, id, signature };
    }

    function createAndRelay(
      world: World,
      intent: Parameters<World["factory"]["launchWalletWithKeysAndRelay"]>[3],
      signature: string,
    ) {
      const { factory, relayer, pending } = world;
      return factory
        .connect(relayer)
        .launchWalletWithKeysAndRelay(pending.keys, pending.threshold, SALT, intent, signature);
    }

    it("creates the wallet and relays its first intent in one transaction", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, factoryAddress, relayer, token, outsider, pending } = world;
      const { intent, id, signature } = await signedTransfer(world, 25n);

      const [predicted, success] = await factory
        .connect(relayer)
        .launchWalletWithKeysAndRelay.staticCall(
          pending.keys,
          pending.threshold,
          SALT,
          intent,
          signature,
        );
      expect(predicted).to.equal(pending.address);
      expect(success).to.equal(true);

      const tx = createAndRelay(world, intent, signature);
      await expect(tx)
        .to.emit(factory, "WalletCreatedWithKeys")
        .withArgs(pending.address, keySetHash(pending.keys, pending.threshold), SALT);
      await expect(tx).to.emit(pending.wallet, "IntentRelayed").withArgs(id, factoryAddress, true);
      await expect(tx).to.emit(token, "Transfer").withArgs(pending.address, outsider.address, 25n);
      expect(await pending.wallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
      expect(await token.balanceOf(pending.address)).to.equal(FUNDED_TOKENS - 25n);
    });

    it("only relays when the wallet exists already", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factory, factoryAddress, outsider, token, pending } = world;
      await factory.connect(outsider).deployWalletWithKeys(pending.keys, pending.threshold, SALT);
      for (const salt of [1n, 2n]) {
        const { intent, id, signature } = await signedTransfer(world, salt, salt);
        const tx = createAndRelay(world, intent, signature);
        await expect(tx).to.not.emit(factory, "WalletCreatedWithKeys");
        await expect(tx)
          .to.emit(pending.wallet, "IntentRelayed")
          .withArgs(id, factoryAddress, true);
      }
      expect(await token.balanceOf(outsider.address)).to.equal(3n);
    });

    it("reverts whole on a signature below the threshold or by a stranger: no wallet, nothing moved", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, keys, token, pending } = world;
      const { intent, id } = await signedTransfer(world, 5n);
      await expect(createAndRelay(world, intent, toKeySetSignature([secp256k1Entry(alice, id)])))
        .to.be.revertedWithCustomError(pending.wallet, "IntentBelowThreshold")
        .withArgs(id, 1n, 2n);
      await expect(
        createAndRelay(
          world,
          intent,
          toKeySetSignature([secp256k1Entry(alice, id), secp256k1Entry(bob, id)]),
        ),
      )
        .to.be.revertedWithCustomError(pending.wallet, "IntentKeyNotInSet")
        .withArgs(id, keys.bob);
      expect(await ethers.provider.getCode(pending.address)).to.equal("0x");
      expect(await token.balanceOf(pending.address)).to.equal(FUNDED_TOKENS);
    });

    it("refuses an intent signed by the same keys for another salt's wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, passkey, keys, factory, pending } = world;
      const otherAddress = await factory.walletWithKeysAddress(
        pending.keys,
        pending.threshold,
        SALT + 1n,
      );
      const other = { ...pending, address: otherAddress };
      const { intent, id: otherId } = await keyIntent(world, other, { calls: [pingCall(world)] });
      const { id } = await keyIntent(world, pending, { calls: [pingCall(world)] });
      expect(otherId).to.not.equal(id);
      const signature = toKeySetSignature([
        passkeyEntry(passkey, keys.passkey, otherId),
        secp256k1Entry(alice, otherId),
      ]);
      await expect(createAndRelay(world, intent, signature))
        .to.be.revertedWithCustomError(pending.wallet, "IntentKeySignatureInvalid")
        .withArgs(id, keys.passkey);
      expect(await ethers.provider.getCode(pending.address)).to.equal("0x");
    });
  });
});

import { expect } from "chai";
import { concat, id as keccakText, type BaseContract, type Signer } from "ethers";
import { network } from "hardhat";

import { encodeKeySignatures, toKeySetSignature, toModuleSignature } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import {
  ERC1271_INVALID,
  ERC1271_VALID,
  IntentStatus,
  addressEntry,
  createKeySetWallet,
  deployKeySetWorld,
  keyIntent,
  p256Entry,
  passkeyEntry,
  pingCall,
  relayWithKeys,
  secp256k1Entry,
  snapshotOf,
  walletCall,
  type KeySetWallet,
} from "../helpers/keySetFixture.js";

const { ethers, networkHelpers } = await network.create();

/** The MockValidator's data that makes it authorize any intent. */
const AUTHORIZE = "0x01";

/*
 * No path lets fewer keys than the threshold act: direct calls need the one owner, the wallet
 * itself, or, under a key set, one of its addresses when the threshold is 1; a module-validated
 * intent can't touch the wallet; ERC-1271 and `isOwnerAuthorized` answer valid only at the
 * threshold, and ERC-1271 only for this wallet's replay-safe hash.
 */
describe("IntentWallet key-set authority", function () {
  /**
   * The key-set world, plus a 1-of-3 of alice, bob and carol, and a MockValidator installed on
   * both it and the 2-of-3 multisig (by intents of their sets), with another one not installed.
   */
  async function fixture() {
    const world = await deployKeySetWorld(ethers);
    const { alice, bob, keys, multisig } = world;
    const oneOfThree = await createKeySetWallet(world, [keys.alice, keys.bob, keys.carol], 1n);
    const validator = await ethers.deployContract("MockValidator");
    const validatorAddress = await validator.getAddress();
    const otherValidator = await ethers.deployContract("MockValidator");
    const otherValidatorAddress = await otherValidator.getAddress();
    for (const wallet of [multisig, oneOfThree]) {
      const { intent, id } = await keyIntent(world, wallet, {
        calls: [walletCall(wallet, "installModule", [validatorAddress])],
        salt: 1000n,
      });
      await relayWithKeys(world, wallet, intent, [
        secp256k1Entry(alice, id),
        secp256k1Entry(bob, id),
      ]);
      expect(await wallet.wallet.isModuleInstalled(validatorAddress)).to.equal(true);
    }
    return { ...world, oneOfThree, validatorAddress, otherValidatorAddress };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /**
   * Every function a sole owner may call directly, with arguments that would succeed, and the
   * event it then emits (on the wallet, or the target's for `execute`).
   */
  function ownerCalls(world: World, wallet: KeySetWallet) {
    const { keys, outsider, target, validatorAddress, otherValidatorAddress } = world;
    const call = (
      method: string,
      args: unknown[],
      event: string,
      emitter: BaseContract = wallet.wallet,
    ) => ({
      method,
      event,
      emitter,
      send: (signer: Signer) =>
        signer.sendTransaction({ to: wallet.address, data: walletCall(wallet, method, args).data }),
    });
    return [
      call("execute", [[pingCall(world)]], "Pinged", target),
      call("changeOwner", [outsider.address], "OwnerChanged"),
      call("enrollSigner", [keys.passkey], "OwnerKeyAdded"),
      call("unregisterSigner", [keys.carol], "OwnerKeyRemoved"),
      call("setSigningThreshold", [1n], "OwnerThresholdChanged"),
      call("handToKeySet", [[keys.outsider], 1n], "OwnerKeyAdded"),
      call("installModule", [otherValidatorAddress], "ModuleInstalled"),
      call("uninstallModule", [validatorAddress], "ModuleUninstalled"),
      call("cancelIntents", [[keccakText("an intent")]], "IntentCanceled"),
      call("invalidateAllIntents", [], "IntentsInvalidated"),
      call("advanceModuleEpoch", [], "ModuleEpochAdvanced"),
    ];
  }

  /** What a refused call must leave as it was, beyond the balances and the key set. */
  async function stateOf(world: World, wallet: KeySetWallet) {
    const { wallet: contract } = wallet;
    return {
      ...(await snapshotOf(world, wallet)),
      owner: await contract.owner(),
      intentEpoch: await contract.intentEpoch(),
      moduleEpoch: await contract.moduleEpoch(),
      validator: await contract.isModuleInstalled(world.validatorAddress),
      otherValidator: await contract.isModuleInstalled(world.otherValidatorAddress),
      canceled: await contract.intentStatus(keccakText("an intent")),
    };
  }

  describe("direct calls", function () {
    for (const method of [
      "execute",
      "changeOwner",
      "enrollSigner",
      "unregisterSigner",
      "setSigningThreshold",
      "handToKeySet",
      "installModule",
      "uninstallModule",
      "cancelIntents",
      "invalidateAllIntents",
      "advanceModuleEpoch",
    ]) {
      it(`${method}: refused to one key of a 2-of-3 set (WalletUnauthorized), allowed to one of a 1-of-3`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { alice, bob, carol, multisig, oneOfThree } = world;

        const before = await stateOf(world, multisig);
        for (const key of [alice, bob, carol]) {
          const refused = ownerCalls(world, multisig).find((entry) => entry.method === method)!;
          await expect(refused.send(key))
            .to.be.revertedWithCustomError(multisig.wallet, "WalletUnauthorized")
            .withArgs(key.address);
        }
        expect(await stateOf(world, multisig)).to.deep.equal(before);

        const allowed = ownerCalls(world, oneOfThree).find((entry) => entry.method === method)!;
        await expect(allowed.send(bob)).to.emit(allowed.emitter, allowed.event);
      });
    }

    it("every call refused to a stranger, on every kind of wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { outsider, multisig, oneOfThree } = world;
      for (const wallet of [multisig, oneOfThree]) {
        const before = await stateOf(world, wallet);
        for (const { method, send } of ownerCalls(world, wallet)) {
          await expect(send(outsider), method)
            .to.be.revertedWithCustomError(wallet.wallet, "WalletUnauthorized")
            .withArgs(outsider.address);
        }
        expect(await stateOf(world, wallet)).to.deep.equal(before);
      }
      for (const wallet of [
        world.passkeyWallet,
        world.p256Wallet,
        world.contractWallet,
        world.mixedWallet,
      ]) {
        await expect(wallet.wallet.connect(outsider).execute([pingCall(world)]))
          .to.be.revertedWithCustomError(wallet.wallet, "WalletUnauthorized")
          .withArgs(outsider.address);
      }
    });

    it("executeIntentBatch refused to any key, even of a 1-of-3 set: only the wallet itself", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { bob, oneOfThree } = world;
      await expect(oneOfThree.wallet.connect(bob).executeIntentBatch([pingCall(world)], 0n))
        .to.be.revertedWithCustomError(oneOfThree.wallet, "WalletUnauthorized")
        .withArgs(bob.address);
    });

    it("refused to the factory, whose address a key-set wallet's code names", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { factoryAddress, multisig, oneOfThree } = world;
      const code = await ethers.provider.getCode(multisig.address);
      expect(code.toLowerCase().endsWith(factoryAddress.slice(2).toLowerCase())).to.equal(true);
      await networkHelpers.impersonateAccount(factoryAddress);
      await networkHelpers.setBalance(factoryAddress, 10n ** 18n);
      const factorySigner = await ethers.getSigner(factoryAddress);
      for (const wallet of [multisig, oneOfThree]) {
        const before = await stateOf(world, wallet);
        for (const { method, send } of ownerCalls(world, wallet)) {
          await expect(send(factorySigner), method)
            .to.be.revertedWithCustomError(wallet.wallet, "WalletUnauthorized")
            .withArgs(factoryAddress);
        }
        expect(await stateOf(world, wallet)).to.deep.equal(before);
      }
    });

    it("refused to the verifier a passkey or P-256 key names (its key is not that address)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { verifiers, passkeyWallet, p256Wallet } = world;
      for (const [verifier, wallet] of [
        [verifiers.webAuthn, passkeyWallet],
        [verifiers.p256, p256Wallet],
      ] as const) {
        await networkHelpers.impersonateAccount(verifier);
        await networkHelpers.setBalance(verifier, 10n ** 18n);
        const signer = await ethers.getSigner(verifier);
        await expect(wallet.wallet.connect(signer).execute([pingCall(world)]))
          .to.be.revertedWithCustomError(wallet.wallet, "WalletUnauthorized")
          .withArgs(verifier);
      }
    });

    it("a contract key of a 1-of-1 set calls directly (through the contract)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { contractKey, contractWallet, dave, target } = world;
      const pings = await target.pings();
      await contractKey
        .connect(dave)
        .forward(
          contractWallet.address,
          contractWallet.wallet.interface.encodeFunctionData("execute", [[pingCall(world)]]),
        );
      expect(await target.pings()).to.equal(pings + 1n);
      expect(await target.lastCaller()).to.equal(contractWallet.address);
    });

    it("a key loses its direct power when the threshold rises to 2, and gets it back at 1", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, oneOfThree } = world;
      await oneOfThree.wallet.connect(bob).setSigningThreshold(2n);
      for (const key of [alice, bob]) {
        await expect(oneOfThree.wallet.connect(key).execute([pingCall(world)]))
          .to.be.revertedWithCustomError(oneOfThree.wallet, "WalletUnauthorized")
          .withArgs(key.address);
        await expect(oneOfThree.wallet.connect(key).setSigningThreshold(1n))
          .to.be.revertedWithCustomError(oneOfThree.wallet, "WalletUnauthorized")
          .withArgs(key.address);
      }
      const { intent, id } = await keyIntent(world, oneOfThree, {
        calls: [walletCall(oneOfThree, "setSigningThreshold", [1n])],
      });
      await relayWithKeys(world, oneOfThree, intent, [
        secp256k1Entry(alice, id),
        secp256k1Entry(bob, id),
      ]);
      await expect(oneOfThree.wallet.connect(alice).execute([pingCall(world)])).to.emit(
        world.target,
        "Pinged",
      );
    });

    it("the one-address owner, moved to a key set, keeps its direct power only while the threshold is 1", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, keys, soloWallet } = world;
      await soloWallet.wallet.connect(alice).enrollSigner(keys.bob);
      await expect(soloWallet.wallet.connect(alice).execute([pingCall(world)])).to.emit(
        world.target,
        "Pinged",
      );
      await soloWallet.wallet.connect(alice).setSigningThreshold(2n);
      await expect(soloWallet.wallet.connect(alice).execute([pingCall(world)]))
        .to.be.revertedWithCustomError(soloWallet.wallet, "WalletUnauthorized")
        .withArgs(alice.address);
    });
  });

  describe("module-validated intents", function () {
    it("can't call key management (or anything of the wallet): IntentTargetForbidden", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { keys, outsider, relayer, multisig, oneOfThree, validatorAddress } = world;
      for (const wallet of [multisig, oneOfThree]) {
        const before = await stateOf(world, wallet);
        let salt = 0n;
        for (const call of [
          walletCall(wallet, "enrollSigner", [keys.outsider]),
          walletCall(wallet, "unregisterSigner", [keys.carol]),
          walletCall(wallet, "setSigningThreshold", [1n]),
          walletCall(wallet, "handToKeySet", [[keys.outsider], 1n]),
          walletCall(wallet, "changeOwner", [outsider.address]),
          walletCall(wallet, "execute", [[pingCall(world)]]),
        ]) {
          const { intent, id } = await keyIntent(world, wallet, {
            calls: [pingCall(world), call],
            salt: salt++,
          });
          await expect(
            wallet.wallet
              .connect(relayer)
              .relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
          )
            .to.be.revertedWithCustomError(wallet.wallet, "IntentTargetForbidden")
            .withArgs(id, wallet.address);
          expect(await wallet.wallet.intentStatus(id)).to.equal(IntentStatus.None);
        }
        expect(await stateOf(world, wallet)).to.deep.equal(before);
        // The module itself authorizes a ping.
        const { intent, id } = await keyIntent(world, wallet, {
          calls: [pingCall(world)],
          salt: 99n,
        });
        await expect(
          wallet.wallet
            .connect(relayer)
            .relay(intent, toModuleSignature(validatorAddress, AUTHORIZE)),
        )
          .to.emit(wallet.wallet, "IntentRelayed")
          .withArgs(id, relayer.address, true);
      }
    });
  });

  describe("ERC-1271 and isOwnerAuthorized", function () {
    const HASH = keccakText("an app's order or permit");

    it("isValidSignature answers valid only at the threshold, over replaySafeHash(hash)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, carol, outsider, multisig } = world;
      const digest = await multisig.wallet.replaySafeHash(HASH);
      expect(digest).to.not.equal(HASH);
      const sign = (...signers: (typeof alice)[]) =>
        encodeKeySignatures(signers.map((signer) => secp256k1Entry(signer, digest)));

      expect(await multisig.wallet.isValidSignature(HASH, sign(alice, bob))).to.equal(
        ERC1271_VALID,
      );
      expect(await multisig.wallet.isValidSignature(HASH, sign(carol, alice))).to.equal(
        ERC1271_VALID,
      );
      expect(await multisig.wallet.isValidSignature(HASH, sign(alice, bob, carol))).to.equal(
        ERC1271_VALID,
      );
      for (const [what, signature] of [
        ["one key", sign(alice)],
        ["one key twice", sign(bob, bob)],
        ["a key and a stranger", sign(alice, outsider)],
        ["nothing", "0x"],
        ["the relay kind byte before the entries", concat(["0x02", sign(alice, bob)])],
      ] as const) {
        expect(await multisig.wallet.isValidSignature(HASH, signature), what).to.equal(
          ERC1271_INVALID,
        );
      }
    });

    it("a raw signature of hash itself is refused, even by the whole set", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, carol, passkey, keys, multisig, passkeyWallet } = world;
      const raw = encodeKeySignatures(
        [alice, bob, carol].map((signer) => secp256k1Entry(signer, HASH)),
      );
      expect(await multisig.wallet.isValidSignature(HASH, raw)).to.equal(ERC1271_INVALID);
      const rawPasskey = encodeKeySignatures([passkeyEntry(passkey, keys.passkey, HASH)]);
      expect(await passkeyWallet.wallet.isValidSignature(HASH, rawPasskey)).to.equal(
        ERC1271_INVALID,
      );
    });

    it("replay-safe: entries for wallet A's replaySafeHash don't validate on wallet B with the same keys", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, passkey, keys, multisig, passkeyWallet } = world;
      const twin = await createKeySetWallet(world, multisig.keys, multisig.threshold, 7n);
      const passkeyTwin = await createKeySetWallet(world, passkeyWallet.keys, 1n, 7n);

      const forMultisig = await multisig.wallet.replaySafeHash(HASH);
      expect(await twin.wallet.replaySafeHash(HASH)).to.not.equal(forMultisig);
      const entries = encodeKeySignatures([
        secp256k1Entry(alice, forMultisig),
        secp256k1Entry(bob, forMultisig),
      ]);
      expect(await multisig.wallet.isValidSignature(HASH, entries)).to.equal(ERC1271_VALID);
      expect(await twin.wallet.isValidSignature(HASH, entries)).to.equal(ERC1271_INVALID);

      const forPasskeyWallet = await passkeyWallet.wallet.replaySafeHash(HASH);
      const passkeyEntries = encodeKeySignatures([
        passkeyEntry(passkey, keys.passkey, forPasskeyWallet),
      ]);
      expect(await passkeyWallet.wallet.isValidSignature(HASH, passkeyEntries)).to.equal(
        ERC1271_VALID,
      );
      expect(await passkeyTwin.wallet.isValidSignature(HASH, passkeyEntries)).to.equal(
        ERC1271_INVALID,
      );
    });

    it("every kind of key signs messages: passkey, P-256, contract key, mixed at its threshold", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const {
        alice,
        dave,
        passkey,
        p256Signer,
        keys,
        passkeyWallet,
        p256Wallet,
        contractWallet,
        mixedWallet,
      } = world;
      const digestOf = (wallet: { wallet: IntentWallet }) => wallet.wallet.replaySafeHash(HASH);

      const passkeyDigest = await digestOf(passkeyWallet);
      expect(
        await passkeyWallet.wallet.isValidSignature(
          HASH,
          encodeKeySignatures([passkeyEntry(passkey, keys.passkey, passkeyDigest)]),
        ),
      ).to.equal(ERC1271_VALID);
      const p256Digest = await digestOf(p256Wallet);
      expect(
        await p256Wallet.wallet.isValidSignature(
          HASH,
          encodeKeySignatures([p256Entry(p256Signer, keys.p256, p256Digest)]),
        ),
      ).to.equal(ERC1271_VALID);
      const contractDigest = await digestOf(contractWallet);
      expect(
        await contractWallet.wallet.isValidSignature(
          HASH,
          encodeKeySignatures([addressEntry(keys.contract, dave, contractDigest)]),
        ),
      ).to.equal(ERC1271_VALID);
      const mixedDigest = await digestOf(mixedWallet);
      const mixedPasskey = passkeyEntry(passkey, keys.passkey, mixedDigest);
      expect(
        await mixedWallet.wallet.isValidSignature(
          HASH,
          encodeKeySignatures([mixedPasskey, secp256k1Entry(alice, mixedDigest)]),
        ),
      ).to.equal(ERC1271_VALID);
      expect(
        await mixedWallet.wallet.isValidSignature(HASH, encodeKeySignatures([mixedPasskey])),
      ).to.equal(ERC1271_INVALID);
    });

    it("isOwnerAuthorized judges the digest itself, at the threshold, and never a module's word", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const {
        alice,
        bob,
        passkey,
        keys,
        multisig,
        passkeyWallet,
        implementation,
        validatorAddress,
      } = world;
      const digest = keccakText("a session ID, say");
      const entries = (...signers: (typeof alice)[]) =>
        encodeKeySignatures(signers.map((signer) => secp256k1Entry(signer, digest)));

      expect(await multisig.wallet.isOwnerAuthorized(digest, entries(alice, bob))).to.equal(true);
      expect(await multisig.wallet.isOwnerAuthorized(digest, entries(bob))).to.equal(false);
      expect(
        await multisig.wallet.isOwnerAuthorized(
          digest,
          toKeySetSignature([secp256k1Entry(alice, digest), secp256k1Entry(bob, digest)]),
        ),
      ).to.equal(false);
      expect(
        await multisig.wallet.isOwnerAuthorized(
          digest,
          toModuleSignature(validatorAddress, AUTHORIZE),
        ),
      ).to.equal(false);
      // Not the replay-safe hash: entries of replaySafeHash(digest) are another digest's.
      const safe = await multisig.wallet.replaySafeHash(digest);
      expect(
        await multisig.wallet.isOwnerAuthorized(
          digest,
          encodeKeySignatures([secp256k1Entry(alice, safe), secp256k1Entry(bob, safe)]),
        ),
      ).to.equal(false);
      expect(
        await passkeyWallet.wallet.isOwnerAuthorized(
          digest,
          encodeKeySignatures([passkeyEntry(passkey, keys.passkey, digest)]),
        ),
      ).to.equal(true);
      expect(await implementation.isOwnerAuthorized(digest, entries(alice, bob))).to.equal(false);
    });
  });
});

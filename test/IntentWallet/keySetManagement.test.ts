import { expect } from "chai";
import { Wallet, ZeroAddress, concat, toBeHex, zeroPadValue } from "ethers";
import { network } from "hardhat";

import { addressKey, signIntent } from "../../src/sdk/index.js";
import {
  holdsKey,
  IntentStatus,
  createKeySetWallet,
  deployKeySetWorld,
  keyIntent,
  passkeyEntry,
  pingCall,
  relayWithKeys,
  secp256k1Entry,
  snapshotOf,
  walletCall,
  type KeySetWallet,
} from "../helpers/keySetFixture.js";

const { ethers, networkHelpers } = await network.create();

/*
 * Managing a key set: through intents the current set signs, and by direct calls of whoever may
 * act alone (the one owner, a key of a threshold-1 set). A wallet of one address moves to a key
 * set on its first key change; `handToKeySet` replaces everything; `changeOwner` empties the set.
 * Each refusal has its own error and changes nothing.
 */
describe("IntentWallet key-set management", function () {
  /** The key-set world, plus a 1-of-3 of alice, bob and carol whose keys may call it directly. */
  async function fixture() {
    const world = await deployKeySetWorld(ethers);
    const { keys } = world;
    const oneOfThree = await createKeySetWallet(world, [keys.alice, keys.bob, keys.carol], 1n);
    return { ...world, oneOfThree };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** Relays an intent of `calls` on the 2-of-3 multisig, signed by alice and bob. */
  async function multisigRelays(world: World, method: string, args: unknown[] = [], salt = 0n) {
    const { alice, bob, multisig } = world;
    const { intent, id } = await keyIntent(world, multisig, {
      calls: [walletCall(multisig, method, args)],
      salt,
    });
    const tx = relayWithKeys(world, multisig, intent, [
      secp256k1Entry(alice, id),
      secp256k1Entry(bob, id),
    ]);
    return { tx, id };
  }

  /** The key set of `wallet`, keys sorted, with its threshold. */
  async function keySetOf(wallet: Pick<KeySetWallet, "wallet">) {
    const [keys, threshold] = await wallet.wallet.listKeys();
    return { keys: [...keys].sort(), threshold };
  }

  /** Expects a ping on `wallet` signed by `entries` to relay. */
  async function expectPingRelays(
    world: World,
    wallet: Pick<KeySetWallet, "wallet" | "address">,
    sign: (id: string) => Parameters<typeof relayWithKeys>[3],
    salt = 100n,
  ) {
    const { intent, id } = await keyIntent(world, wallet, { calls: [pingCall(world)], salt });
    await expect(relayWithKeys(world, wallet, intent, sign(id)))
      .to.emit(wallet.wallet, "IntentRelayed")
      .withArgs(id, world.relayer.address, true);
  }

  describe("a wallet of one address moving to a key set", function () {
    it("enrollSigner by the owner makes the set {owner, key} with threshold 1, events in order", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, keys, soloWallet } = world;
      expect(await soloWallet.wallet.owner()).to.equal(alice.address);
      expect(await keySetOf(soloWallet)).to.deep.equal({ keys: [keys.alice], threshold: 1n });

      const tx = soloWallet.wallet.connect(alice).enrollSigner(keys.passkey);
      await expect(tx).to.emit(soloWallet.wallet, "OwnerKeyAdded").withArgs(keys.alice);
      await expect(tx).to.emit(soloWallet.wallet, "OwnerThresholdChanged").withArgs(1n);
      await expect(tx).to.emit(soloWallet.wallet, "OwnerKeyAdded").withArgs(keys.passkey);
      const receipt = await (await tx).wait();
      const names = receipt!.logs.map((log) => soloWallet.wallet.interface.parseLog(log)?.name);
      expect(names).to.deep.equal(["OwnerKeyAdded", "OwnerThresholdChanged", "OwnerKeyAdded"]);

      expect(await keySetOf(soloWallet)).to.deep.equal({
        keys: [keys.alice, keys.passkey].sort(),
        threshold: 1n,
      });
      expect(await soloWallet.wallet.owner()).to.equal(ZeroAddress);
      expect(await holdsKey(soloWallet.wallet, keys.alice)).to.equal(true);
      expect(await holdsKey(soloWallet.wallet, keys.passkey)).to.equal(true);
    });

    it("then the owner-kind (0x00) signature stops working and 0x02 works, for either key", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, chainId, passkey, keys, soloWallet, relayer } = world;
      await soloWallet.wallet.connect(alice).enrollSigner(keys.passkey);

      const { intent, id } = await keyIntent(world, soloWallet, { calls: [pingCall(world)] });
      const ownerSigned = await signIntent({
        signer: alice,
        intent,
        wallet: soloWallet.address,
        chainId,
      });
      expect(ownerSigned.id).to.equal(id);
      await expect(soloWallet.wallet.connect(relayer).relay(intent, ownerSigned.signature))
        .to.be.revertedWithCustomError(soloWallet.wallet, "IntentInvalidSignature")
        .withArgs(id);
      expect(await soloWallet.wallet.intentStatus(id)).to.equal(IntentStatus.None);

      await expectPingRelays(world, soloWallet, (digest) => [secp256k1Entry(alice, digest)], 1n);
      await expectPingRelays(
        world,
        soloWallet,
        (digest) => [passkeyEntry(passkey, keys.passkey, digest)],
        2n,
      );
    });

    it("moves through an owner-signed intent as well (the wallet calling enrollSigner)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, chainId, keys, soloWallet, relayer } = world;
      const { intent } = await keyIntent(world, soloWallet, {
        calls: [walletCall(soloWallet, "enrollSigner", [keys.bob])],
      });
      const signed = await signIntent({
        signer: alice,
        intent,
        wallet: soloWallet.address,
        chainId,
      });
      const tx = soloWallet.wallet.connect(relayer).relay(intent, signed.signature);
      await expect(tx).to.emit(soloWallet.wallet, "OwnerKeyAdded").withArgs(keys.alice);
      await expect(tx).to.emit(soloWallet.wallet, "OwnerKeyAdded").withArgs(keys.bob);
      await expect(tx)
        .to.emit(soloWallet.wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
      expect(await keySetOf(soloWallet)).to.deep.equal({
        keys: [keys.alice, keys.bob].sort(),
        threshold: 1n,
      });
      await expectPingRelays(world, soloWallet, (digest) => [secp256k1Entry(bob, digest)]);
    });

    it("setSigningThreshold or unregisterSigner on a wallet of one address move it first, then check", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, keys, soloWallet } = world;
      // {alice} with threshold 2: refused, and the move is undone with it.
      await expect(soloWallet.wallet.connect(alice).setSigningThreshold(2n))
        .to.be.revertedWithCustomError(soloWallet.wallet, "WalletInvalidThreshold")
        .withArgs(2n, 1n);
      // Removing the one owner would leave no key.
      await expect(soloWallet.wallet.connect(alice).unregisterSigner(keys.alice))
        .to.be.revertedWithCustomError(soloWallet.wallet, "WalletInvalidThreshold")
        .withArgs(1n, 0n);
      await expect(soloWallet.wallet.connect(alice).unregisterSigner(keys.bob))
        .to.be.revertedWithCustomError(soloWallet.wallet, "WalletKeyNotFound")
        .withArgs(keys.bob);
      expect(await soloWallet.wallet.owner()).to.equal(alice.address);

      // Threshold 1 of {alice}: a move with nothing else changed.
      await expect(soloWallet.wallet.connect(alice).setSigningThreshold(1n))
        .to.emit(soloWallet.wallet, "OwnerKeyAdded")
        .withArgs(keys.alice);
      expect(await soloWallet.wallet.owner()).to.equal(ZeroAddress);
      expect(await keySetOf(soloWallet)).to.deep.equal({ keys: [keys.alice], threshold: 1n });
    });

    it("a wallet whose owner changeOwner set moves with that owner", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, keys, soloWallet } = world;
      await soloWallet.wallet.connect(alice).changeOwner(bob.address);
      await expect(soloWallet.wallet.connect(bob).enrollSigner(keys.carol))
        .to.emit(soloWallet.wallet, "OwnerKeyAdded")
        .withArgs(keys.bob);
      expect(await keySetOf(soloWallet)).to.deep.equal({
        keys: [keys.bob, keys.carol].sort(),
        threshold: 1n,
      });
      expect(await holdsKey(soloWallet.wallet, keys.alice)).to.equal(false);
    });
  });

  describe("changes signed by the set (2 of 3)", function () {
    it("enrollSigner adds a key that can sign from then on", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, passkey, keys, multisig } = world;
      const { tx } = await multisigRelays(world, "enrollSigner", [keys.passkey]);
      await expect(tx).to.emit(multisig.wallet, "OwnerKeyAdded").withArgs(keys.passkey);
      expect(await keySetOf(multisig)).to.deep.equal({
        keys: [keys.alice, keys.bob, keys.carol, keys.passkey].sort(),
        threshold: 2n,
      });
      await expectPingRelays(world, multisig, (id) => [
        passkeyEntry(passkey, keys.passkey, id),
        secp256k1Entry(alice, id),
      ]);
    });

    it("unregisterSigner removes a key: its signatures no longer count", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, carol, keys, multisig } = world;
      const { tx } = await multisigRelays(world, "unregisterSigner", [keys.carol]);
      await expect(tx).to.emit(multisig.wallet, "OwnerKeyRemoved").withArgs(keys.carol);
      expect(await keySetOf(multisig)).to.deep.equal({
        keys: [keys.alice, keys.bob].sort(),
        threshold: 2n,
      });
      expect(await holdsKey(multisig.wallet, keys.carol)).to.equal(false);

      const { intent, id } = await keyIntent(world, multisig, { calls: [pingCall(world)] });
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(carol, id),
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
        .withArgs(id, keys.carol);
    });

    it("setSigningThreshold raises the threshold: two keys are no longer enough", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, carol, multisig } = world;
      const { tx } = await multisigRelays(world, "setSigningThreshold", [3n]);
      await expect(tx).to.emit(multisig.wallet, "OwnerThresholdChanged").withArgs(3n);
      expect((await keySetOf(multisig)).threshold).to.equal(3n);

      const { intent, id } = await keyIntent(world, multisig, { calls: [pingCall(world)] });
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(bob, id),
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentBelowThreshold")
        .withArgs(id, 2n, 3n);
      await expectPingRelays(world, multisig, (digest) => [
        secp256k1Entry(bob, digest),
        secp256k1Entry(carol, digest),
        secp256k1Entry(alice, digest),
      ]);
    });

    it("handToKeySet replaces every key and the threshold: the old keys can't sign afterwards", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, dave, passkey, keys, multisig } = world;
      const { tx } = await multisigRelays(world, "handToKeySet", [[keys.passkey, keys.dave], 1n]);
      for (const key of [keys.alice, keys.bob, keys.carol]) {
        await expect(tx).to.emit(multisig.wallet, "OwnerKeyRemoved").withArgs(key);
      }
      await expect(tx).to.emit(multisig.wallet, "OwnerKeyAdded").withArgs(keys.passkey);
      await expect(tx).to.emit(multisig.wallet, "OwnerKeyAdded").withArgs(keys.dave);
      await expect(tx).to.emit(multisig.wallet, "OwnerThresholdChanged").withArgs(1n);
      expect(await keySetOf(multisig)).to.deep.equal({
        keys: [keys.passkey, keys.dave].sort(),
        threshold: 1n,
      });

      const { intent, id } = await keyIntent(world, multisig, { calls: [pingCall(world)] });
      for (const [signer, entries] of [
        [alice, [secp256k1Entry(alice, id), secp256k1Entry(bob, id)]],
        [bob, [secp256k1Entry(bob, id)]],
      ] as const) {
        await expect(relayWithKeys(world, multisig, intent, [...entries]))
          .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
          .withArgs(id, addressKey(signer.address));
      }
      // Nor directly: alice was a key, she is none now.
      await expect(multisig.wallet.connect(alice).execute([pingCall(world)]))
        .to.be.revertedWithCustomError(multisig.wallet, "WalletUnauthorized")
        .withArgs(alice.address);
      await expectPingRelays(world, multisig, (digest) => [secp256k1Entry(dave, digest)], 1n);
      await expectPingRelays(
        world,
        multisig,
        (digest) => [passkeyEntry(passkey, keys.passkey, digest)],
        2n,
      );
    });

    it("changeOwner empties the set: ownerKeys is the new owner and 1, the old keys are refused", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, outsider, chainId, keys, multisig, relayer } = world;
      const { tx } = await multisigRelays(world, "changeOwner", [outsider.address]);
      for (const key of [keys.alice, keys.bob, keys.carol]) {
        await expect(tx).to.emit(multisig.wallet, "OwnerKeyRemoved").withArgs(key);
      }
      await expect(tx)
        .to.emit(multisig.wallet, "OwnerChanged")
        .withArgs(ZeroAddress, outsider.address);
      expect(await multisig.wallet.owner()).to.equal(outsider.address);
      expect(await keySetOf(multisig)).to.deep.equal({ keys: [keys.outsider], threshold: 1n });
      for (const key of [keys.alice, keys.bob, keys.carol]) {
        expect(await holdsKey(multisig.wallet, key)).to.equal(false);
      }

      // The old keys: refused in the key-set kind (no key set any more) ...
      const { intent, id } = await keyIntent(world, multisig, { calls: [pingCall(world)] });
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(bob, id),
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentInvalidSignature")
        .withArgs(id);
      // ... and as owner.
      const asOwner = await signIntent({
        signer: alice,
        intent,
        wallet: multisig.address,
        chainId,
      });
      await expect(multisig.wallet.connect(relayer).relay(intent, asOwner.signature))
        .to.be.revertedWithCustomError(multisig.wallet, "IntentInvalidSignature")
        .withArgs(id);
      expect(await multisig.wallet.intentStatus(id)).to.equal(IntentStatus.None);

      // The new owner signs as an owner.
      const signed = await signIntent({
        signer: outsider,
        intent,
        wallet: multisig.address,
        chainId,
      });
      await expect(multisig.wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(multisig.wallet, "IntentRelayed")
        .withArgs(id, relayer.address, true);
    });

    it("a refused change inside a set-signed intent fails the intent and changes nothing", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { multisig } = world;
      const before = await keySetOf(multisig);
      const { tx, id } = await multisigRelays(world, "setSigningThreshold", [4n]);
      const reason = multisig.wallet.interface.encodeErrorResult("WalletCallReverted", [
        0n,
        multisig.wallet.interface.encodeErrorResult("WalletInvalidThreshold", [4n, 3n]),
      ]);
      await expect(tx).to.emit(multisig.wallet, "IntentFailed").withArgs(id, reason);
      expect(await multisig.wallet.intentStatus(id)).to.equal(IntentStatus.Failed);
      expect(await keySetOf(multisig)).to.deep.equal(before);
    });
  });

  describe("refusals (direct calls by a key of a 1-of-3 set)", function () {
    /** Expects `call` to revert with the wallet's `error(args)` and the set to be as it was. */
    async function expectRefused(
      world: World,
      call: (wallet: World["oneOfThree"]["wallet"]) => Promise<unknown>,
      error: string,
      args: unknown[],
    ) {
      const { oneOfThree } = world;
      const before = await snapshotOf(world, oneOfThree);
      await expect(call(oneOfThree.wallet.connect(world.bob)))
        .to.be.revertedWithCustomError(oneOfThree.wallet, error)
        .withArgs(...args);
      expect(await snapshotOf(world, oneOfThree)).to.deep.equal(before);
    }

    it("WalletInvalidKey: 19 bytes, the zero address, the wallet itself", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { oneOfThree, keys } = world;
      const nineteen = keys.dave.slice(0, 40);
      const zero = zeroPadValue("0x", 20);
      const itself = oneOfThree.address.toLowerCase();
      for (const key of ["0x", nineteen, zero, itself]) {
        await expectRefused(world, (wallet) => wallet.enrollSigner(key), "WalletInvalidKey", [key]);
        await expectRefused(
          world,
          (wallet) => wallet.handToKeySet([keys.alice, key], 1n),
          "WalletInvalidKey",
          [key],
        );
      }
    });

    it("WalletInvalidKey: a P-256 key off the curve, or not 64 bytes, naming either verifier", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { verifiers, passkey } = world;
      const { x, y } = passkey.publicKey;
      for (const verifier of [verifiers.p256, verifiers.webAuthn]) {
        const offCurve = concat([verifier, toBeHex(x, 32), toBeHex(y + 1n, 32)]).toLowerCase();
        const zeroPoint = concat([verifier, toBeHex(0, 32), toBeHex(0, 32)]).toLowerCase();
        const short = concat([verifier, toBeHex(x, 32)]).toLowerCase();
        const long = concat([verifier, toBeHex(x, 32), toBeHex(y, 32), "0x00"]).toLowerCase();
        for (const key of [offCurve, zeroPoint, short, long]) {
          await expectRefused(world, (wallet) => wallet.enrollSigner(key), "WalletInvalidKey", [
            key,
          ]);
        }
      }
    });

    it("WalletInvalidKey: a key naming an address without code, or longer than 1,044 bytes", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { oneOfThree, passkey, targetAddress, outsider } = world;
      const maxLength = 1044; // the wallet's longest key: a verifier and 1,024 bytes
      expect(maxLength).to.equal(20 + 1024);
      const point = concat([toBeHex(passkey.publicKey.x, 32), toBeHex(passkey.publicKey.y, 32)]);
      const noCode = concat([outsider.address, point]).toLowerCase();
      const tooLong = concat([targetAddress, new Uint8Array(maxLength - 19)]).toLowerCase();
      for (const key of [noCode, tooLong]) {
        await expectRefused(world, (wallet) => wallet.enrollSigner(key), "WalletInvalidKey", [key]);
      }
      // At the limit, naming a contract (not one of the deployment's verifiers): accepted.
      const longest = concat([targetAddress, new Uint8Array(maxLength - 20)]).toLowerCase();
      await expect(oneOfThree.wallet.connect(world.bob).enrollSigner(longest))
        .to.emit(oneOfThree.wallet, "OwnerKeyAdded")
        .withArgs(longest);
    });

    it("WalletKeyAlreadyAdded: a key of the set, by enrollSigner or twice in handToKeySet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { keys } = world;
      await expectRefused(
        world,
        (wallet) => wallet.enrollSigner(keys.carol),
        "WalletKeyAlreadyAdded",
        [keys.carol],
      );
      await expectRefused(
        world,
        (wallet) => wallet.handToKeySet([keys.passkey, keys.dave, keys.passkey], 1n),
        "WalletKeyAlreadyAdded",
        [keys.passkey],
      );
    });

    it("WalletKeyNotFound: removing a key not in the set", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { keys } = world;
      for (const key of [keys.outsider, keys.passkey, keys.contract]) {
        await expectRefused(world, (wallet) => wallet.unregisterSigner(key), "WalletKeyNotFound", [
          key,
        ]);
      }
    });

    it("WalletInvalidThreshold: 0, above the key count, by setSigningThreshold or handToKeySet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { keys } = world;
      await expectRefused(
        world,
        (wallet) => wallet.setSigningThreshold(0n),
        "WalletInvalidThreshold",
        [0n, 3n],
      );
      await expectRefused(
        world,
        (wallet) => wallet.setSigningThreshold(4n),
        "WalletInvalidThreshold",
        [4n, 3n],
      );
      await expectRefused(
        world,
        (wallet) => wallet.setSigningThreshold(2n ** 255n),
        "WalletInvalidThreshold",
        [2n ** 255n, 3n],
      );
      await expectRefused(
        world,
        (wallet) => wallet.handToKeySet([keys.alice, keys.passkey], 3n),
        "WalletInvalidThreshold",
        [3n, 2n],
      );
      await expectRefused(
        world,
        (wallet) => wallet.handToKeySet([keys.alice, keys.passkey], 0n),
        "WalletInvalidThreshold",
        [0n, 2n],
      );
      await expectRefused(
        world,
        (wallet) => wallet.handToKeySet([], 0n),
        "WalletInvalidThreshold",
        [0n, 0n],
      );
      await expectRefused(
        world,
        (wallet) => wallet.handToKeySet([], 1n),
        "WalletInvalidThreshold",
        [1n, 0n],
      );
    });

    it("WalletInvalidThreshold: removing a key that would leave fewer keys than the threshold, or the last", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { bob, keys, oneOfThree, multisig, passkeyWallet, passkey, alice } = world;
      // The 2-of-3 can lose one key, not two.
      const first = await keyIntent(world, multisig, {
        calls: [walletCall(multisig, "unregisterSigner", [keys.carol])],
      });
      await relayWithKeys(world, multisig, first.intent, [
        secp256k1Entry(alice, first.id),
        secp256k1Entry(bob, first.id),
      ]);
      const second = await keyIntent(world, multisig, {
        calls: [walletCall(multisig, "unregisterSigner", [keys.bob])],
      });
      const reason = multisig.wallet.interface.encodeErrorResult("WalletCallReverted", [
        0n,
        multisig.wallet.interface.encodeErrorResult("WalletInvalidThreshold", [2n, 1n]),
      ]);
      await expect(
        relayWithKeys(world, multisig, second.intent, [
          secp256k1Entry(alice, second.id),
          secp256k1Entry(bob, second.id),
        ]),
      )
        .to.emit(multisig.wallet, "IntentFailed")
        .withArgs(second.id, reason);
      expect(await keySetOf(multisig)).to.deep.equal({
        keys: [keys.alice, keys.bob].sort(),
        threshold: 2n,
      });

      // The 1-of-3, directly: two keys go, the last stays.
      await oneOfThree.wallet.connect(bob).unregisterSigner(keys.alice);
      await oneOfThree.wallet.connect(bob).unregisterSigner(keys.carol);
      await expectRefused(
        world,
        (wallet) => wallet.unregisterSigner(keys.bob),
        "WalletInvalidThreshold",
        [1n, 0n],
      );
      expect(await keySetOf(oneOfThree)).to.deep.equal({ keys: [keys.bob], threshold: 1n });

      // The passkey's wallet, through its one key's intent.
      const last = await keyIntent(world, passkeyWallet, {
        calls: [walletCall(passkeyWallet, "unregisterSigner", [keys.passkey])],
      });
      const lastReason = passkeyWallet.wallet.interface.encodeErrorResult("WalletCallReverted", [
        0n,
        passkeyWallet.wallet.interface.encodeErrorResult("WalletInvalidThreshold", [1n, 0n]),
      ]);
      await expect(
        relayWithKeys(world, passkeyWallet, last.intent, [
          passkeyEntry(passkey, keys.passkey, last.id),
        ]),
      )
        .to.emit(passkeyWallet.wallet, "IntentFailed")
        .withArgs(last.id, lastReason);
      expect(await keySetOf(passkeyWallet)).to.deep.equal({ keys: [keys.passkey], threshold: 1n });
    });

    it("WalletTooManyKeys: the 33rd key, by enrollSigner or handToKeySet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { oneOfThree, bob, keys } = world;

      const more = Array.from({ length: 30 }, (_, index) =>
        addressKey(new Wallet(ethers.id(`extra key ${index}`)).address),
      );
      for (const key of more.slice(0, 28)) await oneOfThree.wallet.connect(bob).enrollSigner(key);
      // 32 keys: the last one fits.
      await oneOfThree.wallet.connect(bob).enrollSigner(more[28]);
      expect((await oneOfThree.wallet.listKeys())[0]).to.have.length(32);

      await expectRefused(
        world,
        (wallet) => wallet.enrollSigner(keys.passkey),
        "WalletTooManyKeys",
        [32n],
      );
      const thirtyThree = [keys.alice, keys.bob, keys.carol, ...more];
      expect(thirtyThree).to.have.length(33);
      await expectRefused(
        world,
        (wallet) => wallet.handToKeySet(thirtyThree, 1n),
        "WalletTooManyKeys",
        [32n],
      );
      // Even a key already in the set: the count is checked first.
      await expectRefused(world, (wallet) => wallet.enrollSigner(keys.alice), "WalletTooManyKeys", [
        32n,
      ]);
    });
  });
});

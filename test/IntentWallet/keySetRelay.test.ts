import { expect } from "chai";
import { secp256k1 } from "@noble/curves/secp256k1";
import {
  computeAddress,
  concat,
  dataLength,
  dataSlice,
  getBytes,
  recoverAddress,
  Signature,
  toBeHex,
  Wallet,
  type BaseWallet,
} from "ethers";
import { network } from "hardhat";

import {
  addressKey,
  encodeKeySignatures,
  KEY_SET_SIGNATURE_KIND,
  signIntent,
  toKeySetSignature,
  type KeySignature,
} from "../../src/sdk/index.js";
import {
  IntentStatus,
  addressEntry,
  createKeySetWallet,
  deployKeySetWorld,
  expectNothingChanged,
  handEncodedWebAuthn,
  keyIntent,
  p256Entry,
  passkeyEntry,
  pingCall,
  relayPackedFrom,
  relayWithKeys,
  secp256k1Entry,
  snapshotOf,
  transferCall,
  walletCall,
  type KeySetWallet,
  type KeySetWorld,
} from "../helpers/keySetFixture.js";

const { ethers, networkHelpers } = await network.create();

/** secp256k1's group order: `s` above half of it is a malleable signature. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/*
 * Relays signed by a wallet's key set (`0x02 ‖ entries`): every refusal has its own error, names
 * the key it is about, and leaves the intent unrelayed and the wallet untouched; every kind of key
 * signs alone or with others, in any order, through `relay` and `relayPacked`.
 */
describe("IntentWallet relays signed by a key set", function () {
  const fixture = () => deployKeySetWorld(ethers);

  /** A ping intent for `wallet` (`salt` makes another one), its ID and the wallet's state before. */
  async function pingIntent(world: KeySetWorld, wallet: KeySetWallet, salt = 0n) {
    const { intent, id } = await keyIntent(world, wallet, { calls: [pingCall(world)], salt });
    return { intent, id, before: await snapshotOf(world, wallet) };
  }

  /** Expects `entries` for intent `id` on `wallet` to relay `intent` successfully. */
  async function expectRelayed(
    world: KeySetWorld,
    wallet: KeySetWallet,
    { intent, id }: { intent: Parameters<typeof relayWithKeys>[2]; id: string },
    entries: KeySignature[],
  ) {
    const pings = await world.target.pings();
    await expect(relayWithKeys(world, wallet, intent, entries))
      .to.emit(wallet.wallet, "IntentRelayed")
      .withArgs(id, world.relayer.address, true);
    expect(await wallet.wallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
    expect(await world.target.pings()).to.equal(pings + 1n);
  }

  describe("accepted", function () {
    it("computes the same intent ID off-chain as the key-set wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { intent, id } = await pingIntent(world, world.multisig);
      expect(await world.multisig.wallet.intentId(intent)).to.equal(id);
    });

    it("2 of 3 secp256k1 keys, in any order and any pair", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, carol, multisig } = world;
      const pairs: Array<[BaseWallet, BaseWallet]> = [
        [alice, bob],
        [bob, alice],
        [carol, alice],
        [bob, carol],
        [carol, bob],
      ];
      let salt = 0n;
      for (const [first, second] of pairs) {
        const signed = await pingIntent(world, multisig, salt++);
        await expectRelayed(world, multisig, signed, [
          secp256k1Entry(first, signed.id),
          secp256k1Entry(second, signed.id),
        ]);
      }
    });

    it("a secp256k1 key in the keyed form (its 20-byte key and 65-byte signature)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, keys, multisig } = world;
      const signed = await pingIntent(world, multisig);
      await expectRelayed(world, multisig, signed, [
        addressEntry(keys.alice, alice, signed.id),
        secp256k1Entry(bob, signed.id),
      ]);
    });

    it("all 3 keys of a 2-of-3 set: more signatures than the threshold, all valid", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, carol, multisig } = world;
      const signed = await pingIntent(world, multisig);
      await expectRelayed(world, multisig, signed, [
        secp256k1Entry(carol, signed.id),
        secp256k1Entry(alice, signed.id),
        secp256k1Entry(bob, signed.id),
      ]);
    });

    it("a passkey alone (WebAuthn, user present and verified)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { passkey, keys, passkeyWallet } = world;
      const signed = await pingIntent(world, passkeyWallet);
      await expectRelayed(world, passkeyWallet, signed, [
        passkeyEntry(passkey, keys.passkey, signed.id),
      ]);
    });

    it("a passkey whose authenticator data says backed up and eligible (flags 0x1d)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { passkey, keys, passkeyWallet } = world;
      const signed = await pingIntent(world, passkeyWallet);
      await expectRelayed(world, passkeyWallet, signed, [
        passkeyEntry(passkey, keys.passkey, signed.id, { flags: 0x1d }),
      ]);
    });

    it("a raw P-256 key (r ‖ s of the ID)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { p256Signer, keys, p256Wallet } = world;
      const signed = await pingIntent(world, p256Wallet);
      await expectRelayed(world, p256Wallet, signed, [p256Entry(p256Signer, keys.p256, signed.id)]);
    });

    it("an ERC-1271 contract key (its isValidSignature asked about the ID)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { dave, keys, contractWallet } = world;
      const signed = await pingIntent(world, contractWallet);
      await expectRelayed(world, contractWallet, signed, [
        addressEntry(keys.contract, dave, signed.id),
      ]);
    });

    it("a mixed 2-of-2, passkey and secp256k1, in both orders", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { passkey, alice, keys, mixedWallet } = world;
      const first = await pingIntent(world, mixedWallet, 1n);
      await expectRelayed(world, mixedWallet, first, [
        passkeyEntry(passkey, keys.passkey, first.id),
        secp256k1Entry(alice, first.id),
      ]);
      const second = await pingIntent(world, mixedWallet, 2n);
      await expectRelayed(world, mixedWallet, second, [
        secp256k1Entry(alice, second.id),
        passkeyEntry(passkey, keys.passkey, second.id),
      ]);
    });

    it("another key-set wallet as a contract key: its own entries over its replaySafeHash of the ID", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { bob, passkey, keys, passkeyWallet } = world;
      // The outer set: 2 of {the passkey's wallet (an ERC-1271 contract), bob}.
      const inner = passkeyWallet;
      const outer = await createKeySetWallet(world, [addressKey(inner.address), keys.bob], 2n);
      const signed = await pingIntent(world, outer);
      const innerDigest = await inner.wallet.replaySafeHash(signed.id);
      const innerSignature = encodeKeySignatures([
        passkeyEntry(passkey, keys.passkey, innerDigest),
      ]);
      await expectRelayed(world, outer, signed, [
        { key: addressKey(inner.address), signature: innerSignature },
        secp256k1Entry(bob, signed.id),
      ]);
      // The inner wallet's entries over the ID itself are refused: ERC-1271 is replay-safe.
      const second = await pingIntent(world, outer, 1n);
      await expect(
        relayWithKeys(world, outer, second.intent, [
          {
            key: addressKey(inner.address),
            signature: encodeKeySignatures([passkeyEntry(passkey, keys.passkey, second.id)]),
          },
          secp256k1Entry(bob, second.id),
        ]),
      )
        .to.be.revertedWithCustomError(outer.wallet, "IntentKeySignatureInvalid")
        .withArgs(second.id, addressKey(inner.address));
    });

    it("through relayPacked (encodeRelayPacked) as through relay: same ID, same checks", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, carol, passkey, keys, relayer, multisig, mixedWallet } = world;
      for (const [wallet, sign] of [
        [multisig, (id: string) => [secp256k1Entry(carol, id), secp256k1Entry(alice, id)]] as const,
        [
          mixedWallet,
          (id: string) => [passkeyEntry(passkey, keys.passkey, id), secp256k1Entry(alice, id)],
        ] as const,
      ]) {
        const { intent, id } = await pingIntent(world, wallet, 9n);
        const pings = await world.target.pings();
        await expect(relayPackedFrom(world, wallet, intent, toKeySetSignature(sign(id))))
          .to.emit(wallet.wallet, "IntentRelayed")
          .withArgs(id, relayer.address, true);
        expect(await wallet.wallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
        expect(await world.target.pings()).to.equal(pings + 1n);
      }
    });

    it("moves the wallet's tokens when the set signs a transfer", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, outsider, token, multisig } = world;
      const { intent, id } = await keyIntent(world, multisig, {
        calls: [transferCall(world, outsider.address, 5n)],
      });
      const before = await token.balanceOf(multisig.address);
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(bob, id),
        ]),
      ).to.changeTokenBalances(ethers, token, [multisig.address, outsider.address], [-5n, 5n]);
      expect(await token.balanceOf(multisig.address)).to.equal(before - 5n);
    });
  });

  describe("refused, the intent left unrelayed and the wallet untouched", function () {
    it("IntentKeyNotInSet: a secp256k1 entry recovering a stranger, named by the address it recovers", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, outsider, keys, multisig } = world;
      const { intent, id, before } = await pingIntent(world, multisig);

      for (const entries of [
        [secp256k1Entry(outsider, id), secp256k1Entry(alice, id)],
        [secp256k1Entry(alice, id), secp256k1Entry(outsider, id)],
      ]) {
        await expect(relayWithKeys(world, multisig, intent, entries))
          .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
          .withArgs(id, keys.outsider);
      }
      await expectNothingChanged(world, multisig, id, before);
    });

    it("IntentKeyNotInSet: a keyed entry naming a stranger's passkey, with its valid signature", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { strangerPasskey, keys, passkeyWallet } = world;
      const { intent, id, before } = await pingIntent(world, passkeyWallet);

      await expect(
        relayWithKeys(world, passkeyWallet, intent, [
          passkeyEntry(strangerPasskey, keys.strangerPasskey, id),
        ]),
      )
        .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeyNotInSet")
        .withArgs(id, keys.strangerPasskey);
      await expectNothingChanged(world, passkeyWallet, id, before);
    });

    it("IntentKeyNotInSet: the wallet's own passkey named under the P-256 verifier (another key)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { passkey, verifiers, passkeyWallet } = world;
      const { intent, id, before } = await pingIntent(world, passkeyWallet);
      const sameKeyOtherVerifier = concat([
        verifiers.p256,
        toBeHex(passkey.publicKey.x, 32),
        toBeHex(passkey.publicKey.y, 32),
      ]).toLowerCase();

      await expect(
        relayWithKeys(world, passkeyWallet, intent, [
          passkeyEntry(passkey, sameKeyOtherVerifier, id),
        ]),
      )
        .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeyNotInSet")
        .withArgs(id, sameKeyOtherVerifier);
      await expectNothingChanged(world, passkeyWallet, id, before);
    });

    it("IntentKeyRepeated: one key twice, in the same form or in both forms", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, keys, multisig } = world;
      const { intent, id, before } = await pingIntent(world, multisig);

      for (const entries of [
        [secp256k1Entry(alice, id), secp256k1Entry(alice, id)],
        [secp256k1Entry(alice, id), addressEntry(keys.alice, alice, id)],
        [addressEntry(keys.alice, alice, id), secp256k1Entry(bob, id), secp256k1Entry(alice, id)],
      ]) {
        await expect(relayWithKeys(world, multisig, intent, entries))
          .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyRepeated")
          .withArgs(id, keys.alice);
      }
      await expectNothingChanged(world, multisig, id, before);
    });

    it("IntentKeyRepeated: a passkey signing twice (two assertions) for a 2-of-2", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { passkey, keys, mixedWallet } = world;
      const { intent, id, before } = await pingIntent(world, mixedWallet);

      await expect(
        relayWithKeys(world, mixedWallet, intent, [
          passkeyEntry(passkey, keys.passkey, id),
          passkeyEntry(passkey, keys.passkey, id),
        ]),
      )
        .to.be.revertedWithCustomError(mixedWallet.wallet, "IntentKeyRepeated")
        .withArgs(id, keys.passkey);
      await expectNothingChanged(world, mixedWallet, id, before);
    });

    it("IntentBelowThreshold: one signature of a 2-of-3, or none, with the count and the threshold", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, carol, multisig } = world;
      const { intent, id, before } = await pingIntent(world, multisig);

      for (const signer of [alice, carol]) {
        await expect(relayWithKeys(world, multisig, intent, [secp256k1Entry(signer, id)]))
          .to.be.revertedWithCustomError(multisig.wallet, "IntentBelowThreshold")
          .withArgs(id, 1n, 2n);
      }
      // The kind byte alone: no entry at all.
      await expect(multisig.wallet.connect(world.relayer).relay(intent, KEY_SET_SIGNATURE_KIND))
        .to.be.revertedWithCustomError(multisig.wallet, "IntentBelowThreshold")
        .withArgs(id, 0n, 2n);
      await expectNothingChanged(world, multisig, id, before);
    });

    it("IntentBelowThreshold: the passkey alone on the mixed 2-of-2", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { passkey, keys, mixedWallet } = world;
      const { intent, id, before } = await pingIntent(world, mixedWallet);
      await expect(
        relayWithKeys(world, mixedWallet, intent, [passkeyEntry(passkey, keys.passkey, id)]),
      )
        .to.be.revertedWithCustomError(mixedWallet.wallet, "IntentBelowThreshold")
        .withArgs(id, 1n, 2n);
      await expectNothingChanged(world, mixedWallet, id, before);
    });

    it("refuses a valid quorum with one more entry that is bad: every entry must hold", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, outsider, keys, multisig } = world;
      const { intent, id, before } = await pingIntent(world, multisig);
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(bob, id),
          secp256k1Entry(outsider, id),
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
        .withArgs(id, keys.outsider);
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(bob, id),
          addressEntry(keys.carol, bob, id), // carol's key, bob's signature
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentKeySignatureInvalid")
        .withArgs(id, keys.carol);
      await expectNothingChanged(world, multisig, id, before);
    });

    describe("IntentKeySignatureInvalid, naming the key", function () {
      it("a raw P-256 signature of another digest", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { p256Signer, keys, p256Wallet } = world;
        const { intent, id, before } = await pingIntent(world, p256Wallet);
        await expect(
          relayWithKeys(world, p256Wallet, intent, [
            p256Entry(p256Signer, keys.p256, ethers.id("another digest")),
          ]),
        )
          .to.be.revertedWithCustomError(p256Wallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.p256);
        await expectNothingChanged(world, p256Wallet, id, before);
      });

      it("a raw P-256 signature with s in the upper half", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { p256Signer, keys, p256Wallet } = world;
        const { intent, id, before } = await pingIntent(world, p256Wallet);
        const good = p256Signer.sign(id);
        const r = good.slice(0, 66);
        const s = BigInt(`0x${good.slice(66)}`);
        const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
        const highS = concat([r, toBeHex(P256_N - s, 32)]);
        await expect(
          relayWithKeys(world, p256Wallet, intent, [{ key: keys.p256, signature: highS }]),
        )
          .to.be.revertedWithCustomError(p256Wallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.p256);
        await expectNothingChanged(world, p256Wallet, id, before);
      });

      it("a passkey that signed another challenge", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { passkey, keys, passkeyWallet } = world;
        const { intent, id, before } = await pingIntent(world, passkeyWallet);
        await expect(
          relayWithKeys(world, passkeyWallet, intent, [
            passkeyEntry(passkey, keys.passkey, id, { challenge: ethers.id("another challenge") }),
          ]),
        )
          .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.passkey);
        await expectNothingChanged(world, passkeyWallet, id, before);
      });

      it('a passkey assertion of type "webauthn.create"', async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { passkey, keys, passkeyWallet } = world;
        const { intent, id, before } = await pingIntent(world, passkeyWallet);
        const signature = handEncodedWebAuthn(passkey.assert(id, { type: "webauthn.create" }));
        await expect(
          relayWithKeys(world, passkeyWallet, intent, [{ key: keys.passkey, signature }]),
        )
          .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.passkey);
        await expectNothingChanged(world, passkeyWallet, id, before);
      });

      it("a passkey assertion without the user-present flag (flags 0x04)", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { passkey, keys, passkeyWallet } = world;
        const { intent, id, before } = await pingIntent(world, passkeyWallet);
        await expect(
          relayWithKeys(world, passkeyWallet, intent, [
            passkeyEntry(passkey, keys.passkey, id, { flags: 0x04 }),
          ]),
        )
          .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.passkey);
        await expectNothingChanged(world, passkeyWallet, id, before);
      });

      it("a passkey assertion without the user-verified flag (flags 0x01)", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { passkey, keys, passkeyWallet } = world;
        const { intent, id, before } = await pingIntent(world, passkeyWallet);
        await expect(
          relayWithKeys(world, passkeyWallet, intent, [
            passkeyEntry(passkey, keys.passkey, id, { flags: 0x01 }),
          ]),
        )
          .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.passkey);
        await expectNothingChanged(world, passkeyWallet, id, before);
      });

      it("a passkey assertion saying backed up but not backup-eligible (flags 0x15)", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { passkey, keys, passkeyWallet } = world;
        const { intent, id, before } = await pingIntent(world, passkeyWallet);
        await expect(
          relayWithKeys(world, passkeyWallet, intent, [
            passkeyEntry(passkey, keys.passkey, id, { flags: 0x15 }),
          ]),
        )
          .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.passkey);
        await expectNothingChanged(world, passkeyWallet, id, before);
      });

      it("a passkey assertion with s in the upper half (encoded by hand: the SDK lowers s)", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { passkey, keys, passkeyWallet } = world;
        const { intent, id, before } = await pingIntent(world, passkeyWallet);
        const assertion = passkey.assert(id);
        // The same assertion with the low s verifies: only the half of s differs.
        expect(
          await passkeyWallet.wallet.isOwnerAuthorized(
            id,
            encodeKeySignatures([{ key: keys.passkey, signature: handEncodedWebAuthn(assertion) }]),
          ),
        ).to.equal(true);
        const signature = handEncodedWebAuthn(assertion, { highS: true });
        await expect(
          relayWithKeys(world, passkeyWallet, intent, [{ key: keys.passkey, signature }]),
        )
          .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.passkey);
        await expectNothingChanged(world, passkeyWallet, id, before);
      });

      it("an ERC-1271 contract key whose contract refuses the signature", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { outsider, keys, contractWallet } = world;
        const { intent, id, before } = await pingIntent(world, contractWallet);
        await expect(
          relayWithKeys(world, contractWallet, intent, [addressEntry(keys.contract, outsider, id)]),
        )
          .to.be.revertedWithCustomError(contractWallet.wallet, "IntentKeySignatureInvalid")
          .withArgs(id, keys.contract);
        await expectNothingChanged(world, contractWallet, id, before);
      });

      it("a secp256k1 key in the keyed form with another key's signature, or empty", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { bob, keys, multisig } = world;
        const { intent, id, before } = await pingIntent(world, multisig);
        for (const aliceEntry of [
          addressEntry(keys.alice, bob, id),
          { key: keys.alice, signature: "0x" },
        ]) {
          await expect(
            relayWithKeys(world, multisig, intent, [aliceEntry, secp256k1Entry(bob, id)]),
          )
            .to.be.revertedWithCustomError(multisig.wallet, "IntentKeySignatureInvalid")
            .withArgs(id, keys.alice);
        }
        await expectNothingChanged(world, multisig, id, before);
      });
    });

    describe("IntentInvalidSignature: malformed entries", function () {
      /** Relays `intent` with the raw `signature` bytes on `wallet`, expecting IntentInvalidSignature(id). */
      async function expectMalformed(
        world: KeySetWorld,
        wallet: KeySetWallet,
        signed: { intent: Parameters<typeof relayWithKeys>[2]; id: string },
        signature: string,
        what: string,
      ) {
        await expect(wallet.wallet.connect(world.relayer).relay(signed.intent, signature), what)
          .to.be.revertedWithCustomError(wallet.wallet, "IntentInvalidSignature")
          .withArgs(signed.id);
      }

      it("an unknown entry kind, lengths past the end, a truncated secp256k1 entry", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { alice, bob, passkey, keys, multisig } = world;
        const signed = await pingIntent(world, multisig);
        const { id } = signed;
        const aliceEntry = encodeKeySignatures([secp256k1Entry(alice, id)]);
        const bobEntry = encodeKeySignatures([secp256k1Entry(bob, id)]);
        const keyed = encodeKeySignatures([passkeyEntry(passkey, keys.passkey, id)]);
        const keyLength = Number(dataSlice(keyed, 1, 3));
        const afterKey = 3 + keyLength;
        const cases: Array<[string, string]> = [
          [
            "an unknown kind (0x03) after a good entry",
            concat([aliceEntry, "0x03", dataSlice(bobEntry, 1)]),
          ],
          ["an unknown kind (0x02) first", concat(["0x02", dataSlice(bobEntry, 1), aliceEntry])],
          [
            "a truncated secp256k1 entry (65 bytes)",
            concat([aliceEntry, dataSlice(bobEntry, 0, 65)]),
          ],
          ["a secp256k1 entry kind alone", concat([aliceEntry, "0x00"])],
          ["a keyed entry kind alone", concat([aliceEntry, "0x01"])],
          ["a keyed entry cut in its key length", concat([aliceEntry, "0x0100"])],
          [
            "a keyed entry whose key length passes the end",
            concat([aliceEntry, "0x01", toBeHex(dataLength(keyed), 2), dataSlice(keyed, 3)]),
          ],
          [
            "a keyed entry cut in its signature length",
            concat([aliceEntry, dataSlice(keyed, 0, afterKey + 1)]),
          ],
          [
            "a keyed entry whose signature length passes the end",
            concat([aliceEntry, dataSlice(keyed, 0, afterKey), "0xffff", "0x00"]),
          ],
          [
            "a keyed entry cut in its signature",
            concat([aliceEntry, dataSlice(keyed, 0, dataLength(keyed) - 1)]),
          ],
          ["a good entry, then one byte more", concat([aliceEntry, dataSlice(bobEntry, 0, 1)])],
        ];
        const before = signed.before;
        for (const [what, entries] of cases) {
          await expectMalformed(
            world,
            multisig,
            signed,
            concat([KEY_SET_SIGNATURE_KIND, entries]),
            what,
          );
        }
        await expectNothingChanged(world, multisig, id, before);
      });

      it("a malleable (high-s) or unrecoverable secp256k1 entry", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { alice, bob, multisig } = world;
        const signed = await pingIntent(world, multisig);
        const { id } = signed;
        const good = Signature.from(alice.signingKey.sign(id).serialized);
        const highS = concat([
          good.r,
          toBeHex(SECP256K1_N - BigInt(good.s), 32),
          toBeHex(good.v === 27 ? 28 : 27, 1),
        ]);
        // The high-s twin recovers alice too (ethers refuses it, noble does not check): only the
        // malleability check refuses it.
        const twin = new secp256k1.Signature(
          BigInt(good.r),
          SECP256K1_N - BigInt(good.s),
        ).addRecoveryBit(good.v === 27 ? 1 : 0);
        expect(computeAddress(`0x${twin.recoverPublicKey(getBytes(id)).toHex(false)}`)).to.equal(
          alice.address,
        );
        const badV = concat([good.r, good.s, "0x1d"]);
        for (const [what, signature] of [
          ["high s", highS],
          ["v = 29", badV],
          ["r = s = 0", concat([toBeHex(0, 32), toBeHex(0, 32), "0x1b"])],
        ] as const) {
          await expectMalformed(
            world,
            multisig,
            signed,
            concat([
              KEY_SET_SIGNATURE_KIND,
              "0x00",
              signature,
              encodeKeySignatures([secp256k1Entry(bob, id)]),
            ]),
            what,
          );
        }
        await expectNothingChanged(world, multisig, id, signed.before);
      });

      it("more than 32 entries, even from a set of 32 keys that all signed", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const signers = Array.from(
          { length: 32 },
          (_, index) => new Wallet(ethers.id(`key ${index} of 32`)),
        );
        const big = await createKeySetWallet(
          world,
          signers.map((signer) => signer.address.toLowerCase()),
          1n,
        );
        const signed = await pingIntent(world, big);
        const entries = signers.map((signer) => secp256k1Entry(signer, signed.id));

        await expectMalformed(
          world,
          big,
          signed,
          toKeySetSignatureUnchecked([...entries, entries[0]]),
          "33 entries",
        );
        await expectMalformed(
          world,
          big,
          signed,
          toKeySetSignatureUnchecked([...entries, secp256k1Entry(world.outsider, signed.id)]),
          "33 entries, the last a stranger",
        );
        await expectNothingChanged(world, big, signed.id, signed.before);
        // 32 entries, one per key: accepted.
        await expectRelayed(world, big, signed, entries);
      });

      it("an owner-kind (0x00) signature on a key-set wallet, even by a key of the set", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { alice, chainId, multisig, contractWallet, dave } = world;
        const signed = await pingIntent(world, multisig);
        const typed = await signIntent({
          signer: alice,
          intent: signed.intent,
          wallet: multisig.address,
          chainId,
        });
        expect(typed.id).to.equal(signed.id);
        await expectMalformed(
          world,
          multisig,
          signed,
          typed.signature,
          "alice's EIP-712 signature",
        );
        await expectMalformed(
          world,
          multisig,
          signed,
          concat(["0x00", alice.signingKey.sign(signed.id).serialized]),
          "alice's raw signature",
        );
        await expectMalformed(world, multisig, signed, "0x", "an empty signature");
        await expectNothingChanged(world, multisig, signed.id, signed.before);

        // The contract key's wallet: the contract would accept dave's signature, as an owner would.
        const contractSigned = await pingIntent(world, contractWallet);
        await expectMalformed(
          world,
          contractWallet,
          contractSigned,
          concat(["0x00", dave.signingKey.sign(contractSigned.id).serialized]),
          "the contract key's signature in the owner kind",
        );
        await expectNothingChanged(world, contractWallet, contractSigned.id, contractSigned.before);
      });

      it("a 0x02 signature on a wallet of one address, even by that address", async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const { alice, keys, soloWallet } = world;
        const { intent, id } = await keyIntent(world, soloWallet, { calls: [pingCall(world)] });
        const before = await snapshotOf(world, soloWallet);
        for (const entries of [
          [secp256k1Entry(alice, id)],
          [addressEntry(keys.alice, alice, id)],
        ]) {
          await expect(
            soloWallet.wallet.connect(world.relayer).relay(intent, toKeySetSignature(entries)),
          )
            .to.be.revertedWithCustomError(soloWallet.wallet, "IntentInvalidSignature")
            .withArgs(id);
        }
        await expectNothingChanged(world, soloWallet, id, before);
      });
    });

    it("an entry for a key that was removed from the set", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, carol, keys, multisig } = world;
      const removal = await keyIntent(world, multisig, {
        calls: [walletCall(multisig, "unregisterSigner", [keys.carol])],
        salt: 1n,
      });
      await expect(
        relayWithKeys(world, multisig, removal.intent, [
          secp256k1Entry(alice, removal.id),
          secp256k1Entry(bob, removal.id),
        ]),
      )
        .to.emit(multisig.wallet, "OwnerKeyRemoved")
        .withArgs(keys.carol);

      const { intent, id, before } = await pingIntent(world, multisig);
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(alice, id),
          secp256k1Entry(carol, id),
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
        .withArgs(id, keys.carol);
      await expect(
        relayWithKeys(world, multisig, intent, [
          secp256k1Entry(carol, id),
          addressEntry(keys.carol, carol, id),
        ]),
      )
        .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
        .withArgs(id, keys.carol);
      await expectNothingChanged(world, multisig, id, before);
    });

    it("signatures of the same keys for another wallet (same set, other salt: another ID)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, passkey, keys, multisig, passkeyWallet } = world;
      const twin = await createKeySetWallet(world, multisig.keys, multisig.threshold, 1n);
      const passkeyTwin = await createKeySetWallet(world, passkeyWallet.keys, 1n, 1n);
      expect(twin.address).to.not.equal(multisig.address);

      // Signed for the multisig, relayed on its twin: the secp256k1 entries recover strangers.
      const onTwin = await pingIntent(world, twin);
      const forMultisig = await keyIntent(world, multisig, { calls: [pingCall(world)] });
      expect(forMultisig.intent).to.deep.equal(onTwin.intent);
      expect(forMultisig.id).to.not.equal(onTwin.id);
      const aliceSignature = alice.signingKey.sign(forMultisig.id).serialized;
      await expect(
        relayWithKeys(world, twin, onTwin.intent, [
          { secp256k1: aliceSignature },
          secp256k1Entry(bob, forMultisig.id),
        ]),
      )
        .to.be.revertedWithCustomError(twin.wallet, "IntentKeyNotInSet")
        .withArgs(onTwin.id, recoverAddress(onTwin.id, aliceSignature).toLowerCase());
      await expectNothingChanged(world, twin, onTwin.id, onTwin.before);

      // A passkey's assertion for one wallet's ID does not verify on the other.
      const onPasskeyTwin = await pingIntent(world, passkeyTwin);
      const forPasskeyWallet = await keyIntent(world, passkeyWallet, { calls: [pingCall(world)] });
      await expect(
        relayWithKeys(world, passkeyTwin, onPasskeyTwin.intent, [
          passkeyEntry(passkey, keys.passkey, forPasskeyWallet.id),
        ]),
      )
        .to.be.revertedWithCustomError(passkeyTwin.wallet, "IntentKeySignatureInvalid")
        .withArgs(onPasskeyTwin.id, keys.passkey);
      await expectNothingChanged(world, passkeyTwin, onPasskeyTwin.id, onPasskeyTwin.before);

      // Each relays on the wallet it was signed for.
      await expectRelayed(world, multisig, forMultisig, [
        { secp256k1: aliceSignature },
        secp256k1Entry(bob, forMultisig.id),
      ]);
    });

    it("signatures of an intent at an older epoch, after invalidateAllIntents", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { alice, bob, multisig } = world;
      const old = await pingIntent(world, multisig, 5n);
      const aliceSignature = alice.signingKey.sign(old.id).serialized;
      const oldEntries = [{ secp256k1: aliceSignature }, secp256k1Entry(bob, old.id)];
      const invalidate = await keyIntent(world, multisig, {
        calls: [walletCall(multisig, "invalidateAllIntents")],
      });
      await relayWithKeys(world, multisig, invalidate.intent, [
        secp256k1Entry(alice, invalidate.id),
        secp256k1Entry(bob, invalidate.id),
      ]);
      expect(await multisig.wallet.intentEpoch()).to.equal(1n);

      const newId = await multisig.wallet.intentId(old.intent);
      await expect(relayWithKeys(world, multisig, old.intent, oldEntries))
        .to.be.revertedWithCustomError(multisig.wallet, "IntentKeyNotInSet")
        .withArgs(newId, recoverAddress(newId, aliceSignature).toLowerCase());
      expect(await multisig.wallet.intentStatus(newId)).to.equal(IntentStatus.None);
    });
  });
});

/** `0x02 ‖ entries` for any number of entries (the SDK refuses more than 32). */
function toKeySetSignatureUnchecked(entries: KeySignature[]): string {
  return concat([KEY_SET_SIGNATURE_KIND, ...entries.map((entry) => encodeKeySignatures([entry]))]);
}

import { expect } from "chai";
import { concat, dataSlice, Signature, toBeHex, Wallet, zeroPadValue } from "ethers";
import { network } from "hardhat";

import { signIntent, toOwnerSignature, type Intent, IntentStatus } from "../../src/sdk/index.js";
import type { ERC1271Owner, IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld, buildIntentNow, signForWallet } from "../helpers/walletFixture.js";
import { deployWalletWorldWithSignedPing, targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

/** The order of secp256k1's group. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The ecrecover precompile. */
const ECRECOVER = "0x0000000000000000000000000000000000000001";

describe("IntentWallet signatures", function () {
  async function fixture() {
    return deployWalletWorldWithSignedPing(ethers);
  }

  /** A wallet owned by an ERC1271Owner contract that accepts what `signerEOA` signs. */
  async function contractOwnedFixture() {
    const world = await deployWalletWorld(ethers);
    const signerEOA = new Wallet(ethers.id("the ERC-1271 owner's signer"));
    const contractOwner = (await ethers.deployContract("ERC1271Owner", [
      signerEOA.address,
    ])) as unknown as ERC1271Owner;
    const contractOwnerAddress = await contractOwner.getAddress();
    await world.factory.createWallet(contractOwnerAddress, 0n);
    const ownedWalletAddress = await world.factory.walletAddress(contractOwnerAddress, 0n);
    const ownedWallet = (await ethers.getContractAt(
      "IntentWallet",
      ownedWalletAddress,
    )) as unknown as IntentWallet;
    const intent = await buildIntentNow(world, { calls: [await targetCall(world, "ping", [8n])] });
    const id = await ownedWallet.intentId(intent);
    return { ...world, signerEOA, contractOwner, ownedWallet, ownedWalletAddress, intent, id };
  }

  /** The owner's raw 65-byte signature (without the kind byte). */
  function rawOf(signature: string): string {
    return dataSlice(signature, 1);
  }

  async function expectInvalid(
    wallet: IntentWallet,
    intent: Intent,
    id: string,
    signature: string,
  ) {
    await expect(wallet.relay(intent, signature))
      .to.be.revertedWithCustomError(wallet, "IntentInvalidSignature")
      .withArgs(id);
    expect(await wallet.intentStatus(id)).to.equal(IntentStatus.None);
  }

  describe("owner is an EOA", function () {
    it("relays with the owner's EIP-712 signature of the intent ID", async function () {
      const { wallet, relayer, intent, signed, target } = await networkHelpers.loadFixture(fixture);
      await expect(wallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
      expect(await target.pings()).to.equal(1n);
    });

    it("rejects a signature made by a stranger", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, intent, signed, stranger, target } = world;
      const byStranger = await signForWallet(world, intent, stranger);
      expect(byStranger.id).to.equal(signed.id);

      await expectInvalid(wallet.connect(stranger), intent, signed.id, byStranger.signature);
      expect(await target.pings()).to.equal(0n);
    });

    it("rejects the malleable twin (s -> n - s, v flipped) of the owner's signature", async function () {
      const { wallet, relayer, owner, intent, signed } = await networkHelpers.loadFixture(fixture);
      const sig = Signature.from(rawOf(signed.signature));
      const twinS = SECP256K1_N - BigInt(sig.s);
      const twinV = sig.v === 27 ? 28 : 27;

      // The twin is a genuine signature by the owner: ecrecover accepts it...
      const recovered = await ethers.provider.call({
        to: ECRECOVER,
        data: concat([signed.id, toBeHex(twinV, 32), sig.r, toBeHex(twinS, 32)]),
      });
      expect(ethers.getAddress(dataSlice(recovered, 12))).to.equal(owner.address);

      // ...but the wallet refuses high-s signatures.
      const twin = concat([sig.r, toBeHex(twinS, 32), toBeHex(twinV, 1)]);
      await expectInvalid(wallet.connect(relayer), intent, signed.id, toOwnerSignature(twin));
    });

    it("rejects signatures that recover to the zero address", async function () {
      const { wallet, relayer, intent, signed } = await networkHelpers.loadFixture(fixture);
      const sig = Signature.from(rawOf(signed.signature));
      const zeroWord = zeroPadValue("0x", 32);
      const candidates = [
        concat([zeroWord, sig.s, toBeHex(sig.v, 1)]), // r = 0
        concat([sig.r, zeroWord, toBeHex(sig.v, 1)]), // s = 0
        concat([sig.r, sig.s, "0x00"]), // v = 0
        concat([sig.r, sig.s, "0x1d"]), // v = 29
        concat([zeroWord, zeroWord, "0x00"]), // all zero
      ];
      for (const raw of candidates) {
        const recovered = await ethers.provider.call({
          to: ECRECOVER,
          data: concat([signed.id, toBeHex(BigInt(dataSlice(raw, 64)), 32), dataSlice(raw, 0, 64)]),
        });
        expect(recovered).to.equal("0x"); // ecrecover finds no signer
        await expectInvalid(wallet.connect(relayer), intent, signed.id, toOwnerSignature(raw));
      }
    });

    it("rejects a garbage 65-byte signature", async function () {
      const { wallet, relayer, intent, signed } = await networkHelpers.loadFixture(fixture);
      const garbage = concat([ethers.id("r"), toBeHex(12345n, 32), "0x1b"]);
      await expectInvalid(wallet.connect(relayer), intent, signed.id, toOwnerSignature(garbage));
    });

    it("rejects owner signatures of the wrong length", async function () {
      const { wallet, relayer, intent, signed } = await networkHelpers.loadFixture(fixture);
      const raw = rawOf(signed.signature);
      const compact = Signature.from(raw).compactSerialized; // ERC-2098, 64 bytes, the owner's
      expect(ethers.dataLength(compact)).to.equal(64);

      const wrong = [
        toOwnerSignature(compact), // 64 bytes (ERC-2098 short form of a valid signature)
        toOwnerSignature(dataSlice(raw, 0, 64)), // 64 bytes, v dropped
        toOwnerSignature(concat([raw, "0x00"])), // 66 bytes
        toOwnerSignature(concat([raw, raw])), // 130 bytes
        "0x00", // only the kind byte
        "0x", // empty
      ];
      for (const signature of wrong) {
        await expectInvalid(wallet.connect(relayer), intent, signed.id, signature);
      }
    });

    it("rejects an unknown signature kind byte", async function () {
      const { wallet, relayer, intent, signed } = await networkHelpers.loadFixture(fixture);
      const raw = rawOf(signed.signature);
      for (const kind of ["0x02", "0x03", "0xff"]) {
        await expectInvalid(wallet.connect(relayer), intent, signed.id, concat([kind, raw]));
      }
    });

    it("reads an owner signature tagged with the module kind as a (missing) module", async function () {
      const { wallet, relayer, intent, signed } = await networkHelpers.loadFixture(fixture);
      const raw = rawOf(signed.signature);
      const asModule = ethers.getAddress(dataSlice(raw, 0, 20));
      await expect(wallet.connect(relayer).relay(intent, concat(["0x01", raw])))
        .to.be.revertedWithCustomError(wallet, "WalletModuleNotInstalled")
        .withArgs(asModule);
    });

    it("rejects the owner's valid signature of a different intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer, intent, signed, stranger } = world;
      const variants: Intent[] = [
        { ...intent, salt: intent.salt + 1n },
        { ...intent, expiration: intent.expiration + 1n },
        { ...intent, maxGasPrice: intent.maxGasPrice - 1n },
        { ...intent, minGasLimit: intent.minGasLimit + 1n },
        { ...intent, calls: [{ ...intent.calls[0], value: 1n }] },
        { ...intent, calls: [{ ...intent.calls[0], to: stranger.address }] },
        { ...intent, dependencies: [{ wallet: world.walletAddress, id: ethers.ZeroHash }] },
      ];
      for (const variant of variants) {
        const id = await wallet.intentId(variant);
        expect(id).to.not.equal(signed.id);
        // The signature of `intent`, presented with `variant`.
        await expectInvalid(wallet.connect(relayer), variant, id, signed.signature);
      }
    });

    it("rejects an EIP-191 personal_sign signature of the intent ID", async function () {
      const { wallet, relayer, owner, intent, signed } = await networkHelpers.loadFixture(fixture);
      const personal = await owner.signMessage(ethers.getBytes(signed.id));
      await expectInvalid(wallet.connect(relayer), intent, signed.id, toOwnerSignature(personal));
    });

    it("accepts a raw ECDSA signature of the ID (no typed-data wrapping needed)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const key = new Wallet(ethers.id("a raw-signing owner"));
      await world.factory.createWallet(key.address, 0n);
      const wallet = (await ethers.getContractAt(
        "IntentWallet",
        await world.factory.walletAddress(key.address, 0n),
      )) as unknown as IntentWallet;
      const intent = await buildIntentNow(world, {
        calls: [{ to: world.stranger.address }],
      });
      const id = await wallet.intentId(intent);
      const raw = key.signingKey.sign(id).serialized;
      await expect(wallet.connect(world.relayer).relay(intent, toOwnerSignature(raw)))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(id, world.relayer.address, true);
    });
  });

  describe("owner is an ERC-1271 contract", function () {
    it("relays when the contract accepts its signer's raw signature of the ID", async function () {
      const { ownedWallet, relayer, intent, id, signerEOA, target, ownedWalletAddress } =
        await networkHelpers.loadFixture(contractOwnedFixture);
      const raw = signerEOA.signingKey.sign(id).serialized;

      const tx = ownedWallet.connect(relayer).relay(intent, toOwnerSignature(raw));
      await expect(tx).to.emit(ownedWallet, "IntentRelayed").withArgs(id, relayer.address, true);
      await expect(tx).to.emit(target, "Pinged").withArgs(ownedWalletAddress, 0n, 8n);
      expect(await ownedWallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
    });

    it("relays when the contract's signer signs the intent with the SDK (EIP-712)", async function () {
      const { ownedWallet, relayer, intent, id, signerEOA, ownedWalletAddress, chainId } =
        await networkHelpers.loadFixture(contractOwnedFixture);
      const signed = await signIntent({
        signer: signerEOA,
        intent,
        wallet: ownedWalletAddress,
        chainId,
      });
      expect(signed.id).to.equal(id);

      await expect(ownedWallet.connect(relayer).relay(intent, signed.signature))
        .to.emit(ownedWallet, "IntentRelayed")
        .withArgs(id, relayer.address, true);
    });

    it("rejects a signature the contract refuses (signed by a stranger)", async function () {
      const { ownedWallet, relayer, intent, id, contractOwner, target } =
        await networkHelpers.loadFixture(contractOwnedFixture);
      const strangerKey = new Wallet(ethers.id("not the signer"));
      const raw = strangerKey.signingKey.sign(id).serialized;

      // The contract itself answers "invalid" (not the magic value).
      expect(await contractOwner.isValidSignature(id, raw)).to.equal("0x00000000");
      await expectInvalid(ownedWallet.connect(relayer), intent, id, toOwnerSignature(raw));
      expect(await target.pings()).to.equal(0n);
    });

    it("rejects malformed bytes the contract refuses", async function () {
      const { ownedWallet, relayer, intent, id, signerEOA } =
        await networkHelpers.loadFixture(contractOwnedFixture);
      const raw = signerEOA.signingKey.sign(id).serialized;
      for (const signature of [
        toOwnerSignature(dataSlice(raw, 0, 64)),
        toOwnerSignature(concat([raw, "0x00"])),
        "0x00",
      ]) {
        await expectInvalid(ownedWallet.connect(relayer), intent, id, signature);
      }
    });

    it("rejects the contract signer's signature of the same intent on the signer's own wallet", async function () {
      // The signer also owns a wallet directly; its signature of the intent's ID there does not
      // authorize the same intent on the wallet its contract owns (the IDs differ).
      const { ownedWallet, relayer, intent, id, signerEOA, factory } =
        await networkHelpers.loadFixture(contractOwnedFixture);
      await factory.createWallet(signerEOA.address, 0n);
      const eoaWallet = (await ethers.getContractAt(
        "IntentWallet",
        await factory.walletAddress(signerEOA.address, 0n),
      )) as unknown as IntentWallet;
      const eoaWalletId = await eoaWallet.intentId(intent);
      const raw = signerEOA.signingKey.sign(eoaWalletId).serialized;

      await expectInvalid(ownedWallet.connect(relayer), intent, id, toOwnerSignature(raw));
    });
  });
});

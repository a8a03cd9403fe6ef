import { expect } from "chai";
import {
  TypedDataEncoder,
  Wallet,
  concat,
  dataSlice,
  getAddress,
  getBytes,
  id as keccakText,
  toBeHex,
  type Signer,
} from "ethers";
import { network } from "hardhat";

import { MESSAGE_TYPES, messageDomain } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

const VALID = "0x1626ba7e";
const INVALID = "0xffffffff";

/** secp256k1's group order: `s` above half of it is a malleable signature. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function mutableMessageTypes(): Record<string, Array<{ name: string; type: string }>> {
  return { IntentWalletMessage: MESSAGE_TYPES.IntentWalletMessage.map((field) => ({ ...field })) };
}

describe("IntentWallet.isValidSignature (ERC-1271)", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    // An owner whose private key we hold, so we can also sign raw digests.
    const keyOwner = Wallet.createRandom();
    await world.factory.createWallet(keyOwner.address, 0n);
    await world.factory.createWallet(keyOwner.address, 1n);
    const keyWalletAddress = await world.factory.walletAddress(keyOwner.address, 0n);
    const keySecondWalletAddress = await world.factory.walletAddress(keyOwner.address, 1n);
    const keyWallet = (await ethers.getContractAt(
      "IntentWallet",
      keyWalletAddress,
    )) as unknown as IntentWallet;
    const keySecondWallet = (await ethers.getContractAt(
      "IntentWallet",
      keySecondWalletAddress,
    )) as unknown as IntentWallet;
    return {
      ...world,
      keyOwner,
      keyWallet,
      keyWalletAddress,
      keySecondWallet,
      keySecondWalletAddress,
    };
  }

  /** `signer`'s EIP-712 signature of the message `hash` for `wallet`, as the SDK's domain and types define it. */
  async function signMessageFor(
    signer: Signer,
    wallet: string,
    chainId: bigint,
    hash: string,
  ): Promise<string> {
    return signer.signTypedData(messageDomain({ wallet, chainId }), mutableMessageTypes(), {
      hash,
    });
  }

  const HASH = keccakText("an app's order or permit");

  it("computes replaySafeHash as the SDK's EIP-712 message digest (domain without salt)", async function () {
    const { wallet, walletAddress, chainId } = await networkHelpers.loadFixture(fixture);
    const expected = TypedDataEncoder.hash(
      messageDomain({ wallet: walletAddress, chainId }),
      mutableMessageTypes(),
      {
        hash: HASH,
      },
    );
    expect(await wallet.replaySafeHash(HASH)).to.equal(expected);
    expect(expected).to.not.equal(HASH);
  });

  it("returns 0x1626ba7e when the owner signed replaySafeHash(hash)", async function () {
    const { wallet, walletAddress, owner, chainId, keyOwner, keyWallet } =
      await networkHelpers.loadFixture(fixture);
    const signature = await signMessageFor(owner, walletAddress, chainId, HASH);
    expect(await wallet.isValidSignature(HASH, signature)).to.equal(VALID);

    // The same holds for an owner whose key signs the digest directly.
    const raw = keyOwner.signingKey.sign(await keyWallet.replaySafeHash(HASH)).serialized;
    expect(await keyWallet.isValidSignature(HASH, raw)).to.equal(VALID);
  });

  it("returns 0xffffffff for the owner's signature of the raw hash or of an EIP-191 message (not replay-safe)", async function () {
    const { keyOwner, keyWallet } = await networkHelpers.loadFixture(fixture);
    const rawHashSignature = keyOwner.signingKey.sign(HASH).serialized;
    expect(await keyWallet.isValidSignature(HASH, rawHashSignature)).to.equal(INVALID);
    const personalSignature = await keyOwner.signMessage(getBytes(HASH));
    expect(await keyWallet.isValidSignature(HASH, personalSignature)).to.equal(INVALID);
  });

  it("returns 0xffffffff for a signature of another hash", async function () {
    const { wallet, walletAddress, owner, chainId } = await networkHelpers.loadFixture(fixture);
    const signature = await signMessageFor(
      owner,
      walletAddress,
      chainId,
      keccakText("something else"),
    );
    expect(await wallet.isValidSignature(HASH, signature)).to.equal(INVALID);
  });

  it("returns 0xffffffff for a stranger's signature", async function () {
    const { wallet, walletAddress, stranger, chainId } = await networkHelpers.loadFixture(fixture);
    const signature = await signMessageFor(stranger, walletAddress, chainId, HASH);
    expect(await wallet.isValidSignature(HASH, signature)).to.equal(INVALID);
  });

  it("returns 0xffffffff for a signature made for another wallet of the same owner (no cross-wallet replay)", async function () {
    const {
      keyOwner,
      keyWallet,
      keyWalletAddress,
      keySecondWallet,
      keySecondWalletAddress,
      chainId,
    } = await networkHelpers.loadFixture(fixture);
    expect(await keySecondWallet.owner()).to.equal(keyOwner.address);
    expect(keySecondWalletAddress).to.not.equal(keyWalletAddress);

    const forSecond = await signMessageFor(keyOwner, keySecondWalletAddress, chainId, HASH);
    expect(await keySecondWallet.isValidSignature(HASH, forSecond)).to.equal(VALID);
    expect(await keyWallet.isValidSignature(HASH, forSecond)).to.equal(INVALID);
    expect(await keyWallet.replaySafeHash(HASH)).to.not.equal(
      await keySecondWallet.replaySafeHash(HASH),
    );
  });

  it("returns 0xffffffff for a signature made for another chain", async function () {
    const { wallet, walletAddress, owner, chainId } = await networkHelpers.loadFixture(fixture);
    const signature = await signMessageFor(owner, walletAddress, chainId + 1n, HASH);
    expect(await wallet.isValidSignature(HASH, signature)).to.equal(INVALID);
  });

  it("returns 0xffffffff, without reverting, for malformed signatures", async function () {
    const { keyOwner, keyWallet } = await networkHelpers.loadFixture(fixture);
    const good = keyOwner.signingKey.sign(await keyWallet.replaySafeHash(HASH));
    expect(await keyWallet.isValidSignature(HASH, good.serialized)).to.equal(VALID);

    const malformed: Record<string, string> = {
      empty: "0x",
      "one byte": "0x01",
      "64 bytes (compact form)": good.compactSerialized,
      "66 bytes (relay kind byte prepended)": concat(["0x00", good.serialized]),
      "65 bytes with a trailing byte": concat([good.serialized, "0x00"]),
      "65 zero bytes": toBeHex(0n, 65),
      "bad v": concat([good.r, good.s, "0x05"]),
      "r = 0": concat([toBeHex(0n, 32), good.s, toBeHex(good.v, 1)]),
      "malleable high s": concat([
        good.r,
        toBeHex(SECP256K1_N - BigInt(good.s), 32),
        toBeHex(good.v === 27 ? 28 : 27, 1),
      ]),
    };
    for (const [name, signature] of Object.entries(malformed)) {
      expect(await keyWallet.isValidSignature(HASH, signature), name).to.equal(INVALID);
    }
    // The malleable twin does recover the owner through the raw ecrecover precompile: only the
    // wallet's low-s rule rejects it.
    const digest = await keyWallet.replaySafeHash(HASH);
    const highS = toBeHex(SECP256K1_N - BigInt(good.s), 32);
    const twinV = toBeHex(good.v === 27 ? 28 : 27, 32);
    const recovered = await ethers.provider.call({
      to: toBeHex(1n, 20),
      data: concat([digest, twinV, good.r, highS]),
    });
    expect(getAddress(dataSlice(recovered, 12))).to.equal(keyOwner.address);
  });

  it("works with an ERC-1271 contract owner (nested): the contract's signer signs replaySafeHash(hash)", async function () {
    const { factory, owner, stranger, chainId } = await networkHelpers.loadFixture(fixture);
    const contractOwner = await ethers.deployContract("ERC1271Owner", [owner.address]);
    const contractOwnerAddress = await contractOwner.getAddress();
    await factory.createWallet(contractOwnerAddress, 0n);
    const nestedAddress = await factory.walletAddress(contractOwnerAddress, 0n);
    const nested = await ethers.getContractAt("IntentWallet", nestedAddress);
    expect(await nested.owner()).to.equal(contractOwnerAddress);

    const signature = await signMessageFor(owner, nestedAddress, chainId, HASH);
    expect(await nested.isValidSignature(HASH, signature)).to.equal(VALID);

    const byStranger = await signMessageFor(stranger, nestedAddress, chainId, HASH);
    expect(await nested.isValidSignature(HASH, byStranger)).to.equal(INVALID);
    expect(await nested.isValidSignature(HASH, "0x")).to.equal(INVALID);
  });

  it("is unaffected by invalidateAllIntents: message signatures carry no epoch", async function () {
    const { wallet, walletAddress, owner, chainId } = await networkHelpers.loadFixture(fixture);
    const signature = await signMessageFor(owner, walletAddress, chainId, HASH);
    const safeHashBefore = await wallet.replaySafeHash(HASH);

    await wallet.connect(owner).invalidateAllIntents();
    await wallet.connect(owner).invalidateAllIntents();
    expect(await wallet.intentEpoch()).to.equal(2n);

    expect(await wallet.replaySafeHash(HASH)).to.equal(safeHashBefore);
    expect(await wallet.isValidSignature(HASH, signature)).to.equal(VALID);
  });

  it("follows the owner: after changeOwner the old owner's message signatures stop being valid", async function () {
    const { wallet, walletAddress, owner, stranger, chainId } =
      await networkHelpers.loadFixture(fixture);
    const byOwner = await signMessageFor(owner, walletAddress, chainId, HASH);
    const byStranger = await signMessageFor(stranger, walletAddress, chainId, HASH);

    await wallet.connect(owner).changeOwner(stranger.address);
    expect(await wallet.isValidSignature(HASH, byOwner)).to.equal(INVALID);
    expect(await wallet.isValidSignature(HASH, byStranger)).to.equal(VALID);
  });
});

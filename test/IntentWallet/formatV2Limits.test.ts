import { expect } from "chai";
import { dataLength, toBeHex, zeroPadValue } from "ethers";
import { network } from "hardhat";

import { encodeRelayPacked, IntentStatus } from "../../src/sdk/index.js";
import { signedIntent, targetCall } from "../helpers/intents.js";
import {
  PLACE_ORDER,
  deploySessionWorldWithRegisteredGrant,
  exchangeCall,
  sessionIntent,
} from "../helpers/sessionFixture.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** keccak256(abi.encode(uint256(keccak256("intentwallet.storage.IntentWallet")) - 1)) & ~0xff: the header slot. */
const HEADER_SLOT = "0xeaed0808e4d28157af1ac47c2a3073cd360637305de8411ec956cb7051ecbf00";
const UINT32_MAX = 2n ** 32n - 1n;

describe("IntentWallet format v2: validAfter, epoch limits, malformed ABI input", function () {
  async function walletWorld() {
    return deployWalletWorld(ethers);
  }

  async function sessionWorld() {
    return deploySessionWorldWithRegisteredGrant(ethers);
  }

  describe("validAfter", function () {
    it("refuses an intent one second before its validAfter with IntentNotYetValid(id, validAfter), and relays it at that second", async function () {
      const world = await networkHelpers.loadFixture(walletWorld);
      const { wallet, relayer } = world;
      const validAfter = BigInt(await networkHelpers.time.latest()) + 1_000n;
      const { signed } = await signedIntent(world, {
        calls: [await targetCall(world, "ping", [1n])],
        validAfter,
      });
      const data = encodeRelayPacked(signed);

      await networkHelpers.time.setNextBlockTimestamp(validAfter - 1n);
      await expect(relayer.sendTransaction({ to: world.walletAddress, data, gasLimit: 300_000n }))
        .to.be.revertedWithCustomError(wallet, "IntentNotYetValid")
        .withArgs(signed.id, validAfter);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);

      await networkHelpers.time.setNextBlockTimestamp(validAfter);
      await expect(relayer.sendTransaction({ to: world.walletAddress, data, gasLimit: 300_000n }))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
    });

    it("relays a one-second window only in that second: refused before with IntentNotYetValid, after with IntentExpired", async function () {
      const world = await networkHelpers.loadFixture(walletWorld);
      const { wallet, relayer } = world;
      const validAfter = BigInt(await networkHelpers.time.latest()) + 1_000n;
      const { signed } = await signedIntent(world, {
        calls: [await targetCall(world, "ping", [2n])],
        validAfter,
        expiration: validAfter + 1n,
      });
      const relay = () =>
        wallet.connect(relayer).relay(signed.intent, signed.signature, { gasLimit: 300_000n });

      const snapshot = await networkHelpers.takeSnapshot();
      await networkHelpers.time.setNextBlockTimestamp(validAfter - 1n);
      await expect(relay())
        .to.be.revertedWithCustomError(wallet, "IntentNotYetValid")
        .withArgs(signed.id, validAfter);
      await networkHelpers.time.setNextBlockTimestamp(validAfter + 1n);
      await expect(relay())
        .to.be.revertedWithCustomError(wallet, "IntentExpired")
        .withArgs(signed.id, validAfter + 1n);
      await snapshot.restore();

      await networkHelpers.time.setNextBlockTimestamp(validAfter);
      await expect(relay())
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
    });
  });

  describe("epoch limits", function () {
    it("refuses to move the intent epoch past 2^32 - 1 with WalletEpochExhausted(epoch), not a panic", async function () {
      const world = await networkHelpers.loadFixture(walletWorld);
      const { wallet, owner, walletAddress } = world;
      // The header's low 32 bits are the intent epoch.
      await networkHelpers.setStorageAt(
        walletAddress,
        HEADER_SLOT,
        zeroPadValue(toBeHex(UINT32_MAX - 1n), 32),
      );
      await wallet.connect(owner).invalidateAllIntents();
      expect(await wallet.intentEpoch()).to.equal(UINT32_MAX);

      await expect(wallet.connect(owner).invalidateAllIntents())
        .to.be.revertedWithCustomError(wallet, "WalletEpochExhausted")
        .withArgs(UINT32_MAX);
      expect(await wallet.intentEpoch()).to.equal(UINT32_MAX);
    });

    it("refuses to move the module epoch past 2^32 - 1 with WalletEpochExhausted(epoch), so old grants can never come back", async function () {
      const world = await networkHelpers.loadFixture(walletWorld);
      const { wallet, owner, walletAddress } = world;
      // The module epoch sits in bits 216 to 247 of the header.
      const word = (UINT32_MAX - 1n) << 216n;
      await networkHelpers.setStorageAt(
        walletAddress,
        HEADER_SLOT,
        zeroPadValue(toBeHex(word), 32),
      );
      await wallet.connect(owner).advanceModuleEpoch();
      expect(await wallet.moduleEpoch()).to.equal(UINT32_MAX);

      await expect(wallet.connect(owner).advanceModuleEpoch())
        .to.be.revertedWithCustomError(wallet, "WalletEpochExhausted")
        .withArgs(UINT32_MAX);
      expect(await wallet.moduleEpoch()).to.equal(UINT32_MAX);
    });
  });

  describe("malformed ABI input", function () {
    it("refuses a session intent whose call target has dirty high address bits with IntentMalformed(offset), the intent unconsumed", async function () {
      const world = await networkHelpers.loadFixture(sessionWorld);
      const { wallet, relayer, walletAddress } = world;
      const signed = await sessionIntent(world, {
        calls: [exchangeCall(world, PLACE_ORDER, [1n, 100n])],
      });
      const clean = wallet.interface.encodeFunctionData("relay", [signed.intent, signed.signature]);
      // The call's `to` word: find the exchange address, left-padded, and set a high byte.
      const word = zeroPadValue(world.exchangeAddress, 32).slice(2).toLowerCase();
      const at = clean.toLowerCase().indexOf(word, 10);
      expect(at).to.be.greaterThan(0);
      const dirty = clean.slice(0, at) + "ff" + clean.slice(at + 2);
      const offset = BigInt((at - 2) / 2); // calldata offset of the word

      await expect(relayer.sendTransaction({ to: walletAddress, data: dirty, gasLimit: 500_000n }))
        .to.be.revertedWithCustomError(wallet, "IntentMalformed")
        .withArgs(offset);
      expect(dataLength(dirty)).to.equal(dataLength(clean));
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      // The same bytes, clean, relay.
      await expect(relayer.sendTransaction({ to: walletAddress, data: clean, gasLimit: 500_000n }))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
    });
  });
});

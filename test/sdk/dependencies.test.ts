import { expect } from "chai";
import { getAddress, id } from "ethers";
import { network } from "hardhat";

import {
  IntentWalletSdkError,
  buildIntent,
  getIntentId,
  type Dependency,
  IntentStatus,
} from "../../src/sdk/index.js";
import { dependencyOn, withDependencies } from "../../src/sdk/intent/dependencies.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { targetCall } from "../helpers/intents.js";
import { buildIntentNow, deployWalletWorld, signForWallet } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

const WALLET_A = getAddress("0x" + "aa".repeat(20));
const WALLET_B = getAddress("0x" + "bb".repeat(20));

describe("intent dependencies", function () {
  describe("on a real in-process network", function () {
    /** `deployWalletWorld`, plus a second wallet owned by `stranger`. */
    async function fixture() {
      const world = await deployWalletWorld(ethers);
      await world.factory.createWallet(world.stranger.address, 0n);
      const otherWalletAddress = await world.factory.walletAddress(world.stranger.address, 0n);
      const otherWallet = (await ethers.getContractAt(
        "IntentWallet",
        otherWalletAddress,
      )) as unknown as IntentWallet;
      return { ...world, otherWallet, otherWalletAddress };
    }

    it("relays an intent built withDependencies on two wallets' intents only after both were relayed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, otherWallet, relayer } = world;
      const ping = (x: bigint) => targetCall(world, "ping", [x]);
      // One intent on this wallet (owner), one on the other wallet (stranger).
      const first = await signForWallet(
        world,
        await buildIntentNow(world, { calls: [await ping(1n)] }),
      );
      const onOther = await signForWallet(
        { ...world, walletAddress: world.otherWalletAddress },
        await buildIntentNow(world, { calls: [await ping(2n)] }),
        world.stranger,
      );
      const last = await signForWallet(
        world,
        withDependencies(await buildIntentNow(world, { calls: [await ping(3n)] }), first, onOther),
      );

      expect(last.intent.dependencies).to.deep.equal([
        { wallet: world.walletAddress, id: first.id },
        { wallet: world.otherWalletAddress, id: onOther.id },
      ]);
      await expect(wallet.connect(relayer).relay(last.intent, last.signature))
        .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
        .withArgs(last.id, world.walletAddress, first.id);

      await wallet.connect(relayer).relay(first.intent, first.signature);
      await expect(wallet.connect(relayer).relay(last.intent, last.signature))
        .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
        .withArgs(last.id, world.otherWalletAddress, onOther.id);

      await otherWallet.connect(relayer).relay(onOther.intent, onOther.signature);
      await expect(wallet.connect(relayer).relay(last.intent, last.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(last.id, relayer.address, true);
      expect(await wallet.intentStatus(last.id)).to.equal(IntentStatus.Succeeded);
      expect(await world.target.pings()).to.equal(3n);
    });
  });

  describe("dependencyOn", function () {
    it("names a signed intent's wallet and ID", function () {
      const intent = buildIntent({ calls: [{ to: WALLET_B }], now: 0n });
      const signed = {
        intent,
        wallet: WALLET_A,
        chainId: 1n,
        id: getIntentId({ intent, wallet: WALLET_A, chainId: 1n }),
        signature: "0x00",
      };

      expect(dependencyOn(signed)).to.deep.equal({ wallet: WALLET_A, id: signed.id });
    });

    it("checksums the wallet and lowercases the ID of a { wallet, id }", function () {
      const dependencyId = id("x");

      expect(
        dependencyOn({
          wallet: WALLET_A.toLowerCase(),
          id: dependencyId.toUpperCase().replace("0X", "0x"),
        }),
      ).to.deep.equal({ wallet: WALLET_A, id: dependencyId });
    });

    it("refuses an ID that is not 32 bytes and a bad wallet address", function () {
      expect(() => dependencyOn({ wallet: WALLET_A, id: "0x1234" })).to.throw(
        IntentWalletSdkError,
        /the ID must be 32 bytes of hex/,
      );
      expect(() => dependencyOn({ wallet: "0x1234", id: id("x") })).to.throw(
        IntentWalletSdkError,
        /bad wallet address 0x1234/,
      );
    });
  });

  describe("withDependencies", function () {
    const base = buildIntent({ calls: [{ to: WALLET_B }], now: 0n });
    const a1: Dependency = { wallet: WALLET_A, id: id("a1") };
    const b1: Dependency = { wallet: WALLET_B, id: id("b1") };

    it("appends the dependencies and changes the ID, leaving the intent it was given alone", function () {
      const copy = structuredClone(base);

      const dependent = withDependencies(base, a1, b1);

      expect(dependent.dependencies).to.deep.equal([a1, b1]);
      expect(base).to.deep.equal(copy);
      expect({ ...dependent, dependencies: [] }).to.deep.equal(base);
      const domain = { wallet: WALLET_A, chainId: 1n };
      expect(getIntentId({ intent: dependent, ...domain })).to.not.equal(
        getIntentId({ intent: base, ...domain }),
      );
    });

    it("keeps the existing dependencies first and lists each (wallet, ID) once, whatever its case", function () {
      const intent = { ...base, dependencies: [a1] };
      const a1Lowercase = { wallet: a1.wallet.toLowerCase(), id: a1.id };
      const b1Uppercase = { wallet: b1.wallet, id: b1.id.toUpperCase().replace("0X", "0x") };

      const dependent = withDependencies(intent, b1, a1Lowercase, b1Uppercase, b1, a1);

      expect(dependent.dependencies).to.deep.equal([a1, b1]);
    });

    it("lists the same ID on two wallets twice: they are two intents", function () {
      const sameIdOnB = { wallet: WALLET_B, id: a1.id };

      expect(withDependencies(base, a1, sameIdOnB).dependencies).to.deep.equal([a1, sameIdOnB]);
    });

    it("gives back an equal intent when there is nothing to add", function () {
      const intent = { ...base, dependencies: [a1, b1] };

      expect(withDependencies(intent)).to.deep.equal(intent);
    });
  });
});

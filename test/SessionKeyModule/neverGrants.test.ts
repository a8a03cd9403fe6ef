import { expect } from "chai";
import { Signature, Wallet, concat, dataSlice, id, toBeHex } from "ethers";
import { network } from "hardhat";

import {
  MESSAGE_TYPES,
  getSessionId,
  messageDomain,
  toModuleSignature,
  type Call,
  type SessionGrant,
  type SignedIntent,
  IntentStatus,
} from "../../src/sdk/index.js";
import type { IntentWallet, MockExchange, MockValidator } from "../../typechain-types/index.js";
import { selfCall, signedIntent, walletCallReverted } from "../helpers/intents.js";
import {
  CANCEL_ORDER,
  MODIFY_ORDER,
  PLACE_ORDER,
  WITHDRAW,
  deploySessionWorld,
  deploySessionWorldWithRegisteredGrant,
  exchangeCall,
  moduleCall,
  now,
  registerByOwnerIntent,
  relay,
  sessionIntent,
  signGrant,
  tradingGrant,
  type SessionWorld,
} from "../helpers/sessionFixture.js";

const { ethers, networkHelpers } = await network.create();
/** A second in-process chain (31338): same accounts, so the same addresses when deployed in the same order. */
const other = await network.create("otherChain");

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

/** Session statuses, as in `ISessionKeyModule.SessionStatus`. */
const SessionStatus = { Unregistered: 0n, Pending: 1n, Active: 2n, Expired: 3n, Revoked: 4n };

/** ERC-1271 answers. */
const ERC1271_VALID = "0x1626ba7e";
const ERC1271_INVALID = "0xffffffff";

/** secp256k1's group order: `s` above half of it is a malleable signature. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The 4-byte selector of `functionSignature`. */
function selectorOf(functionSignature: string): string {
  return dataSlice(id(functionSignature), 0, 4);
}

/** The 4-byte selector a call's data starts with. */
function selectorOfCall(call: Call): string {
  return dataSlice(call.data, 0, 4);
}

/** The low 120 bits of a session ID: the tag the module writes in each entry of that grant. */
function grantTagOf(sessionId: string): bigint {
  return BigInt(sessionId) & ((1n << 120n) - 1n);
}

/** The session key's raw 65-byte signature inside a module relay signature (`0x01 ‖ module ‖ sig`). */
function sessionSignatureOf(signed: SignedIntent): string {
  return dataSlice(signed.signature, 21);
}

describe("SessionKeyModule never grants", function () {
  async function registeredFixture() {
    return deploySessionWorldWithRegisteredGrant(ethers);
  }

  /** The session world with a grant that starts 10 minutes from now, registered by an owner intent. */
  async function delayedGrantFixture() {
    const world = await deploySessionWorld(ethers);
    const start = await now(world);
    const grant = await tradingGrant(world, {
      validAfter: start + 600n,
      validUntil: start + 3600n,
    });
    await registerByOwnerIntent(world, grant);
    return { ...world, grant };
  }

  /** A bare session world on chain 31338, deployed in the same order as on 31337. */
  async function otherChainFixture() {
    return deploySessionWorld(other.ethers);
  }

  type World = SessionWorld & { grant: SessionGrant };

  /** Everything a refused session intent must leave as it was. */
  async function stateOf(world: World) {
    const { wallet, walletAddress, module, moduleAddress, exchange, grant } = world;
    return {
      owner: await wallet.owner(),
      intentEpoch: await wallet.intentEpoch(),
      moduleInstalled: await wallet.isModuleInstalled(moduleAddress),
      balance: await world.ethers.provider.getBalance(walletAddress),
      orderCount: await exchange.orderCount(),
      withdrawals: await exchange.withdrawals(walletAddress),
      sessionEpoch: await module.sessionEpoch(walletAddress),
      sessionStatus: await module.sessionStatus(grant),
    };
  }

  /** The wallet `address`, typed. */
  async function walletAt(world: SessionWorld, address: string): Promise<IntentWallet> {
    return (await world.ethers.getContractAt("IntentWallet", address)) as unknown as IntentWallet;
  }

  /** A second wallet of `owner` (salt `salt`) with the session-key module installed and no grant. */
  async function secondWallet(
    world: World,
    owner: SessionWorld["owner"],
    salt: bigint,
  ): Promise<{ second: IntentWallet; secondAddress: string }> {
    await world.factory.createWallet(owner.address, salt);
    const secondAddress = await world.factory.walletAddress(owner.address, salt);
    const second = await walletAt(world, secondAddress);
    await second.connect(owner).installModule(world.moduleAddress);
    return { second, secondAddress };
  }

  /** A session intent of `world.sessionKey` placing an order, distinct per `salt`. */
  async function placeOrderIntent(world: World, salt = 0n): Promise<SignedIntent> {
    return sessionIntent(world, { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt });
  }

  describe("calls to the wallet itself", function () {
    it("refuses a session call to the wallet's changeOwner", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const call = selfCall(world, "changeOwner", [world.stranger.address]);
      const signed = await sessionIntent(world, { calls: [call] });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.walletAddress, selectorOfCall(call));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await world.wallet.owner()).to.equal(world.owner.address);
    });

    it("refuses a session call to the wallet's installModule or uninstallModule", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const validator = await world.ethers.deployContract("MockValidator");
      const validatorAddress = await validator.getAddress();
      const before = await stateOf(world);

      for (const call of [
        selfCall(world, "installModule", [validatorAddress]),
        selfCall(world, "uninstallModule", [world.moduleAddress]),
      ]) {
        const signed = await sessionIntent(world, { calls: [call] });
        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
          .withArgs(0n, world.walletAddress, selectorOfCall(call));
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await world.wallet.isModuleInstalled(validatorAddress)).to.equal(false);
    });

    it("refuses a session call to the wallet's cancelIntents, and the owner's intent still relays", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const owners = await signedIntent(world, {
        calls: [exchangeCall(world, PLACE_ORDER, [1n, 1n])],
        salt: 42n,
      });
      const call = selfCall(world, "cancelIntents", [[owners.signed.id]]);
      const signed = await sessionIntent(world, { calls: [call] });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.walletAddress, selectorOfCall(call));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.wallet.intentStatus(owners.signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);

      await expect(relay(world, owners.signed))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(owners.signed.id, world.relayer.address, true);
    });

    it("refuses a session call to the wallet's invalidateAllIntents", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const call = selfCall(world, "invalidateAllIntents", []);
      const signed = await sessionIntent(world, { calls: [call] });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.walletAddress, selectorOfCall(call));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await world.wallet.intentEpoch()).to.equal(0n);
    });

    it("refuses a session call to the wallet's execute wrapping an allowed call", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const call = selfCall(world, "execute", [[exchangeCall(world, PLACE_ORDER, [100n, 5n])]]);
      const signed = await sessionIntent(world, { calls: [call] });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.walletAddress, selectorOfCall(call));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
    });
  });

  describe("calls to the module", function () {
    it("refuses a session call to the module's revokeAllSessions, registerSession or revokeSession", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const widerGrant = await tradingGrant(world, {
        permissions: [{ target: world.exchangeAddress, functionSignature: WITHDRAW }],
        salt: 1n,
      });
      const before = await stateOf(world);

      for (const call of [
        moduleCall(world, "revokeAllSessions", []),
        moduleCall(world, "registerSession", [widerGrant]),
        moduleCall(world, "revokeSession", [world.grant]),
      ]) {
        const signed = await sessionIntent(world, { calls: [call] });
        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
          .withArgs(0n, world.moduleAddress, selectorOfCall(call));
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await world.module.sessionStatus(widerGrant)).to.equal(SessionStatus.Unregistered);
      expect(await world.module.sessionStatus(world.grant)).to.equal(SessionStatus.Active);
    });
  });

  describe("grants listing the wallet or the module", function () {
    it("refuses to register, by an owner intent, a grant listing the wallet or the module", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      let salt = 0n;
      for (const target of [world.walletAddress, world.moduleAddress]) {
        salt += 1n;
        const grant = await tradingGrant(world, {
          permissions: [{ target, functionSignature: "changeOwner(address)" }],
          salt,
        });
        const { signed } = await signedIntent(world, {
          calls: [moduleCall(world, "registerSession", [grant])],
          salt,
        });
        const reason = walletCallReverted(
          world,
          0n,
          world.module.interface.encodeErrorResult("GrantForbiddenTarget", [target]),
        );

        // The owner's intent runs, and its one call reverts: the intent is Failed, nothing is registered.
        await expect(relay(world, signed))
          .to.emit(world.wallet, "IntentFailed")
          .withArgs(signed.id, reason);
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
        expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
        const entry = await world.module.permissionEntry(
          world.walletAddress,
          world.sessionKey.address,
          target,
          selectorOf("changeOwner(address)"),
        );
        expect(entry.validUntil).to.equal(0n);
      }
    });

    it("refuses a carried grant listing the wallet or the module, even after an allowed permission", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const before = await stateOf(world);
      let salt = 0n;
      for (const target of [world.walletAddress, world.moduleAddress]) {
        salt += 1n;
        const grant = await tradingGrant(world, {
          permissions: [
            { target: world.exchangeAddress, functionSignature: PLACE_ORDER },
            { target, functionSignature: "changeOwner(address)" },
          ],
          salt,
        });
        const signed = await sessionIntent(
          world,
          { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt },
          { carry: await signGrant(world, grant) },
        );

        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "GrantForbiddenTarget")
          .withArgs(target);
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
        expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
      }
      expect(await stateOf(world)).to.deep.equal(before);
      // The first permission's entry is still the registered grant's: a refused grant writes nothing.
      const entry = await world.module.permissionEntry(
        world.walletAddress,
        world.sessionKey.address,
        world.exchangeAddress,
        selectorOf(PLACE_ORDER),
      );
      expect(entry.grantTag).to.equal(grantTagOf(world.signedGrant.id));
    });
  });

  describe("a granted target installed as a module later (the wallet's defense in depth)", function () {
    it("refuses a granted session call to a target the owner later installed as a module", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const validator = (await world.ethers.deployContract(
        "MockValidator",
      )) as unknown as MockValidator;
      const validatorAddress = await validator.getAddress();
      const validateIntent = validator.interface.getFunction("validateIntent");
      const grant = await tradingGrant(world, {
        permissions: [{ target: validatorAddress, functionSignature: validateIntent.format() }],
        salt: 1n,
      });
      await registerByOwnerIntent(world, grant);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      await world.wallet.connect(world.owner).installModule(validatorAddress);

      const victim = (await placeOrderIntent(world)).intent;
      const call = {
        to: validatorAddress,
        value: 0n,
        data: validator.interface.encodeFunctionData("validateIntent", [
          id("a forged authorization"),
          victim.calls,
          "0x01",
          0n,
        ]),
      };
      const signed = await sessionIntent(world, { calls: [call] });

      // The module allows the call (the grant lists it); the wallet refuses it.
      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.wallet, "IntentTargetForbidden")
        .withArgs(signed.id, validatorAddress);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await validator.lastAuthorized()).to.equal(ethers.ZeroHash);
    });
  });

  describe("targets and selectors not listed", function () {
    it("refuses an unlisted selector on a listed target (the exchange's withdraw)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await sessionIntent(world, {
        calls: [exchangeCall(world, WITHDRAW, [world.stranger.address, 1n])],
      });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.exchangeAddress, selectorOf(WITHDRAW));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await world.exchange.withdrawals(world.walletAddress)).to.equal(0n);
    });

    it("refuses a listed selector on an unlisted target (placeOrder on a second exchange)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const secondExchange = (await world.ethers.deployContract(
        "MockExchange",
      )) as unknown as MockExchange;
      const secondAddress = await secondExchange.getAddress();
      const call = exchangeCall({ exchangeAddress: secondAddress }, PLACE_ORDER, [100n, 5n]);
      const signed = await sessionIntent(world, { calls: [call] });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, secondAddress, selectorOf(PLACE_ORDER));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await secondExchange.orderCount()).to.equal(0n);
    });

    it("refuses a batch hiding one disallowed call among allowed ones, and runs none of them", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await sessionIntent(world, {
        calls: [
          exchangeCall(world, PLACE_ORDER, [100n, 5n]),
          exchangeCall(world, WITHDRAW, [world.stranger.address, 1n]),
          exchangeCall(world, PLACE_ORDER, [101n, 5n]),
        ],
      });
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(1n, world.exchangeAddress, selectorOf(WITHDRAW));
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(await world.exchange.orderCount()).to.equal(0n);
      expect(await world.exchange.withdrawals(world.walletAddress)).to.equal(0n);
    });
  });

  describe("value and calldata", function () {
    it("refuses non-zero ETH value on an allowed call", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      expect(await ethers.provider.getBalance(world.walletAddress)).to.equal(10n ** 18n);
      const before = await stateOf(world);

      let salt = 0n;
      for (const value of [1n, 10n ** 18n]) {
        salt += 1n;
        const call = { ...exchangeCall(world, PLACE_ORDER, [100n, 5n]), value };
        const signed = await sessionIntent(world, { calls: [call], salt });
        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "SessionValueNotAllowed")
          .withArgs(0n, value);
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }
      expect(await stateOf(world)).to.deep.equal(before);
    });

    it("refuses calldata shorter than 4 bytes (0 and 3 bytes)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const before = await stateOf(world);
      const allowed = exchangeCall(world, PLACE_ORDER, [100n, 5n]);
      const threeBytes = dataSlice(allowed.data, 0, 3);

      for (const [calls, index] of [
        [[{ ...allowed, data: "0x" }], 0n],
        [[{ ...allowed, data: threeBytes }], 0n],
        [[allowed, { ...allowed, data: threeBytes }], 1n],
      ] as const) {
        const signed = await sessionIntent(world, { calls: [...calls] });
        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "SessionCalldataTooShort")
          .withArgs(index);
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }
      expect(await stateOf(world)).to.deep.equal(before);
    });
  });

  describe("the session's window", function () {
    it("refuses a session intent relayed at the deadline second", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await placeOrderIntent(world);

      await networkHelpers.time.setNextBlockTimestamp(world.grant.validUntil);
      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionExpired")
        .withArgs(world.sessionKey.address, world.grant.validUntil);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("refuses a session intent relayed one second after the deadline", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await placeOrderIntent(world);

      await networkHelpers.time.setNextBlockTimestamp(world.grant.validUntil + 1n);
      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionExpired")
        .withArgs(world.sessionKey.address, world.grant.validUntil);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("relays a session intent one second before the deadline (the boundary)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await placeOrderIntent(world);

      await networkHelpers.time.setNextBlockTimestamp(world.grant.validUntil - 1n);
      await expect(relay(world, signed))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(signed.id, world.relayer.address, true);
      expect(await now(world)).to.equal(world.grant.validUntil - 1n);
      expect(await world.exchange.orderCount()).to.equal(1n);
    });

    it("refuses a session intent relayed before the grant's start", async function () {
      const world = await networkHelpers.loadFixture(delayedGrantFixture);
      expect(await world.module.sessionStatus(world.grant)).to.equal(SessionStatus.Pending);

      let salt = 0n;
      for (const relayAt of [undefined, world.grant.validAfter - 1n]) {
        salt += 1n;
        const signed = await placeOrderIntent(world, salt);
        if (relayAt !== undefined) await networkHelpers.time.setNextBlockTimestamp(relayAt);
        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "SessionNotYetValid")
          .withArgs(world.sessionKey.address, world.grant.validAfter);
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("relays a session intent exactly at the grant's start second", async function () {
      const world = await networkHelpers.loadFixture(delayedGrantFixture);
      const signed = await placeOrderIntent(world);

      await networkHelpers.time.setNextBlockTimestamp(world.grant.validAfter);
      await expect(relay(world, signed))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(signed.id, world.relayer.address, true);
      expect(await now(world)).to.equal(world.grant.validAfter);
      expect(await world.exchange.orderCount()).to.equal(1n);
    });
  });

  describe("revocation", function () {
    it("refuses a session intent after the owner revoked the session, and the revoked grant can't be carried again", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const revoke = await signedIntent(world, {
        calls: [moduleCall(world, "revokeSession", [world.grant])],
      });
      await expect(relay(world, revoke.signed))
        .to.emit(world.module, "SessionRevoked")
        .withArgs(world.walletAddress, world.signedGrant.id);
      const before = await stateOf(world);

      const signed = await placeOrderIntent(world);
      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionIsRevoked")
        .withArgs(world.sessionKey.address);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);

      const carrying = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt: 1n },
        { carry: world.signedGrant },
      );
      await expect(relay(world, carrying))
        .to.be.revertedWithCustomError(world.module, "GrantRevoked")
        .withArgs(world.signedGrant.id);
      expect(await world.wallet.intentStatus(carrying.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(before.sessionStatus).to.equal(SessionStatus.Revoked);
    });

    it("refuses a session intent after the owner revoked all sessions, and the old grant can't be carried again", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const revokeAll = await signedIntent(world, {
        calls: [moduleCall(world, "revokeAllSessions", [])],
      });
      await expect(relay(world, revokeAll.signed))
        .to.emit(world.module, "AllSessionsRevoked")
        .withArgs(world.walletAddress, 1n);
      const before = await stateOf(world);

      const signed = await placeOrderIntent(world);
      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "SessionIsRevoked")
        .withArgs(world.sessionKey.address);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);

      const carrying = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt: 1n },
        { carry: world.signedGrant },
      );
      await expect(relay(world, carrying))
        .to.be.revertedWithCustomError(world.module, "GrantEpochMismatch")
        .withArgs(0n, 1n);
      expect(await world.wallet.intentStatus(carrying.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
      expect(before.sessionStatus).to.equal(SessionStatus.Revoked);
    });
  });

  describe("another wallet", function () {
    it("refuses a grant carried on a stranger's wallet: the stranger did not sign it (GrantInvalidOwnerSignature)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const { second, secondAddress } = await secondWallet(world, world.stranger, 0n);
      const signed = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { carry: world.signedGrant, wallet: secondAddress },
      );

      // The owner check (against the relaying wallet's owner) comes before the wallet check.
      await expect(second.connect(world.relayer).relay(signed.intent, signed.signature))
        .to.be.revertedWithCustomError(world.module, "GrantInvalidOwnerSignature")
        .withArgs(world.signedGrant.id);
      expect(await second.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("refuses a grant carried on another wallet of the same owner (GrantWrongWallet)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const { second, secondAddress } = await secondWallet(world, world.owner, 1n);
      const signed = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { carry: world.signedGrant, wallet: secondAddress },
      );

      await expect(second.connect(world.relayer).relay(signed.intent, signed.signature))
        .to.be.revertedWithCustomError(world.module, "GrantWrongWallet")
        .withArgs(world.walletAddress, secondAddress);
      expect(await second.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("refuses a grant whose wallet was changed to another wallet of the owner after signing", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const { second, secondAddress } = await secondWallet(world, world.owner, 1n);
      const altered = { ...world.grant, wallet: secondAddress };
      const alteredId = getSessionId({
        grant: altered,
        module: world.moduleAddress,
        chainId: world.chainId,
      });
      const signed = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { carry: { ...world.signedGrant, grant: altered }, wallet: secondAddress },
      );

      await expect(second.connect(world.relayer).relay(signed.intent, signed.signature))
        .to.be.revertedWithCustomError(world.module, "GrantInvalidOwnerSignature")
        .withArgs(alteredId);
      expect(await second.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.module.sessionStatus(altered)).to.equal(SessionStatus.Unregistered);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("refuses a session key's intent on a wallet that granted it nothing", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const { second, secondAddress } = await secondWallet(world, world.owner, 1n);

      // Signed for wallet B.
      const signedForB = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { wallet: secondAddress },
      );
      await expect(second.connect(world.relayer).relay(signedForB.intent, signedForB.signature))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.exchangeAddress, selectorOf(PLACE_ORDER));
      expect(await second.intentStatus(signedForB.id)).to.equal(IntentStatus.None);

      // Signed for wallet A, relayed on wallet B: B's intent ID differs, so it recovers to no known key.
      const signedForA = await placeOrderIntent(world);
      await expect(second.connect(world.relayer).relay(signedForA.intent, signedForA.signature))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.exchangeAddress, selectorOf(PLACE_ORDER));
      expect(await second.intentStatus(await second.intentId(signedForA.intent))).to.equal(
        IntentStatus.None,
      );
      expect(await world.exchange.orderCount()).to.equal(0n);
    });
  });

  describe("another chain", function () {
    it("refuses on chain 31338 a grant the owner signed for chain 31337", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const twin = await other.networkHelpers.loadFixture(otherChainFixture);
      expect(world.chainId).to.equal(31337n);
      expect(twin.chainId).to.equal(31338n);
      expect(twin.walletAddress).to.equal(world.walletAddress);
      expect(twin.moduleAddress).to.equal(world.moduleAddress);
      expect(twin.exchangeAddress).to.equal(world.exchangeAddress);

      const twinId = await twin.module.sessionId(world.grant);
      expect(twinId).to.not.equal(world.signedGrant.id);
      const signed = await sessionIntent(
        twin,
        { calls: [exchangeCall(twin, PLACE_ORDER, [100n, 5n])] },
        { carry: world.signedGrant },
      );
      await expect(relay(twin, signed))
        .to.be.revertedWithCustomError(twin.module, "GrantInvalidOwnerSignature")
        .withArgs(twinId);
      expect(await twin.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await twin.module.sessionStatus(world.grant)).to.equal(SessionStatus.Unregistered);
      expect(await twin.exchange.orderCount()).to.equal(0n);

      // The same grant signed for 31338 works there.
      const signedThere = await signGrant(twin, world.grant);
      expect(signedThere.id).to.equal(twinId);
      const good = await sessionIntent(
        twin,
        { calls: [exchangeCall(twin, PLACE_ORDER, [100n, 5n])], salt: 1n },
        { carry: signedThere },
      );
      await expect(relay(twin, good))
        .to.emit(twin.wallet, "IntentRelayed")
        .withArgs(good.id, twin.relayer.address, true);
    });

    it("refuses on chain 31337 a grant the owner signed for chain 31338", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const twin = await other.networkHelpers.loadFixture(otherChainFixture);
      const laterKey = new Wallet(id("a session key granted on chain 31338 only"));
      const grant = await tradingGrant(world, { sessionKey: laterKey.address });
      const signedThere = await signGrant(twin, grant);
      const idHere = await world.module.sessionId(grant);
      expect(signedThere.id).to.not.equal(idHere);

      const signed = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { carry: signedThere, sessionKey: laterKey },
      );
      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "GrantInvalidOwnerSignature")
        .withArgs(idHere);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });
  });

  describe("grants not signed by the owner, or for another key", function () {
    it("refuses a carried grant signed by a stranger instead of the owner", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const attackerKey = new Wallet(id("an attacker's session key"));
      const grant = await tradingGrant(world, {
        sessionKey: attackerKey.address,
        permissions: [{ target: world.exchangeAddress, functionSignature: WITHDRAW }],
      });
      const byStranger = await signGrant(world, grant, world.stranger);
      const signed = await sessionIntent(
        world,
        { calls: [exchangeCall(world, WITHDRAW, [world.stranger.address, 1n])] },
        { carry: byStranger, sessionKey: attackerKey },
      );
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "GrantInvalidOwnerSignature")
        .withArgs(byStranger.id);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
      expect(await stateOf(world)).to.deep.equal(before);
    });

    it("refuses an owner-signed grant carried in an intent signed by another session key", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const attackerKey = new Wallet(id("an attacker's session key"));
      const signed = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { carry: world.signedGrant, sessionKey: attackerKey },
      );
      const before = await stateOf(world);

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "GrantKeyMismatch")
        .withArgs(world.sessionKey.address, attackerKey.address);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);
    });
  });

  describe("ERC-1271 messages", function () {
    it("never accepts a session key's signature as the wallet's (isValidSignature answers 0xffffffff)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const { wallet, walletAddress, chainId, sessionKey, owner, moduleAddress } = world;
      const hash = id("a permit for the exchange");
      const safeHash = await wallet.replaySafeHash(hash);
      const messageTypes = {
        IntentWalletMessage: MESSAGE_TYPES.IntentWalletMessage.map((field) => ({ ...field })),
      };

      const ofSafeHash = sessionKey.signingKey.sign(safeHash).serialized;
      const ofHash = sessionKey.signingKey.sign(hash).serialized;
      for (const signature of [ofSafeHash, ofHash, toModuleSignature(moduleAddress, ofSafeHash)]) {
        expect(await wallet.isValidSignature(hash, signature)).to.equal(ERC1271_INVALID);
      }

      // The owner's signature of the same message is accepted (the control).
      const byOwner = await owner.signTypedData(
        messageDomain({ wallet: walletAddress, chainId }),
        messageTypes,
        { hash },
      );
      expect(await wallet.isValidSignature(hash, byOwner)).to.equal(ERC1271_VALID);
    });
  });

  describe("malformed session signatures", function () {
    it("refuses a session signature of 64 bytes, none, high s or bad v (SessionInvalidSignature)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await placeOrderIntent(world);
      const sig = Signature.from(sessionSignatureOf(signed));
      const highS = concat([
        sig.r,
        toBeHex(SECP256K1_N - BigInt(sig.s), 32),
        sig.v === 27 ? "0x1c" : "0x1b",
      ]);
      const before = await stateOf(world);

      for (const data of [
        sig.compactSerialized, // EIP-2098, 64 bytes: a valid encoding elsewhere, not here
        dataSlice(sig.serialized, 0, 64),
        "0x",
        highS,
        concat([sig.r, sig.s, "0x1d"]),
      ]) {
        await expect(
          world.wallet
            .connect(world.relayer)
            .relay(signed.intent, toModuleSignature(world.moduleAddress, data)),
        ).to.be.revertedWithCustomError(world.module, "SessionInvalidSignature");
      }
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await stateOf(world)).to.deep.equal(before);

      // The well-formed signature of the same intent relays (the control).
      await expect(relay(world, signed))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(signed.id, world.relayer.address, true);
    });

    it("refuses module data that goes on after the session signature without an encoded grant (GrantMalformed)", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const signed = await placeOrderIntent(world);
      // 65 bytes of a valid session signature, then bytes that are no abi.encode(grant, signature).
      for (const tail of ["0x00", "0x" + "ff".repeat(64), "0x" + "ff".repeat(600)]) {
        const data = concat([sessionSignatureOf(signed), tail]);
        await expect(
          world.wallet
            .connect(world.relayer)
            .relay(signed.intent, toModuleSignature(world.moduleAddress, data)),
        ).to.be.revertedWithCustomError(world.module, "GrantMalformed");
      }
      expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });
  });

  describe("nothing lost", function () {
    it("lets a session relay a valid intent after one of its relays was refused", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const refused = await sessionIntent(world, {
        calls: [
          exchangeCall(world, PLACE_ORDER, [100n, 5n]),
          exchangeCall(world, WITHDRAW, [world.stranger.address, 1n]),
        ],
      });
      await expect(relay(world, refused))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(1n, world.exchangeAddress, selectorOf(WITHDRAW));

      const valid = await sessionIntent(world, {
        calls: [
          exchangeCall(world, PLACE_ORDER, [100n, 5n]),
          exchangeCall(world, MODIFY_ORDER, [1n, 99n, 5n]),
          exchangeCall(world, CANCEL_ORDER, [1n]),
        ],
      });
      await expect(relay(world, valid))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(valid.id, world.relayer.address, true);
      expect(await world.wallet.intentStatus(valid.id)).to.equal(IntentStatus.Succeeded);
      expect(await world.wallet.intentStatus(refused.id)).to.equal(IntentStatus.None);
      const order = await world.exchange.orders(1n);
      expect(order.maker).to.equal(world.walletAddress);
      expect(order.price).to.equal(99n);
      expect(order.open).to.equal(false);
      expect(await world.exchange.withdrawals(world.walletAddress)).to.equal(0n);
    });

    it("leaves a carried grant unregistered when its relay is refused, so it can be carried again", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const freshKey = new Wallet(id("a fresh session key"));
      const grant = await tradingGrant(world, { sessionKey: freshKey.address });
      const signedGrant = await signGrant(world, grant);
      const refused = await sessionIntent(
        world,
        { calls: [exchangeCall(world, WITHDRAW, [world.stranger.address, 1n])] },
        { carry: signedGrant, sessionKey: freshKey },
      );
      await expect(relay(world, refused))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.exchangeAddress, selectorOf(WITHDRAW));
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);

      const valid = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
        { carry: signedGrant, sessionKey: freshKey },
      );
      await expect(relay(world, valid))
        .to.emit(world.module, "SessionRegistered")
        .and.to.emit(world.wallet, "IntentRelayed")
        .withArgs(valid.id, world.relayer.address, true);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Active);
    });
  });
});

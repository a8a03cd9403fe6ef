import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { Wallet, dataSlice, id as keccakText } from "ethers";
import { network } from "hardhat";

import type { SignedIntent } from "../../src/sdk/index.js";
import { signedIntent } from "../helpers/intents.js";
import {
  CANCEL_ORDER,
  deploySessionWorldWithRegisteredGrant,
  MODIFY_ORDER,
  exchangeCall,
  exchangePermissions,
  moduleCall,
  ownerExecutesOnModule,
  PLACE_ORDER,
  relay,
  sessionIntent,
  signGrant,
  tradingGrant,
  type SessionWorld,
} from "../helpers/sessionFixture.js";

const { ethers, networkHelpers } = await network.create();

/** Grant statuses, as in `ISessionKeyModule.SessionStatus`. */
const SessionStatus = {
  Unregistered: 0n,
  Pending: 1n,
  Active: 2n,
  Expired: 3n,
  Revoked: 4n,
} as const;

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */
const IntentStatus = { None: 0n, Succeeded: 1n, Failed: 2n, Canceled: 3n } as const;

/** Gas for a relay sent while automine is off: estimating it would run against the pending block. */
const RELAY_GAS_LIMIT = 1_000_000n;

/** A session intent placing an order, signed by `sessionKey` (the world's key by default). */
async function placeOrderIntent(
  world: SessionWorld,
  salt = 0n,
  sessionKey: Wallet = world.sessionKey,
): Promise<SignedIntent> {
  return sessionIntent(
    world,
    { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt },
    { sessionKey },
  );
}

describe("SessionKeyModule revocation", function () {
  /**
   * The world's trading grant registered by an owner intent, and a second, independent session:
   * another key granted placeOrder only, registered by the owner's direct call.
   */
  async function fixture() {
    const world = await deploySessionWorldWithRegisteredGrant(ethers);
    const otherKey = new Wallet(keccakText("IntentWallet second session key"));
    const otherGrant = await tradingGrant(world, {
      sessionKey: otherKey.address,
      permissions: exchangePermissions(world, [PLACE_ORDER]),
      app: "bot.example.org",
    });
    await ownerExecutesOnModule(world, "registerSession", [otherGrant]);
    return { ...world, otherKey, otherGrant };
  }

  describe("revoking one session", function () {
    it("revokes a registered session by an owner intent: its next intent is refused, another key's session still works", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, wallet, walletAddress, grant, signedGrant, sessionKey, otherKey } = world;
      const { signed: revoke } = await signedIntent(world, {
        calls: [moduleCall(world, "revokeSession", [grant])],
      });

      await expect(relay(world, revoke))
        .to.emit(module, "SessionRevoked")
        .withArgs(walletAddress, signedGrant.id);
      expect(await module.isSessionRevoked(walletAddress, signedGrant.id)).to.equal(true);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Revoked);

      const refused = await placeOrderIntent(world);
      await expect(relay(world, refused))
        .to.be.revertedWithCustomError(module, "SessionIsRevoked")
        .withArgs(sessionKey.address);
      expect(await wallet.intentStatus(refused.id)).to.equal(IntentStatus.None);

      const other = await placeOrderIntent(world, 0n, otherKey);
      await expect(relay(world, other))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(other.id, world.relayer.address, true);
      expect(await module.sessionStatus(world.otherGrant)).to.equal(SessionStatus.Active);
    });

    it("revokes a grant that was never registered: it can then be neither carried (GrantRevoked) nor registered", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, wallet, walletAddress } = world;
      const signedGrant = await signGrant(world, await tradingGrant(world, { salt: 7n }));
      expect(await module.sessionStatus(signedGrant.grant)).to.equal(SessionStatus.Unregistered);

      await expect(ownerExecutesOnModule(world, "revokeSession", [signedGrant.grant]))
        .to.emit(module, "SessionRevoked")
        .withArgs(walletAddress, signedGrant.id);
      expect(await module.sessionStatus(signedGrant.grant)).to.equal(SessionStatus.Revoked);

      const carrying = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt: 1n },
        { carry: signedGrant },
      );
      await expect(relay(world, carrying))
        .to.be.revertedWithCustomError(module, "GrantRevoked")
        .withArgs(signedGrant.id);
      await expect(ownerExecutesOnModule(world, "registerSession", [signedGrant.grant]))
        .to.be.revertedWithCustomError(wallet, "WalletCallReverted")
        .withArgs(0n, module.interface.encodeErrorResult("GrantRevoked", [signedGrant.id]));
    });
  });

  describe("revoking all sessions", function () {
    it("revokes every session at once by moving the wallet's session epoch to 1", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, walletAddress, sessionKey, otherKey, grant, otherGrant } = world;
      const { signed: revokeAll } = await signedIntent(world, {
        calls: [moduleCall(world, "revokeAllSessions", [])],
      });

      await expect(relay(world, revokeAll))
        .to.emit(module, "AllSessionsRevoked")
        .withArgs(walletAddress, 1n);
      expect(await module.sessionEpoch(walletAddress)).to.equal(1n);

      for (const key of [sessionKey, otherKey]) {
        await expect(relay(world, await placeOrderIntent(world, 0n, key)))
          .to.be.revertedWithCustomError(module, "SessionIsRevoked")
          .withArgs(key.address);
      }
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Revoked);
      expect(await module.sessionStatus(otherGrant)).to.equal(SessionStatus.Revoked);
    });

    it("refuses to register a grant signed at epoch 0 after revoking all (GrantEpochMismatch(0, 1)), and accepts a fresh grant at epoch 1", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, wallet, exchange } = world;
      const stale = await signGrant(world, await tradingGrant(world, { salt: 7n }));
      await ownerExecutesOnModule(world, "revokeAllSessions", []);

      const carryingStale = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt: 1n },
        { carry: stale },
      );
      await expect(relay(world, carryingStale))
        .to.be.revertedWithCustomError(module, "GrantEpochMismatch")
        .withArgs(0n, 1n);
      await expect(ownerExecutesOnModule(world, "registerSession", [stale.grant]))
        .to.be.revertedWithCustomError(wallet, "WalletCallReverted")
        .withArgs(0n, module.interface.encodeErrorResult("GrantEpochMismatch", [0n, 1n]));
      expect(await module.sessionStatus(stale.grant)).to.equal(SessionStatus.Revoked);

      const fresh = await signGrant(world, await tradingGrant(world, { epoch: 1n }));
      const carryingFresh = await sessionIntent(
        world,
        { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt: 2n },
        { carry: fresh },
      );
      await expect(relay(world, carryingFresh))
        .to.emit(module, "SessionRegistered")
        .withArgs(world.walletAddress, fresh.id, world.sessionKey.address, anyValue);
      expect(await module.sessionStatus(fresh.grant)).to.equal(SessionStatus.Active);
      expect(await exchange.orderCount()).to.equal(1n);
    });
  });

  describe("revocation and expiry are not retroactive", function () {
    /** Relays a session intent while the session is live, and signs another one to relay later. */
    async function relayedBeforeFixture() {
      const world = await fixture();
      const relayed = await placeOrderIntent(world, 1n);
      await relay(world, relayed);
      const receipt = await world.wallet.intentReceipt(relayed.id);
      const signedBefore = await placeOrderIntent(world, 2n);
      return { ...world, relayed, receipt, signedBefore };
    }

    type RelayedBeforeWorld = Awaited<ReturnType<typeof relayedBeforeFixture>>;

    /** The relayed intent keeps its receipt, and an owner intent that depends on it still relays. */
    async function expectRelayedIntentStillCounts(world: RelayedBeforeWorld) {
      const { wallet, walletAddress, relayer, relayed, receipt } = world;
      expect(receipt.status).to.equal(IntentStatus.Succeeded);
      expect(await wallet.intentReceipt(relayed.id)).to.deep.equal(receipt);
      expect((await wallet.intentReceipt(relayed.id)).relayer).to.equal(relayer.address);

      const { signed: dependent } = await signedIntent(world, {
        calls: [exchangeCall(world, CANCEL_ORDER, [1n])],
        dependencies: [{ wallet: walletAddress, id: relayed.id }],
      });
      await expect(relay(world, dependent))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(dependent.id, relayer.address, true);
      expect((await world.exchange.orders(1n)).open).to.equal(false);
    }

    it("keeps the receipts of session intents relayed before a revocation, and they still satisfy dependencies", async function () {
      const world = await networkHelpers.loadFixture(relayedBeforeFixture);
      const blockBefore = (await world.wallet.intentReceipt(world.relayed.id)).blockNumber;
      await ownerExecutesOnModule(world, "revokeSession", [world.grant]);

      await expectRelayedIntentStillCounts(world);
      expect((await world.wallet.intentReceipt(world.relayed.id)).blockNumber).to.equal(
        blockBefore,
      );
      await expect(relay(world, world.signedBefore))
        .to.be.revertedWithCustomError(world.module, "SessionIsRevoked")
        .withArgs(world.sessionKey.address);
    });

    it("keeps the receipts of session intents relayed before revoking all sessions", async function () {
      const world = await networkHelpers.loadFixture(relayedBeforeFixture);
      await ownerExecutesOnModule(world, "revokeAllSessions", []);

      await expectRelayedIntentStillCounts(world);
      await expect(relay(world, world.signedBefore))
        .to.be.revertedWithCustomError(world.module, "SessionIsRevoked")
        .withArgs(world.sessionKey.address);
    });

    it("keeps the receipts of session intents relayed before the deadline, once it has passed", async function () {
      const world = await networkHelpers.loadFixture(relayedBeforeFixture);
      await networkHelpers.time.increaseTo(world.grant.validUntil);
      expect(await world.module.sessionStatus(world.grant)).to.equal(SessionStatus.Expired);

      await expectRelayedIntentStillCounts(world);
      await expect(relay(world, world.signedBefore))
        .to.be.revertedWithCustomError(world.module, "SessionExpired")
        .withArgs(world.sessionKey.address, world.grant.validUntil);
    });
  });

  describe("revocation within one block", function () {
    /**
     * Sends `first` then `second` from the relayer into one block (the relayer's nonces order
     * them), and returns both transaction receipts.
     */
    async function relayInOneBlock(world: SessionWorld, first: SignedIntent, second: SignedIntent) {
      const { wallet, relayer } = world;
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const firstTx = await wallet
          .connect(relayer)
          .relay(first.intent, first.signature, { gasLimit: RELAY_GAS_LIMIT });
        const secondTx = await wallet
          .connect(relayer)
          .relay(second.intent, second.signature, { gasLimit: RELAY_GAS_LIMIT });
        await ethers.provider.send("evm_mine", []);
        const firstReceipt = await ethers.provider.getTransactionReceipt(firstTx.hash);
        const secondReceipt = await ethers.provider.getTransactionReceipt(secondTx.hash);
        return { firstReceipt: firstReceipt!, secondReceipt: secondReceipt! };
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
    }

    /** The revert data of a mined, failed transaction, read from the node's trace. */
    async function revertDataOf(hash: string): Promise<string> {
      const trace: { failed: boolean; returnValue: string } = await ethers.provider.send(
        "debug_traceTransaction",
        [hash, { disableStack: true, disableMemory: true, disableStorage: true }],
      );
      expect(trace.failed).to.equal(true);
      return trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
    }

    it("refuses a session relay placed after the revocation in the same block", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { signed: revoke } = await signedIntent(world, {
        calls: [moduleCall(world, "revokeSession", [world.grant])],
      });
      const session = await placeOrderIntent(world);

      const { firstReceipt, secondReceipt } = await relayInOneBlock(world, revoke, session);

      expect(secondReceipt.blockNumber).to.equal(firstReceipt.blockNumber);
      expect(firstReceipt.status).to.equal(1);
      expect(secondReceipt.status).to.equal(0);
      expect(await revertDataOf(secondReceipt.hash)).to.equal(
        world.module.interface.encodeErrorResult("SessionIsRevoked", [world.sessionKey.address]),
      );
      expect(await world.wallet.intentStatus(revoke.id)).to.equal(IntentStatus.Succeeded);
      expect(await world.wallet.intentStatus(session.id)).to.equal(IntentStatus.None);
      expect(await world.exchange.orderCount()).to.equal(0n);
    });

    it("relays a session intent placed before the revocation in the same block", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { signed: revoke } = await signedIntent(world, {
        calls: [moduleCall(world, "revokeSession", [world.grant])],
      });
      const session = await placeOrderIntent(world);

      const { firstReceipt, secondReceipt } = await relayInOneBlock(world, session, revoke);

      expect(secondReceipt.blockNumber).to.equal(firstReceipt.blockNumber);
      expect(firstReceipt.status).to.equal(1);
      expect(secondReceipt.status).to.equal(1);
      expect(await world.wallet.intentStatus(session.id)).to.equal(IntentStatus.Succeeded);
      expect(await world.module.sessionStatus(world.grant)).to.equal(SessionStatus.Revoked);
    });
  });

  describe("who may revoke", function () {
    it("refuses revokeAllSessions from a stranger (no wallet to move the epoch of), and the wallet's sessions stay", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, stranger, walletAddress, wallet } = world;

      await expect(module.connect(stranger).revokeAllSessions()).to.be.revert(ethers);
      expect(await module.sessionEpoch(stranger.address)).to.equal(0n);
      expect(await module.sessionEpoch(walletAddress)).to.equal(0n);
      expect(await module.sessionStatus(world.grant)).to.equal(SessionStatus.Active);
      const signed = await placeOrderIntent(world);
      await expect(relay(world, signed))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, world.relayer.address, true);
    });

    it("refuses revokeSession from a stranger and from the owner's EOA directly (SessionCallerNotWallet)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, stranger, owner, walletAddress, grant, signedGrant } = world;

      for (const caller of [stranger, owner]) {
        await expect(module.connect(caller).revokeSession(grant))
          .to.be.revertedWithCustomError(module, "SessionCallerNotWallet")
          .withArgs(caller.address, walletAddress);
      }
      expect(await module.isSessionRevoked(walletAddress, signedGrant.id)).to.equal(false);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
    });

    it("refuses a session key's intent calling the module to revoke or register anything (SessionCallNotAllowed)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, moduleAddress, walletAddress, grant, otherGrant, signedGrant } = world;
      const calls = [
        moduleCall(world, "revokeSession", [grant]),
        moduleCall(world, "revokeSession", [otherGrant]),
        moduleCall(world, "revokeAllSessions", []),
        moduleCall(world, "registerSession", [
          await tradingGrant(world, { permissions: exchangePermissions(world), salt: 9n }),
        ]),
      ];

      let salt = 0n;
      for (const call of calls) {
        salt += 1n;
        const signed = await sessionIntent(world, { calls: [call], salt });
        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(module, "SessionCallNotAllowed")
          .withArgs(0n, moduleAddress, dataSlice(call.data, 0, 4));
      }
      // Hidden behind an allowed call in a batch, too.
      const batch = await sessionIntent(world, {
        calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n]), calls[2]],
        salt: 99n,
      });
      await expect(relay(world, batch))
        .to.be.revertedWithCustomError(module, "SessionCallNotAllowed")
        .withArgs(1n, moduleAddress, dataSlice(calls[2].data, 0, 4));

      expect(await module.sessionEpoch(walletAddress)).to.equal(0n);
      expect(await module.isSessionRevoked(walletAddress, signedGrant.id)).to.equal(false);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      expect(await module.sessionStatus(otherGrant)).to.equal(SessionStatus.Active);
    });
  });
  describe("revoking one of two grants of one key that list the same pair", function () {
    it("revokes the earlier grant's own pairs but leaves live the pair a later grant of the same key took over", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, wallet, walletAddress, exchangeAddress, grant, sessionKey } = world;
      // The world's grant (place, modify, cancel) is the earlier one; a later grant of the same
      // key lists placeOrder only, and takes that pair over.
      const later = await tradingGrant(world, {
        permissions: exchangePermissions(world, [PLACE_ORDER]),
        salt: 1n,
      });
      await ownerExecutesOnModule(world, "registerSession", [later]);
      const laterTag = BigInt(await module.sessionId(later)) & (2n ** 120n - 1n);

      await ownerExecutesOnModule(world, "revokeSession", [grant]);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Revoked);
      expect(await module.sessionStatus(later)).to.equal(SessionStatus.Active);
      const selector = (signature: string) => keccakText(signature).slice(0, 10);
      const placeEntry = await module.permissionEntry(
        walletAddress,
        sessionKey.address,
        exchangeAddress,
        selector(PLACE_ORDER),
      );
      expect([placeEntry.revoked, placeEntry.grantTag]).to.deep.equal([false, laterTag]);

      // The shared pair is the later grant's: still usable.
      const order = await placeOrderIntent(world);
      await expect(relay(world, order))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(order.id, world.relayer.address, true);
      // The earlier grant's own pairs are revoked.
      let salt = 10n;
      for (const [functionSignature, args] of [
        [MODIFY_ORDER, [1n, 100n, 6n]],
        [CANCEL_ORDER, [1n]],
      ] as const) {
        salt += 1n;
        const refused = await sessionIntent(world, {
          calls: [exchangeCall(world, functionSignature, [...args])],
          salt,
        });
        await expect(relay(world, refused))
          .to.be.revertedWithCustomError(module, "SessionIsRevoked")
          .withArgs(sessionKey.address);
        const entry = await module.permissionEntry(
          walletAddress,
          sessionKey.address,
          exchangeAddress,
          selector(functionSignature),
        );
        expect(entry.revoked, functionSignature).to.equal(true);
      }
    });
  });
});

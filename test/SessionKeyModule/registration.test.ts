import { expect } from "chai";
import { Wallet, dataSlice, id as keccakText } from "ethers";
import { network } from "hardhat";

import type { SessionGrant } from "../../src/sdk/index.js";
import type { ERC1271Owner, IntentWallet } from "../../typechain-types/index.js";
import { signedIntent } from "../helpers/intents.js";
import {
  CANCEL_ORDER,
  deploySessionWorld,
  deploySessionWorldWithRegisteredGrant,
  exchangeCall,
  exchangePermissions,
  moduleCall,
  now,
  ownerExecutesOnModule,
  PLACE_ORDER,
  registerByOwnerIntent,
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

/** The low 120 bits of a session ID: the tag a registered grant writes into its entries. */
function grantTag(sessionId: string): bigint {
  return BigInt(sessionId) & ((1n << 120n) - 1n);
}

/** The selector of a readable function signature, as the module derives it. */
function selectorOf(functionSignature: string): string {
  return dataSlice(keccakText(functionSignature), 0, 4);
}

/** `grant` as the positional tuple an event argument decodes to. */
function grantTuple(grant: SessionGrant) {
  return [
    grant.wallet,
    grant.app,
    grant.sessionKey,
    grant.permissions.map((permission) => [permission.target, permission.functionSignature]),
    grant.validAfter,
    grant.validUntil,
    grant.epoch,
    grant.salt,
  ];
}

/** A session intent placing an order on the exchange (`salt` makes it another intent). */
async function placeOrderIntent(
  world: SessionWorld,
  options: Parameters<typeof sessionIntent>[2] = {},
  salt = 0n,
) {
  return sessionIntent(
    world,
    { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])], salt },
    options,
  );
}

/** The entry `grant`'s key holds for `functionSignature` on the exchange. */
async function exchangeEntry(world: SessionWorld, functionSignature: string, key?: string) {
  return world.module.permissionEntry(
    world.walletAddress,
    key ?? world.sessionKey.address,
    world.exchangeAddress,
    selectorOf(functionSignature),
  );
}

describe("SessionKeyModule registration", function () {
  const fixture = () => deploySessionWorld(ethers);
  const registeredFixture = () => deploySessionWorldWithRegisteredGrant(ethers);

  describe("registering a grant", function () {
    it("registers a grant by an owner intent: event, Active status, one entry per pair tagged with the session ID", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, walletAddress, sessionKey } = world;
      const grant = await tradingGrant(world);
      const sessionId = await module.sessionId(grant);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);

      await expect(registerByOwnerIntent(world, grant))
        .to.emit(module, "SessionRegistered")
        .withArgs(walletAddress, sessionId, sessionKey.address, grantTuple(grant));

      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      for (const permission of grant.permissions) {
        const entry = await exchangeEntry(world, permission.functionSignature);
        expect(entry.validAfter).to.equal(grant.validAfter);
        expect(entry.validUntil).to.equal(grant.validUntil);
        expect(entry.epoch).to.equal(0n);
        expect(entry.revoked).to.equal(false);
        expect(entry.grantTag).to.equal(grantTag(sessionId));
      }
      const signed = await placeOrderIntent(world);
      await expect(relay(world, signed))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(signed.id, world.relayer.address, true);
      expect((await world.exchange.orders(1n)).maker).to.equal(walletAddress);
    });

    it("registers a grant by the owner's direct wallet.execute call", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tradingGrant(world);

      await expect(ownerExecutesOnModule(world, "registerSession", [grant]))
        .to.emit(world.module, "SessionRegistered")
        .withArgs(
          world.walletAddress,
          await world.module.sessionId(grant),
          world.sessionKey.address,
          grantTuple(grant),
        );
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      await expect(relay(world, await placeOrderIntent(world))).to.emit(
        world.exchange,
        "OrderPlaced",
      );
    });

    it("registers a grant carried in the first session intent, in that intent's one relay transaction", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, owner, relayer, exchange, walletAddress } = world;
      const signedGrant = await signGrant(world, await tradingGrant(world));
      const first = await placeOrderIntent(world, { carry: signedGrant });
      const ownerNonce = await ethers.provider.getTransactionCount(owner.address);
      const relayerNonce = await ethers.provider.getTransactionCount(relayer.address);

      const tx = relay(world, first);
      await expect(tx)
        .to.emit(module, "SessionRegistered")
        .withArgs(
          walletAddress,
          signedGrant.id,
          world.sessionKey.address,
          grantTuple(signedGrant.grant),
        );
      await expect(tx).to.emit(exchange, "OrderPlaced").withArgs(1n, walletAddress, 100n, 5n);

      expect(await ethers.provider.getTransactionCount(relayer.address)).to.equal(relayerNonce + 1);
      expect(await ethers.provider.getTransactionCount(owner.address)).to.equal(ownerNonce);
      expect(await module.sessionStatus(signedGrant.grant)).to.equal(SessionStatus.Active);

      const second = await placeOrderIntent(world, {}, 1n);
      await expect(relay(world, second))
        .to.emit(world.wallet, "IntentRelayed")
        .withArgs(second.id, relayer.address, true);
      expect(await exchange.orderCount()).to.equal(2n);
    });

    describe("with an ERC-1271 contract as the owner", function () {
      /** A wallet owned by an `ERC1271Owner` contract that accepts `signer`'s signatures, with the module installed. */
      async function contractOwnerFixture() {
        const world = await deploySessionWorld(ethers);
        const [, , , signer] = await ethers.getSigners();
        const ownerContract = (await ethers.deployContract("ERC1271Owner", [
          signer.address,
        ])) as unknown as ERC1271Owner;
        const ownerContractAddress = await ownerContract.getAddress();
        await world.factory.createWallet(ownerContractAddress, 0n);
        const walletAddress = await world.factory.walletAddress(ownerContractAddress, 0n);
        const wallet = (await ethers.getContractAt(
          "IntentWallet",
          walletAddress,
        )) as unknown as IntentWallet;
        await ownerContract
          .connect(signer)
          .forward(
            walletAddress,
            wallet.interface.encodeFunctionData("installModule", [world.moduleAddress]),
          );
        const contractWorld: SessionWorld = { ...world, wallet, walletAddress };
        return { contractWorld, ownerContractAddress, signer };
      }

      it("registers a carried grant signed through the owner contract's ERC-1271", async function () {
        const { contractWorld, ownerContractAddress, signer } =
          await networkHelpers.loadFixture(contractOwnerFixture);
        const { module, wallet, walletAddress, exchange } = contractWorld;
        expect(await wallet.owner()).to.equal(ownerContractAddress);
        const signedGrant = await signGrant(
          contractWorld,
          await tradingGrant(contractWorld),
          signer,
        );
        const signed = await placeOrderIntent(contractWorld, { carry: signedGrant });

        await expect(relay(contractWorld, signed))
          .to.emit(module, "SessionRegistered")
          .withArgs(
            walletAddress,
            signedGrant.id,
            contractWorld.sessionKey.address,
            grantTuple(signedGrant.grant),
          );
        expect(await module.sessionStatus(signedGrant.grant)).to.equal(SessionStatus.Active);
        expect((await exchange.orders(1n)).maker).to.equal(walletAddress);
      });

      it("refuses a carried grant signed by a key the owner contract does not accept", async function () {
        const { contractWorld } = await networkHelpers.loadFixture(contractOwnerFixture);
        const signedGrant = await signGrant(
          contractWorld,
          await tradingGrant(contractWorld),
          contractWorld.owner, // an EOA, but not the contract's signer
        );
        const signed = await placeOrderIntent(contractWorld, { carry: signedGrant });

        await expect(relay(contractWorld, signed))
          .to.be.revertedWithCustomError(contractWorld.module, "GrantInvalidOwnerSignature")
          .withArgs(signedGrant.id);
        expect(await contractWorld.module.sessionStatus(signedGrant.grant)).to.equal(
          SessionStatus.Unregistered,
        );
      });
    });
  });

  describe("who may call registerSession", function () {
    it("refuses registerSession called directly by a stranger", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tradingGrant(world);

      await expect(world.module.connect(world.stranger).registerSession(grant))
        .to.be.revertedWithCustomError(world.module, "SessionCallerNotWallet")
        .withArgs(world.stranger.address, world.walletAddress);
    });

    it("refuses registerSession called directly by the owner's EOA (only the wallet may call it)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tradingGrant(world);

      await expect(world.module.connect(world.owner).registerSession(grant))
        .to.be.revertedWithCustomError(world.module, "SessionCallerNotWallet")
        .withArgs(world.owner.address, world.walletAddress);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
    });

    it("refuses a grant naming another wallet: the caller is not that wallet when registered, GrantWrongWallet when carried", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, factory, owner, walletAddress } = world;
      // The same owner's second wallet: the owner's signature is genuine, but for that wallet.
      await factory.createWallet(owner.address, 1n);
      const otherWallet = await factory.walletAddress(owner.address, 1n);
      const signedGrant = await signGrant(
        world,
        await tradingGrant(world, { wallet: otherWallet }),
      );

      await expect(ownerExecutesOnModule(world, "registerSession", [signedGrant.grant]))
        .to.be.revertedWithCustomError(world.wallet, "WalletCallReverted")
        .withArgs(
          0n,
          module.interface.encodeErrorResult("SessionCallerNotWallet", [
            walletAddress,
            otherWallet,
          ]),
        );
      await expect(relay(world, await placeOrderIntent(world, { carry: signedGrant })))
        .to.be.revertedWithCustomError(module, "GrantWrongWallet")
        .withArgs(otherWallet, walletAddress);
    });
  });

  describe("grant validation", function () {
    interface GrantCase {
      /** What is wrong with the grant, as it reads in the test name. */
      what: string;
      grant: (world: SessionWorld, time: bigint) => Promise<SessionGrant>;
      /** Runs before registering (e.g. a revocation). */
      prepare?: (world: SessionWorld, grant: SessionGrant) => Promise<unknown>;
      error: string;
      args: (world: SessionWorld, grant: SessionGrant, sessionId: string) => unknown[];
    }

    const cases: GrantCase[] = [
      {
        what: "a deadline of 0",
        grant: (world) => tradingGrant(world, { validUntil: 0n }),
        error: "GrantInvalidWindow",
        args: () => [0n, 0n],
      },
      {
        what: "a start equal to its deadline",
        grant: (world, time) =>
          tradingGrant(world, { validAfter: time + 100n, validUntil: time + 100n }),
        error: "GrantInvalidWindow",
        args: (_world, grant) => [grant.validAfter, grant.validUntil],
      },
      {
        what: "a start after its deadline",
        grant: (world, time) =>
          tradingGrant(world, { validAfter: time + 200n, validUntil: time + 100n }),
        error: "GrantInvalidWindow",
        args: (_world, grant) => [grant.validAfter, grant.validUntil],
      },
      {
        what: "a deadline already passed",
        grant: (world, time) => tradingGrant(world, { validUntil: time - 1n }),
        error: "GrantExpired",
        args: (_world, grant, sessionId) => [sessionId, grant.validUntil],
      },
      {
        what: "a session epoch ahead of the wallet's",
        grant: (world) => tradingGrant(world, { epoch: 1n }),
        error: "GrantEpochMismatch",
        args: () => [1n, 0n],
      },
      {
        what: "epoch 0 after every session was revoked",
        grant: (world) => tradingGrant(world),
        prepare: (world) => ownerExecutesOnModule(world, "revokeAllSessions", []),
        error: "GrantEpochMismatch",
        args: () => [0n, 1n],
      },
      {
        what: "no permission",
        grant: (world) => tradingGrant(world, { permissions: [] }),
        error: "GrantHasNoPermissions",
        args: () => [],
      },
      {
        what: "a permission on the wallet itself",
        grant: (world) =>
          tradingGrant(world, {
            permissions: [
              ...exchangePermissions(world),
              { target: world.walletAddress, functionSignature: "changeOwner(address)" },
            ],
          }),
        error: "GrantForbiddenTarget",
        args: (world) => [world.walletAddress],
      },
      {
        what: "a permission on the session-key module",
        grant: (world) =>
          tradingGrant(world, {
            permissions: [
              { target: world.moduleAddress, functionSignature: "revokeAllSessions()" },
              ...exchangePermissions(world),
            ],
          }),
        error: "GrantForbiddenTarget",
        args: (world) => [world.moduleAddress],
      },
      {
        what: "a revocation before registration",
        grant: (world) => tradingGrant(world),
        prepare: (world, grant) => ownerExecutesOnModule(world, "revokeSession", [grant]),
        error: "GrantRevoked",
        args: (_world, _grant, sessionId) => [sessionId],
      },
    ];

    for (const { what, grant: makeGrant, prepare, error, args } of cases) {
      it(`refuses to register a grant with ${what} (${error}, wrapped by the owner's execute)`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const grant = await makeGrant(world, await now(world));
        const sessionId = await world.module.sessionId(grant);
        await prepare?.(world, grant);

        await expect(ownerExecutesOnModule(world, "registerSession", [grant]))
          .to.be.revertedWithCustomError(world.wallet, "WalletCallReverted")
          .withArgs(
            0n,
            world.module.interface.encodeErrorResult(error, args(world, grant, sessionId)),
          );
        expect((await exchangeEntry(world, PLACE_ORDER)).validUntil).to.equal(0n);
      });

      it(`refuses a carried grant with ${what} (${error}) and leaves the intent unrelayed`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const signedGrant = await signGrant(world, await makeGrant(world, await now(world)));
        await prepare?.(world, signedGrant.grant);
        const signed = await placeOrderIntent(world, { carry: signedGrant });

        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, error)
          .withArgs(...args(world, signedGrant.grant, signedGrant.id));
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
        expect((await exchangeEntry(world, PLACE_ORDER)).validUntil).to.equal(0n);
      });
    }

    it("refuses to register a grant for the zero session key (GrantInvalidSessionKey)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tradingGrant(world, { sessionKey: ethers.ZeroAddress });

      await expect(ownerExecutesOnModule(world, "registerSession", [grant]))
        .to.be.revertedWithCustomError(world.wallet, "WalletCallReverted")
        .withArgs(0n, world.module.interface.encodeErrorResult("GrantInvalidSessionKey", []));
    });

    it("refuses a grant for key A carried in an intent signed by key B (GrantKeyMismatch)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const keyB = new Wallet(keccakText("another session key"));
      const signedGrant = await signGrant(world, await tradingGrant(world));
      const signed = await placeOrderIntent(world, { carry: signedGrant, sessionKey: keyB });

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(world.module, "GrantKeyMismatch")
        .withArgs(world.sessionKey.address, keyB.address);
      expect(await world.module.sessionStatus(signedGrant.grant)).to.equal(
        SessionStatus.Unregistered,
      );
    });

    it("refuses a carried grant not signed by the owner (GrantInvalidOwnerSignature)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signedGrant = await signGrant(world, await tradingGrant(world), world.stranger);

      await expect(relay(world, await placeOrderIntent(world, { carry: signedGrant })))
        .to.be.revertedWithCustomError(world.module, "GrantInvalidOwnerSignature")
        .withArgs(signedGrant.id);
    });

    it("records an owner intent whose registerSession reverts as Failed, with the module's error inside IntentFailed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, wallet, relayer } = world;
      const grant = await tradingGrant(world, { permissions: [] });
      const { signed } = await signedIntent(world, {
        calls: [moduleCall(world, "registerSession", [grant])],
      });

      const tx = relay(world, signed);
      await expect(tx)
        .to.emit(wallet, "IntentFailed")
        .withArgs(
          signed.id,
          wallet.interface.encodeErrorResult("WalletCallReverted", [
            0n,
            module.interface.encodeErrorResult("GrantHasNoPermissions", []),
          ]),
        );
      await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, false);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
    });

    it("undoes a carried registration when the relay reverts after validation (unmet dependency)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, wallet, walletAddress } = world;
      const signedGrant = await signGrant(world, await tradingGrant(world));
      const unrelayed = keccakText("an intent that was never relayed");
      const signed = await sessionIntent(
        world,
        {
          calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])],
          dependencies: [{ wallet: walletAddress, id: unrelayed }],
        },
        { carry: signedGrant },
      );

      await expect(relay(world, signed))
        .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
        .withArgs(signed.id, walletAddress, unrelayed);
      expect(await module.sessionStatus(signedGrant.grant)).to.equal(SessionStatus.Unregistered);
      expect((await exchangeEntry(world, PLACE_ORDER)).validUntil).to.equal(0n);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
    });
  });

  describe("status over time", function () {
    it("moves Unregistered -> Pending -> Active at validAfter -> Expired at validUntil exactly", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, sessionKey } = world;
      const time = await now(world);
      const grant = await tradingGrant(world, {
        validAfter: time + 100n,
        validUntil: time + 200n,
      });
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);

      await ownerExecutesOnModule(world, "registerSession", [grant]);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Pending);
      await expect(relay(world, await placeOrderIntent(world)))
        .to.be.revertedWithCustomError(module, "SessionNotYetValid")
        .withArgs(sessionKey.address, grant.validAfter);

      await networkHelpers.time.increaseTo(grant.validAfter - 1n);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Pending);
      await networkHelpers.time.increaseTo(grant.validAfter);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      await networkHelpers.time.increaseTo(grant.validUntil - 1n);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      await networkHelpers.time.increaseTo(grant.validUntil);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Expired);
    });

    it("relays a session intent at validAfter and at validUntil - 1, and refuses it at validUntil", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, sessionKey } = world;
      const time = await now(world);
      const grant = await tradingGrant(world, {
        validAfter: time + 100n,
        validUntil: time + 200n,
      });
      await ownerExecutesOnModule(world, "registerSession", [grant]);

      await networkHelpers.time.setNextBlockTimestamp(grant.validAfter);
      await expect(relay(world, await placeOrderIntent(world, {}, 1n))).to.emit(
        world.exchange,
        "OrderPlaced",
      );
      await networkHelpers.time.setNextBlockTimestamp(grant.validUntil - 1n);
      await expect(relay(world, await placeOrderIntent(world, {}, 2n))).to.emit(
        world.exchange,
        "OrderPlaced",
      );
      const late = await placeOrderIntent(world, {}, 3n);
      await networkHelpers.time.setNextBlockTimestamp(grant.validUntil);
      await expect(relay(world, late))
        .to.be.revertedWithCustomError(module, "SessionExpired")
        .withArgs(sessionKey.address, grant.validUntil);
    });

    it("reports Revoked once a registered grant is revoked, before and after its deadline", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      await ownerExecutesOnModule(world, "revokeSession", [world.grant]);

      expect(await world.module.sessionStatus(world.grant)).to.equal(SessionStatus.Revoked);
      await networkHelpers.time.increaseTo(world.grant.validUntil);
      expect(await world.module.sessionStatus(world.grant)).to.equal(SessionStatus.Revoked);
    });

    it("reports Expired for a grant never registered once its deadline has passed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tradingGrant(world);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);

      await networkHelpers.time.increaseTo(grant.validUntil);
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Expired);
    });
  });

  describe("registering again and overlapping grants", function () {
    it("registers the same grant again harmlessly: same entries, still Active, still usable", async function () {
      const world = await networkHelpers.loadFixture(registeredFixture);
      const { module, grant, signedGrant } = world;
      const before = await exchangeEntry(world, PLACE_ORDER);

      await expect(ownerExecutesOnModule(world, "registerSession", [grant])).to.emit(
        module,
        "SessionRegistered",
      );
      await expect(relay(world, await placeOrderIntent(world, { carry: signedGrant }))).to.emit(
        module,
        "SessionRegistered",
      );

      expect(await exchangeEntry(world, PLACE_ORDER)).to.deep.equal(before);
      expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
      await expect(relay(world, await placeOrderIntent(world, {}, 1n))).to.emit(
        world.exchange,
        "OrderPlaced",
      );
    });

    it("lets the last registered of two grants of one key decide the window of a pair both list (the earlier grant then reads Unregistered)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, sessionKey } = world;
      const time = await now(world);
      const long = await tradingGrant(world, {
        permissions: exchangePermissions(world, [PLACE_ORDER]),
        validUntil: time + 3600n,
      });
      const short = await tradingGrant(world, {
        permissions: exchangePermissions(world, [PLACE_ORDER, CANCEL_ORDER]),
        validUntil: time + 600n,
        salt: 1n,
      });
      const shortId = await module.sessionId(short);
      await ownerExecutesOnModule(world, "registerSession", [long]);
      await ownerExecutesOnModule(world, "registerSession", [short]);

      const entry = await exchangeEntry(world, PLACE_ORDER);
      expect(entry.validUntil).to.equal(short.validUntil);
      expect(entry.grantTag).to.equal(grantTag(shortId));
      // The long grant no longer holds any of its pairs.
      expect(await module.sessionStatus(long)).to.equal(SessionStatus.Unregistered);
      expect(await module.sessionStatus(short)).to.equal(SessionStatus.Active);

      await networkHelpers.time.increaseTo(short.validUntil);
      await expect(relay(world, await placeOrderIntent(world)))
        .to.be.revertedWithCustomError(module, "SessionExpired")
        .withArgs(sessionKey.address, short.validUntil);

      // Registering the long grant again gives the pair back its window.
      await ownerExecutesOnModule(world, "registerSession", [long]);
      expect(await module.sessionStatus(long)).to.equal(SessionStatus.Active);
      await expect(relay(world, await placeOrderIntent(world, {}, 1n))).to.emit(
        world.exchange,
        "OrderPlaced",
      );
    });
  });

  describe("function selectors", function () {
    it("derives the selector from the readable function signature: placeOrder(uint256,uint256) allows exactly its selector", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { module, walletAddress, sessionKey, exchangeAddress } = world;
      const grant = await tradingGrant(world, {
        permissions: exchangePermissions(world, [PLACE_ORDER]),
      });
      await ownerExecutesOnModule(world, "registerSession", [grant]);
      const selector = keccakText("placeOrder(uint256,uint256)").slice(0, 10);
      expect(selector).to.equal(world.exchange.interface.getFunction("placeOrder").selector);

      const entry = await module.permissionEntry(
        walletAddress,
        sessionKey.address,
        exchangeAddress,
        selector,
      );
      expect(entry.validUntil).to.equal(grant.validUntil);
      for (const wrong of [
        "placeOrder(uint256, uint256)", // a space: another string, another selector
        "placeOrder(uint,uint)",
        "placeOrder(uint256,uint128)",
        CANCEL_ORDER,
      ]) {
        const empty = await module.permissionEntry(
          walletAddress,
          sessionKey.address,
          exchangeAddress,
          selectorOf(wrong),
        );
        expect(empty).to.deep.equal([0n, 0n, 0n, false, 0n]);
      }
    });

    it("allows nothing for a non-canonical signature: a grant of 'placeOrder(uint256, uint256)' cannot place orders", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const spaced = "placeOrder(uint256, uint256)";
      const permissions = [{ target: world.exchangeAddress, functionSignature: spaced }];
      // The SDK refuses to build it...
      const refusal = await tradingGrant(world, { permissions }).then(
        () => "built",
        (error: Error) => error.message,
      );
      expect(refusal).to.match(/not canonical: write "placeOrder\(uint256,uint256\)"/);
      // ...and a grant built by hand registers but allows nothing.
      const grant = { ...(await tradingGrant(world)), permissions };
      await ownerExecutesOnModule(world, "registerSession", [grant]);

      await expect(relay(world, await placeOrderIntent(world)))
        .to.be.revertedWithCustomError(world.module, "SessionCallNotAllowed")
        .withArgs(0n, world.exchangeAddress, selectorOf(PLACE_ORDER));
    });
  });
});

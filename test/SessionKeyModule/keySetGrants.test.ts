import { expect } from "chai";
import { Wallet, concat, id as keccakText } from "ethers";
import { network } from "hardhat";

import {
  encodeKeySignatures,
  getSessionId,
  type KeySignature,
  type SessionGrant,
  type SignedSessionGrant,
} from "../../src/sdk/index.js";
import type { MockExchange, SessionKeyModule } from "../../typechain-types/index.js";
import {
  IntentStatus,
  deployKeySetWorld,
  keyIntent,
  passkeyEntry,
  relayWithKeys,
  secp256k1Entry,
  walletCall,
  type KeySetWallet,
} from "../helpers/keySetFixture.js";
import {
  PLACE_ORDER,
  exchangeCall,
  exchangePermissions,
  moduleCall,
  relay,
  sessionIntent,
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

/*
 * Session grants of wallets owned by key sets: the module asks the wallet to judge the grant's
 * owner signature, which for a key set is its entries (`encodeKeySignatures`, no kind byte) over
 * the session ID, at the threshold. A grant carried in the first session intent, or registered
 * by an intent of the set, lets the session trade; below the threshold it is refused.
 */
describe("SessionKeyModule grants of key-set wallets", function () {
  /**
   * The key-set world, plus the session module and a toy exchange, the module installed on the
   * 2-of-3 multisig (by alice and bob) and on the passkey's wallet (by the passkey).
   */
  async function fixture() {
    const world = await deployKeySetWorld(ethers);
    const { alice, bob, passkey, keys, multisig, passkeyWallet } = world;
    const module = (await ethers.deployContract("SessionKeyModule")) as unknown as SessionKeyModule;
    const moduleAddress = await module.getAddress();
    const exchange = (await ethers.deployContract("MockExchange")) as unknown as MockExchange;
    const install = async (wallet: KeySetWallet, sign: (id: string) => KeySignature[]) => {
      const { intent, id } = await keyIntent(world, wallet, {
        calls: [walletCall(wallet, "installModule", [moduleAddress])],
        salt: 1000n,
      });
      await relayWithKeys(world, wallet, intent, sign(id));
      expect(await wallet.wallet.isModuleInstalled(moduleAddress)).to.equal(true);
    };
    await install(multisig, (id) => [secp256k1Entry(alice, id), secp256k1Entry(bob, id)]);
    await install(passkeyWallet, (id) => [passkeyEntry(passkey, keys.passkey, id)]);
    return {
      ...world,
      module,
      moduleAddress,
      exchange,
      exchangeAddress: await exchange.getAddress(),
      sessionKey: new Wallet(keccakText("IntentWallet key-set test: session key")),
    };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** The session helpers' world for `wallet`. */
  function sessionWorldOf(world: World, wallet: KeySetWallet): SessionWorld {
    return { ...world, wallet: wallet.wallet, walletAddress: wallet.address };
  }

  /** `grant` with the owner signature of `entries` over its session ID (no kind byte). */
  function signedWith(
    world: World,
    grant: SessionGrant,
    sign: (sessionId: string) => KeySignature[],
  ): SignedSessionGrant {
    const domain = { module: world.moduleAddress, chainId: world.chainId };
    const id = getSessionId({ grant, ...domain });
    return { ...domain, grant, id, ownerSignature: encodeKeySignatures(sign(id)) };
  }

  /** A session intent placing an order (`salt` makes another one), carrying `carry` if given. */
  function placeOrder(sessionWorld: SessionWorld, carry?: SignedSessionGrant, salt = 0n) {
    return sessionIntent(
      sessionWorld,
      { calls: [exchangeCall(sessionWorld, PLACE_ORDER, [100n, 5n])], salt },
      { carry },
    );
  }

  it("a grant signed by 2 of 3 keys, carried in the first session intent, registers and the session trades", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, carol, module, exchange, multisig, relayer } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld);
    const signedGrant = signedWith(world, grant, (id) => [
      secp256k1Entry(carol, id),
      secp256k1Entry(alice, id),
    ]);
    expect(signedGrant.id).to.equal(await module.sessionId(grant));
    expect(
      await multisig.wallet.isOwnerAuthorized(signedGrant.id, signedGrant.ownerSignature),
    ).to.equal(true);

    const first = await placeOrder(sessionWorld, signedGrant);
    const tx = relay(sessionWorld, first);
    await expect(tx).to.emit(module, "SessionRegistered");
    await expect(tx).to.emit(exchange, "OrderPlaced").withArgs(1n, multisig.address, 100n, 5n);
    await expect(tx)
      .to.emit(multisig.wallet, "IntentRelayed")
      .withArgs(first.id, relayer.address, true);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);

    // Then without the grant.
    const second = await placeOrder(sessionWorld, undefined, 1n);
    await expect(relay(sessionWorld, second)).to.emit(exchange, "OrderPlaced");
    expect(await exchange.orderCount()).to.equal(2n);
  });

  it("a grant signed by 1 key of a 2-of-3 is refused: GrantInvalidOwnerSignature, nothing registered", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, bob, outsider, module, exchange, multisig } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld);
    for (const sign of [
      (id: string) => [secp256k1Entry(alice, id)],
      (id: string) => [secp256k1Entry(bob, id), secp256k1Entry(bob, id)],
      (id: string) => [secp256k1Entry(alice, id), secp256k1Entry(outsider, id)],
    ]) {
      const signedGrant = signedWith(world, grant, sign);
      const first = await placeOrder(sessionWorld, signedGrant);
      await expect(relay(sessionWorld, first))
        .to.be.revertedWithCustomError(module, "GrantInvalidOwnerSignature")
        .withArgs(signedGrant.id);
      expect(await multisig.wallet.intentStatus(first.id)).to.equal(IntentStatus.None);
    }
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
    expect(await exchange.orderCount()).to.equal(0n);
  });

  it("a grant signed with the relay kind byte (0x02 ‖ entries), or carried by another wallet, is refused", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, bob, module, multisig, passkeyWallet } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld);
    const good = signedWith(world, grant, (id) => [
      secp256k1Entry(alice, id),
      secp256k1Entry(bob, id),
    ]);
    const withKind = { ...good, ownerSignature: concat(["0x02", good.ownerSignature]) };
    const withKindIntent = await placeOrder(sessionWorld, withKind);
    await expect(relay(sessionWorld, withKindIntent))
      .to.be.revertedWithCustomError(module, "GrantInvalidOwnerSignature")
      .withArgs(good.id);

    // The multisig's grant carried by the passkey wallet's session intent: the passkey wallet
    // judges the owner signature first (alice and bob are none of its keys) ...
    const passkeySessionWorld = sessionWorldOf(world, passkeyWallet);
    await expect(relay(passkeySessionWorld, await placeOrder(passkeySessionWorld, good)))
      .to.be.revertedWithCustomError(module, "GrantInvalidOwnerSignature")
      .withArgs(good.id);
    // ... and even signed by the passkey wallet's own key, the grant names another wallet.
    const signedByPasskey = signedWith(world, grant, (id) => [
      passkeyEntry(world.passkey, world.keys.passkey, id),
    ]);
    await expect(
      relay(passkeySessionWorld, await placeOrder(passkeySessionWorld, signedByPasskey, 1n)),
    )
      .to.be.revertedWithCustomError(module, "GrantWrongWallet")
      .withArgs(multisig.address, passkeyWallet.address);
    expect(await multisig.wallet.intentStatus(withKindIntent.id)).to.equal(IntentStatus.None);
    expect(await world.exchange.orderCount()).to.equal(0n);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
  });

  it("a grant registered by an intent of the key set (the wallet calls registerSession) works", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, bob, module, exchange, multisig, relayer } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld);
    const { intent, id } = await keyIntent(world, multisig, {
      calls: [moduleCall(sessionWorld, "registerSession", [grant])],
    });
    const tx = relayWithKeys(world, multisig, intent, [
      secp256k1Entry(bob, id),
      secp256k1Entry(alice, id),
    ]);
    await expect(tx).to.emit(module, "SessionRegistered");
    await expect(tx).to.emit(multisig.wallet, "IntentRelayed").withArgs(id, relayer.address, true);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);

    await expect(relay(sessionWorld, await placeOrder(sessionWorld)))
      .to.emit(exchange, "OrderPlaced")
      .withArgs(1n, multisig.address, 100n, 5n);
  });

  it("a registration intent signed by one key of the 2-of-3 is refused before the module is called", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, module, multisig } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld);
    const { intent, id } = await keyIntent(world, multisig, {
      calls: [moduleCall(sessionWorld, "registerSession", [grant])],
    });
    await expect(relayWithKeys(world, multisig, intent, [secp256k1Entry(alice, id)]))
      .to.be.revertedWithCustomError(multisig.wallet, "IntentBelowThreshold")
      .withArgs(id, 1n, 2n);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
  });

  it("a passkey-owned wallet's grant signed by the passkey works", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { passkey, strangerPasskey, keys, module, exchange, passkeyWallet } = world;
    const sessionWorld = sessionWorldOf(world, passkeyWallet);
    const grant = await tradingGrant(sessionWorld);

    // A stranger's passkey first: refused.
    const forged = signedWith(world, grant, (id) => [
      passkeyEntry(strangerPasskey, keys.strangerPasskey, id),
    ]);
    await expect(relay(sessionWorld, await placeOrder(sessionWorld, forged, 1n)))
      .to.be.revertedWithCustomError(module, "GrantInvalidOwnerSignature")
      .withArgs(forged.id);
    // The passkey, but user not verified: refused.
    const unverified = signedWith(world, grant, (id) => [
      passkeyEntry(passkey, keys.passkey, id, { flags: 0x01 }),
    ]);
    await expect(relay(sessionWorld, await placeOrder(sessionWorld, unverified, 2n)))
      .to.be.revertedWithCustomError(module, "GrantInvalidOwnerSignature")
      .withArgs(unverified.id);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
    expect(await exchange.orderCount()).to.equal(0n);

    const signedGrant = signedWith(world, grant, (id) => [passkeyEntry(passkey, keys.passkey, id)]);
    const first = await placeOrder(sessionWorld, signedGrant);
    const tx = relay(sessionWorld, first);
    await expect(tx).to.emit(module, "SessionRegistered");
    await expect(tx).to.emit(exchange, "OrderPlaced").withArgs(1n, passkeyWallet.address, 100n, 5n);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);
  });

  it("a grant naming the key-set wallet itself as a target is refused by the module (GrantForbiddenTarget)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, bob, module, multisig } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld, {
      permissions: [
        ...exchangePermissions(sessionWorld),
        { target: multisig.address, functionSignature: "enrollSigner(bytes)" },
      ],
    });
    const signedGrant = signedWith(world, grant, (id) => [
      secp256k1Entry(alice, id),
      secp256k1Entry(bob, id),
    ]);
    await expect(relay(sessionWorld, await placeOrder(sessionWorld, signedGrant)))
      .to.be.revertedWithCustomError(module, "GrantForbiddenTarget")
      .withArgs(multisig.address);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
  });

  it("a grant of the 2-of-3 stops working after handToKeySet replaces the keys that signed it", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { alice, bob, keys, module, multisig } = world;
    const sessionWorld = sessionWorldOf(world, multisig);
    const grant = await tradingGrant(sessionWorld);
    const signedGrant = signedWith(world, grant, (id) => [
      secp256k1Entry(alice, id),
      secp256k1Entry(bob, id),
    ]);
    const { intent, id } = await keyIntent(world, multisig, {
      calls: [walletCall(multisig, "handToKeySet", [[keys.passkey], 1n])],
    });
    await relayWithKeys(world, multisig, intent, [
      secp256k1Entry(alice, id),
      secp256k1Entry(bob, id),
    ]);

    // Not yet registered: the old keys' grant signature no longer holds.
    await expect(relay(sessionWorld, await placeOrder(sessionWorld, signedGrant)))
      .to.be.revertedWithCustomError(module, "GrantInvalidOwnerSignature")
      .withArgs(signedGrant.id);
  });
});

import { expect } from "chai";
import { network } from "hardhat";

import {
  buildIntent,
  createSessionKey,
  readSessionEpoch,
  readSessionState,
  registerSessionCall,
  revokeAllSessionsCall,
  revokeSessionCall,
  SessionSigner,
  uninstallSessionModuleCalls,
  type Call,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { signedIntent } from "../helpers/intents.js";
import {
  deploySessionWorld,
  exchangeCall,
  now,
  PLACE_ORDER,
  relay,
  signGrant,
  tradingGrant,
  type SessionWorld,
} from "../helpers/sessionFixture.js";

const { ethers, networkHelpers } = await network.create();

/** The owner signs an intent with `calls` and the relayer relays it. */
async function ownerRelays(world: SessionWorld, calls: Call[]) {
  const { signed } = await signedIntent(world, { calls });
  await (await relay(world, signed)).wait();
  return signed;
}

describe("SDK session client", function () {
  async function fixture() {
    const world = await deploySessionWorld(ethers);
    const sessionKey = createSessionKey();
    const grant = await tradingGrant(world, { sessionKey: sessionKey.address });
    const signedGrant = await signGrant(world, grant);
    return { ...world, sessionKey, grant, signedGrant };
  }

  async function placeOrder(
    world: SessionWorld,
    session: SessionSigner,
    salt: bigint,
  ): Promise<SignedIntent> {
    const intent = buildIntent({
      calls: [exchangeCall(world, PLACE_ORDER, [100n, salt])],
      salt,
      now: await now(world),
    });
    return session.signIntent(intent);
  }

  it("creates a different random session key each time", function () {
    expect(createSessionKey().address).to.not.equal(createSessionKey().address);
  });

  it("carries the grant until the session is registered, then signs plain session intents", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const session = new SessionSigner({
      sessionKey: world.sessionKey,
      signedGrant: world.signedGrant,
    });
    expect(session.registered).to.equal(false);

    const first = await placeOrder(world, session, 1n);
    await expect(relay(world, first)).to.emit(world.module, "SessionRegistered");
    session.markRegistered();

    const second = await placeOrder(world, session, 2n);
    expect(second.signature.length).to.be.lessThan(first.signature.length);
    await expect(relay(world, second)).to.not.emit(world.module, "SessionRegistered");
    expect(await world.exchange.orderCount()).to.equal(2n);
  });

  it("learns from the chain whether the grant is registered", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const session = new SessionSigner({
      sessionKey: world.sessionKey,
      signedGrant: world.signedGrant,
    });
    expect(await session.syncRegistration(ethers.provider)).to.equal("unregistered");
    expect(session.registered).to.equal(false);

    await ownerRelays(world, [
      registerSessionCall({ module: world.moduleAddress, grant: world.grant }),
    ]);
    expect(await session.syncRegistration(ethers.provider)).to.equal("active");
    expect(session.registered).to.equal(true);
    await expect(relay(world, await placeOrder(world, session, 1n))).to.not.emit(
      world.module,
      "SessionRegistered",
    );
  });

  it("reads a session's state through registration, revocation and expiry", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const read = (grant = world.grant) =>
      readSessionState({ module: world.moduleAddress, grant, runner: ethers.provider });
    expect(await read()).to.equal("unregistered");

    await ownerRelays(world, [
      registerSessionCall({ module: world.moduleAddress, grant: world.grant }),
    ]);
    expect(await read()).to.equal("active");

    await ownerRelays(world, [
      revokeSessionCall({ module: world.moduleAddress, grant: world.grant }),
    ]);
    expect(await read()).to.equal("revoked");

    const later = await tradingGrant(world, {
      sessionKey: world.sessionKey.address,
      validAfter: (await now(world)) + 60n,
      salt: 1n,
    });
    await ownerRelays(world, [registerSessionCall({ module: world.moduleAddress, grant: later })]);
    expect(await read(later)).to.equal("pending");
    await networkHelpers.time.increaseTo(later.validUntil);
    expect(await read(later)).to.equal("expired");
  });

  it("revokes every session with one owner intent, and new grants sign the new epoch", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const session = new SessionSigner({
      sessionKey: world.sessionKey,
      signedGrant: world.signedGrant,
    });
    await relay(world, await placeOrder(world, session, 1n));

    await ownerRelays(world, [revokeAllSessionsCall({ module: world.moduleAddress })]);
    const epoch = await readSessionEpoch({
      module: world.moduleAddress,
      wallet: world.walletAddress,
      runner: ethers.provider,
    });
    expect(epoch).to.equal(1n);
    expect(
      await readSessionState({
        module: world.moduleAddress,
        grant: world.grant,
        runner: ethers.provider,
      }),
    ).to.equal("revoked");

    session.markRegistered();
    await expect(relay(world, await placeOrder(world, session, 2n)))
      .to.be.revertedWithCustomError(world.module, "SessionIsRevoked")
      .withArgs(world.sessionKey.address);

    const renewed = new SessionSigner({
      sessionKey: world.sessionKey,
      signedGrant: await signGrant(
        world,
        await tradingGrant(world, { sessionKey: world.sessionKey.address, epoch }),
      ),
    });
    await expect(relay(world, await placeOrder(world, renewed, 3n))).to.emit(
      world.exchange,
      "OrderPlaced",
    );
  });

  it("uninstalls the module without leaving sessions to revive on reinstall", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const session = new SessionSigner({
      sessionKey: world.sessionKey,
      signedGrant: world.signedGrant,
    });
    await relay(world, await placeOrder(world, session, 1n));
    session.markRegistered();

    await ownerRelays(
      world,
      uninstallSessionModuleCalls({ module: world.moduleAddress, wallet: world.walletAddress }),
    );
    expect(await world.wallet.isModuleInstalled(world.moduleAddress)).to.equal(false);
    await world.wallet.connect(world.owner).installModule(world.moduleAddress);

    await expect(relay(world, await placeOrder(world, session, 2n)))
      .to.be.revertedWithCustomError(world.module, "SessionIsRevoked")
      .withArgs(world.sessionKey.address);
  });
});

import { expect } from "chai";
import { network } from "hardhat";

import {
  deploySessionWorld,
  deploySessionWorldWithRegisteredGrant,
  exchangeCall,
  PLACE_ORDER,
  relay,
  sessionIntent,
  signGrant,
  tradingGrant,
} from "../helpers/sessionFixture.js";

describe("SessionKeyModule smoke", () => {
  it("relays a session intent once the grant is registered by an owner intent", async () => {
    const { ethers } = await network.create();
    const world = await deploySessionWorldWithRegisteredGrant(ethers);
    const signed = await sessionIntent(world, {
      calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])],
    });
    await expect(relay(world, signed))
      .to.emit(world.wallet, "IntentRelayed")
      .withArgs(signed.id, world.relayer.address, true);
    expect((await world.exchange.orders(1n)).maker).to.equal(world.walletAddress);
  });

  it("registers a carried grant on the way", async () => {
    const { ethers } = await network.create();
    const world = await deploySessionWorld(ethers);
    const signedGrant = await signGrant(world, await tradingGrant(world));
    const signed = await sessionIntent(
      world,
      { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
      { carry: signedGrant },
    );
    await expect(relay(world, signed)).to.emit(world.module, "SessionRegistered");
    expect(await world.module.sessionStatus(signedGrant.grant)).to.equal(2n);
    expect(await world.module.sessionId(signedGrant.grant)).to.equal(signedGrant.id);
  });
});

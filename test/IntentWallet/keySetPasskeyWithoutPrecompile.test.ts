import { expect } from "chai";
import { network } from "hardhat";

import {
  IntentStatus,
  deployKeySetWorld,
  expectNothingChanged,
  keyIntent,
  passkeyEntry,
  pingCall,
  relayWithKeys,
  snapshotOf,
  type KeySetWorld,
} from "../helpers/keySetFixture.js";

// Prague has no P-256 precompile (EIP-7951 came with Osaka): the wallet's own passkey check
// cannot conclude, so it falls back to its passkey verifier, whose OpenZeppelin P256 computes the
// curve in Solidity.
const { ethers, networkHelpers } = await network.create({ override: { hardfork: "prague" } });

/** A valid P-256 signature (Wycheproof's, as OpenZeppelin's `P256` probes the precompile with it). */
const PRECOMPILE_PROBE =
  "0xbb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023" +
  "0000000000000000000000000000000000000000000000000000000000000005" +
  "0000000000000000000000000000000000000000000000000000000000000001" +
  "a71af64de5126a4a4e02b7922d66ce9415ce88a4c9d25514d91082c8725ac957" +
  "5d47723c8fbe580bb369fec9c2665d8e30a435b9932645482e7c9f11e872296b";

describe("IntentWallet passkeys on a chain without the P-256 precompile", function () {
  async function fixture(): Promise<KeySetWorld> {
    return deployKeySetWorld(ethers);
  }

  async function pingIntent(world: KeySetWorld) {
    const { intent, id } = await keyIntent(world, world.passkeyWallet, {
      calls: [pingCall(world)],
      salt: 0n,
    });
    return { intent, id, before: await snapshotOf(world, world.passkeyWallet) };
  }

  it("runs on a chain where 0x100 answers nothing", async function () {
    expect(
      await ethers.provider.call({
        to: "0x0000000000000000000000000000000000000100",
        data: PRECOMPILE_PROBE,
      }),
    ).to.equal("0x");
  });

  it("relays a passkey's intent through the passkey verifier's Solidity P-256", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { passkey, keys, passkeyWallet } = world;
    const { intent, id } = await pingIntent(world);
    const pings = await world.target.pings();
    await expect(
      relayWithKeys(world, passkeyWallet, intent, [passkeyEntry(passkey, keys.passkey, id)]),
    )
      .to.emit(passkeyWallet.wallet, "IntentRelayed")
      .withArgs(id, world.relayer.address, true);
    expect(await passkeyWallet.wallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
    expect(await world.target.pings()).to.equal(pings + 1n);
  });

  it("refuses there a passkey that signed another challenge, changing nothing", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { passkey, keys, passkeyWallet } = world;
    const { intent, id, before } = await pingIntent(world);
    await expect(
      relayWithKeys(world, passkeyWallet, intent, [
        passkeyEntry(passkey, keys.passkey, id, { challenge: ethers.id("another challenge") }),
      ]),
    )
      .to.be.revertedWithCustomError(passkeyWallet.wallet, "IntentKeySignatureInvalid")
      .withArgs(id, keys.passkey);
    await expectNothingChanged(world, passkeyWallet, id, before);
  });
});

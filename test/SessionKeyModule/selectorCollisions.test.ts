import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { dataSlice, id } from "ethers";
import { network } from "hardhat";

import { DANGEROUS_FUNCTIONS, type SessionGrant } from "../../src/sdk/index.js";
import { signedIntent, walletCallReverted } from "../helpers/intents.js";
import { SELECTOR_COLLISIONS, type SelectorCollision } from "../helpers/selectorCollisions.js";
import {
  PLACE_ORDER,
  deploySessionWorld,
  exchangeCall,
  moduleCall,
  ownerExecutesOnModule,
  relay,
  sessionIntent,
  signGrant,
  tradingGrant,
  type SessionWorld,
} from "../helpers/sessionFixture.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */
const IntentStatus = { None: 0n, Succeeded: 1n, Failed: 2n } as const;

/** Grant statuses, as in `ISessionKeyModule.SessionStatus`. */
const SessionStatus = { Unregistered: 0n, Active: 2n } as const;

/** The 4-byte selector of `functionSignature`. */
function selectorOf(functionSignature: string): string {
  return dataSlice(id(functionSignature), 0, 4);
}

/** The session world, with the address of its token (1,000 tokens held by the wallet). */
async function tokenWorldFixture() {
  const world = await deploySessionWorld(ethers);
  return { ...world, tokenAddress: await world.token.getAddress() };
}

type TokenWorld = SessionWorld & { tokenAddress: string };

/**
 * The trading grant, plus a permission reading `functionSignature` on the wallet's token, last:
 * built without the SDK's checks, as a malicious app would build it for the owner to sign.
 */
async function grantWithTokenPermission(
  world: TokenWorld,
  functionSignature: string,
): Promise<SessionGrant> {
  const grant = await tradingGrant(world);
  return {
    ...grant,
    permissions: [...grant.permissions, { target: world.tokenAddress, functionSignature }],
  };
}

/** The entry the session key holds for `functionSignature` on `target`. */
async function entryOf(world: TokenWorld, target: string, functionSignature: string) {
  return world.module.permissionEntry(
    world.walletAddress,
    world.sessionKey.address,
    target,
    selectorOf(functionSignature),
  );
}

/** What a refused grant must leave as it was: its entries, its status and the wallet's tokens. */
async function grantFootprint(world: TokenWorld, grant: SessionGrant) {
  const entries = await Promise.all(
    grant.permissions.map(({ target, functionSignature }) =>
      entryOf(world, target, functionSignature),
    ),
  );
  return {
    validUntils: entries.map((entry) => entry.validUntil),
    status: await world.module.sessionStatus(grant),
    walletTokens: await world.token.balanceOf(world.walletAddress),
  };
}

/** The revert data of `GrantSelectorCollision` for `vector` on the world's token. */
function collisionError(world: TokenWorld, vector: SelectorCollision): string {
  return world.module.interface.encodeErrorResult("GrantSelectorCollision", [
    world.tokenAddress,
    vector.signature,
    vector.selector,
  ]);
}

describe("SessionKeyModule refuses a grant that hides a dangerous function", function () {
  const fixture = tokenWorldFixture;

  describe("a readable signature with a dangerous function's selector", function () {
    for (const vector of SELECTOR_COLLISIONS) {
      const what = `${vector.signature} (${vector.selector}, the selector of ${vector.hides})`;

      it(`refuses ${what} by registerSession, wrapped by the owner's execute, writing nothing`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const grant = await grantWithTokenPermission(world, vector.signature);
        const before = await grantFootprint(world, grant);

        await expect(ownerExecutesOnModule(world, "registerSession", [grant]))
          .to.be.revertedWithCustomError(world.wallet, "WalletCallReverted")
          .withArgs(0n, collisionError(world, vector));
        expect(await grantFootprint(world, grant)).to.deep.equal(before);
        expect(before.status).to.equal(SessionStatus.Unregistered);
        expect(before.validUntils.every((validUntil) => validUntil === 0n)).to.equal(true);
      });

      it(`refuses a carried grant listing ${what}: the relay reverts, the intent stays unrelayed`, async function () {
        const world = await networkHelpers.loadFixture(fixture);
        const signedGrant = await signGrant(
          world,
          await grantWithTokenPermission(world, vector.signature),
        );
        const signed = await sessionIntent(
          world,
          { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
          { carry: signedGrant },
        );
        const before = await grantFootprint(world, signedGrant.grant);

        await expect(relay(world, signed))
          .to.be.revertedWithCustomError(world.module, "GrantSelectorCollision")
          .withArgs(world.tokenAddress, vector.signature, vector.selector);
        expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
        expect(await world.exchange.orderCount()).to.equal(0n);
        expect(await grantFootprint(world, signedGrant.grant)).to.deep.equal(before);
      });
    }
  });

  it("refuses it by an owner intent: the intent is Failed, with GrantSelectorCollision inside IntentFailed", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const [vector] = SELECTOR_COLLISIONS;
    const grant = await grantWithTokenPermission(world, vector.signature);
    const { signed } = await signedIntent(world, {
      calls: [moduleCall(world, "registerSession", [grant])],
    });

    await expect(relay(world, signed))
      .to.emit(world.wallet, "IntentFailed")
      .withArgs(signed.id, walletCallReverted(world, 0n, collisionError(world, vector)));
    expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.Failed);
    expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);
  });

  it("keeps the wallet's tokens from a session key whose grant read a harmless name for transfer", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const vector = SELECTOR_COLLISIONS.find(({ hides }) => hides === "transfer(address,uint256)")!;
    const signedGrant = await signGrant(
      world,
      await grantWithTokenPermission(world, vector.signature),
    );
    // The call the hidden selector would allow: the wallet's tokens to the app's own address.
    const steal = {
      to: world.tokenAddress,
      value: 0n,
      data: world.token.interface.encodeFunctionData("transfer", [
        world.stranger.address,
        10n ** 18n,
      ]),
    };
    const signed = await sessionIntent(world, { calls: [steal] }, { carry: signedGrant });
    const walletTokens = await world.token.balanceOf(world.walletAddress);

    await expect(relay(world, signed))
      .to.be.revertedWithCustomError(world.module, "GrantSelectorCollision")
      .withArgs(world.tokenAddress, vector.signature, vector.selector);
    expect(await world.token.balanceOf(world.walletAddress)).to.equal(walletTokens);
    expect(await world.token.balanceOf(world.stranger.address)).to.equal(0n);
  });
});

describe("SessionKeyModule registers a dangerous function under its own canonical signature", function () {
  const fixture = tokenWorldFixture;

  /** A grant of `functionSignatures` on the wallet's token, built by the SDK (which accepts them). */
  async function tokenGrant(world: TokenWorld, functionSignatures: string[]) {
    return tradingGrant(world, {
      permissions: functionSignatures.map((functionSignature) => ({
        target: world.tokenAddress,
        functionSignature,
      })),
    });
  }

  for (const { signature, selector } of DANGEROUS_FUNCTIONS) {
    it(`registers a grant of ${signature} (${selector}) on a token, by registerSession`, async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tokenGrant(world, [signature]);

      await expect(ownerExecutesOnModule(world, "registerSession", [grant])).to.emit(
        world.module,
        "SessionRegistered",
      );
      expect((await entryOf(world, world.tokenAddress, signature)).validUntil).to.equal(
        grant.validUntil,
      );
      expect(await world.module.sessionStatus(grant)).to.equal(SessionStatus.Active);
    });
  }

  it("registers a carried grant listing every dangerous function by its canonical signature", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const signatures = DANGEROUS_FUNCTIONS.map(({ signature }) => signature);
    const signedGrant = await signGrant(world, await tokenGrant(world, signatures));
    const approve = {
      to: world.tokenAddress,
      value: 0n,
      data: world.token.interface.encodeFunctionData("approve", [world.stranger.address, 1n]),
    };
    const signed = await sessionIntent(world, { calls: [approve] }, { carry: signedGrant });

    await expect(relay(world, signed))
      .to.emit(world.module, "SessionRegistered")
      .withArgs(world.walletAddress, signedGrant.id, world.sessionKey.address, anyValue);
    for (const signature of signatures) {
      expect((await entryOf(world, world.tokenAddress, signature)).validUntil).to.equal(
        signedGrant.grant.validUntil,
      );
    }
    expect(await world.wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
  });

  it("lets a session key granted transfer(address,uint256), as the owner read it, transfer the wallet's tokens", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const signedGrant = await signGrant(
      world,
      await tokenGrant(world, ["transfer(address,uint256)"]),
    );
    const transfer = {
      to: world.tokenAddress,
      value: 0n,
      data: world.token.interface.encodeFunctionData("transfer", [world.stranger.address, 5n]),
    };
    const signed = await sessionIntent(world, { calls: [transfer] }, { carry: signedGrant });

    await expect(relay(world, signed)).to.changeTokenBalances(
      ethers,
      world.token,
      [world.walletAddress, world.stranger.address],
      [-5n, 5n],
    );
  });
});

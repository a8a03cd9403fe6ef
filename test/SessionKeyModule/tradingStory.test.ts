import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { Interface, TypedDataEncoder, verifyTypedData } from "ethers";
import { network } from "hardhat";

import { mutableGrantTypes, sessionDomain, type SignedIntent } from "../../src/sdk/index.js";
import { signedIntent } from "../helpers/intents.js";
import {
  CANCEL_ORDER,
  deploySessionWorld,
  exchangeCall,
  MODIFY_ORDER,
  moduleCall,
  PLACE_ORDER,
  relay,
  sessionIntent,
  signGrant,
  tradingGrant,
  WITHDRAW,
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

/** The selector of `functionSignature`, as the module derives it from the grant. */
function selectorOf(functionSignature: string): string {
  return new Interface([`function ${functionSignature}`]).getFunction(functionSignature)!.selector;
}

/** How many transactions `address` has sent so far. */
async function transactionsSentBy(world: SessionWorld, address: string): Promise<number> {
  return world.ethers.provider.getTransactionCount(address);
}

describe("SessionKeyModule: the trading story", function () {
  async function fixture() {
    return deploySessionWorld(ethers);
  }

  it("lets a trading app trade for the owner after one readable signature and no transaction, until the owner revokes it", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { owner, relayer, wallet, walletAddress, module, moduleAddress, exchange, sessionKey } =
      world;
    const ownerTransactionsBefore = await transactionsSentBy(world, owner.address);

    // 1. The app asks the owner for ONE signature, shown by the owner's wallet as readable typed data:
    //    who asks (the app), for which account, which key, which actions, until when.
    const grant = await tradingGrant(world);
    const prompt = TypedDataEncoder.getPayload(
      sessionDomain({ module: moduleAddress, chainId: world.chainId }),
      mutableGrantTypes(),
      grant,
    );
    // (The payload is what eth_signTypedData_v4 receives: addresses in lower case, integers as decimals.)
    expect(prompt.domain).to.deep.equal({
      name: "IntentWallet Sessions",
      version: "1",
      chainId: world.chainId.toString(),
      verifyingContract: moduleAddress.toLowerCase(),
    });
    expect(prompt.primaryType).to.equal("SessionGrant");
    expect(
      prompt.types.SessionGrant.map((field: { name: string }) => field.name),
    ).to.include.members(["wallet", "app", "sessionKey", "permissions", "validUntil"]);
    expect(prompt.types.Permission).to.deep.equal([
      { name: "target", type: "address" },
      { name: "functionSignature", type: "string" },
    ]);
    expect(prompt.message).to.deep.include({
      wallet: walletAddress.toLowerCase(),
      app: "trade.example.com",
      sessionKey: sessionKey.address.toLowerCase(),
      validUntil: grant.validUntil.toString(),
    });
    const exchangeAddress = world.exchangeAddress.toLowerCase();
    expect(prompt.message.permissions).to.deep.equal([
      { target: exchangeAddress, functionSignature: "placeOrder(uint256,uint256)" },
      { target: exchangeAddress, functionSignature: "modifyOrder(uint256,uint256,uint256)" },
      { target: exchangeAddress, functionSignature: "cancelOrder(uint256)" },
    ]);

    const signedGrant = await signGrant(world, grant);
    expect(
      verifyTypedData(prompt.domain, mutableGrantTypes(), grant, signedGrant.ownerSignature),
    ).to.equal(owner.address);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Unregistered);

    // 2. The app places its first order with the grant carried inside: registered on the way,
    //    in the same relay, with no transaction of its own.
    const relayed: SignedIntent[] = [];
    const firstOrder = await sessionIntent(
      world,
      { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
      { carry: signedGrant },
    );
    const firstRelay = relay(world, firstOrder);
    await expect(firstRelay)
      .to.emit(module, "SessionRegistered")
      .withArgs(walletAddress, signedGrant.id, sessionKey.address, anyValue);
    await expect(firstRelay).to.emit(exchange, "OrderPlaced").withArgs(1n, walletAddress, 100n, 5n);
    relayed.push(firstOrder);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Active);

    // 3. More orders, a modify and a cancel: the session key signs, the relayer relays.
    const trades: Array<[string, bigint[]]> = [
      [PLACE_ORDER, [101n, 2n]],
      [PLACE_ORDER, [99n, 7n]],
      [MODIFY_ORDER, [2n, 102n, 3n]],
      [CANCEL_ORDER, [3n]],
    ];
    for (const [functionSignature, args] of trades) {
      const signed = await sessionIntent(world, {
        calls: [exchangeCall(world, functionSignature, args)],
      });
      await expect(relay(world, signed))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
      relayed.push(signed);
    }

    // Each order is on the exchange, made by the wallet.
    expect(await exchange.orderCount()).to.equal(3n);
    const order1 = await exchange.orders(1n);
    expect([order1.maker, order1.open, order1.price, order1.amount]).to.deep.equal([
      walletAddress,
      true,
      100n,
      5n,
    ]);
    const order2 = await exchange.orders(2n);
    expect([order2.maker, order2.open, order2.price, order2.amount]).to.deep.equal([
      walletAddress,
      true,
      102n, // modified from 101
      3n, // modified from 2
    ]);
    const order3 = await exchange.orders(3n);
    expect([order3.maker, order3.open, order3.price, order3.amount]).to.deep.equal([
      walletAddress,
      false, // canceled
      99n,
      7n,
    ]);

    // 4. The session key tries a call the grant does not list (withdraw): refused by the module.
    const withdraw = await sessionIntent(world, {
      calls: [exchangeCall(world, WITHDRAW, [sessionKey.address, 1n])],
    });
    await expect(relay(world, withdraw))
      .to.be.revertedWithCustomError(module, "SessionCallNotAllowed")
      .withArgs(0n, world.exchangeAddress, selectorOf(WITHDRAW));
    expect(await exchange.withdrawals(walletAddress)).to.equal(0n);
    expect(await wallet.intentStatus(withdraw.id)).to.equal(IntentStatus.None);

    // So far the owner only signed: not one transaction.
    expect(await transactionsSentBy(world, owner.address)).to.equal(ownerTransactionsBefore);

    // 5. The app signs another order, but before it is relayed the owner revokes the session,
    //    with an owner intent (relayed like any other) that calls the module.
    const lateOrder = await sessionIntent(world, {
      calls: [exchangeCall(world, PLACE_ORDER, [98n, 1n])],
    });
    const { signed: revocation } = await signedIntent(world, {
      calls: [moduleCall(world, "revokeSession", [grant])],
    });
    await expect(relay(world, revocation))
      .to.emit(module, "SessionRevoked")
      .withArgs(walletAddress, signedGrant.id);
    expect(await module.sessionStatus(grant)).to.equal(SessionStatus.Revoked);

    // 6. The next order is rejected, signed while the session was valid or not.
    await expect(relay(world, lateOrder))
      .to.be.revertedWithCustomError(module, "SessionIsRevoked")
      .withArgs(sessionKey.address);
    expect(await wallet.intentStatus(lateOrder.id)).to.equal(IntentStatus.None);
    expect(await exchange.orderCount()).to.equal(3n);

    // 7. Revocation is not retroactive: the orders stay on the exchange and every earlier
    //    intent keeps its receipt, relayed by the relayer.
    expect((await exchange.orders(1n)).maker).to.equal(walletAddress);
    expect((await exchange.orders(2n)).price).to.equal(102n);
    for (const signed of relayed) {
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      expect((await wallet.intentReceipt(signed.id)).relayer).to.equal(relayer.address);
    }

    // Even revoking took no transaction of the owner: it signed the grant and the revocation, nothing more.
    expect(await transactionsSentBy(world, owner.address)).to.equal(ownerTransactionsBefore);
  });

  it("refuses an order relayed at the deadline second, though signed in time, and keeps the orders relayed before", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, module, exchange, sessionKey, relayer } = world;
    const signedGrant = await signGrant(world, await tradingGrant(world));
    const { validUntil } = signedGrant.grant;
    const firstOrder = await sessionIntent(
      world,
      { calls: [exchangeCall(world, PLACE_ORDER, [100n, 5n])] },
      { carry: signedGrant },
    );
    const lastOrder = await sessionIntent(world, {
      calls: [exchangeCall(world, PLACE_ORDER, [101n, 5n])],
    });
    const tooLate = await sessionIntent(world, {
      calls: [exchangeCall(world, PLACE_ORDER, [102n, 5n])],
    });

    await relay(world, firstOrder);
    await networkHelpers.time.setNextBlockTimestamp(validUntil - 1n);
    await relay(world, lastOrder); // the last second of the session
    await networkHelpers.time.setNextBlockTimestamp(validUntil);
    await expect(relay(world, tooLate))
      .to.be.revertedWithCustomError(module, "SessionExpired")
      .withArgs(sessionKey.address, validUntil);

    await networkHelpers.mine(); // a block at or after the deadline, for the view below
    expect(await module.sessionStatus(signedGrant.grant)).to.equal(SessionStatus.Expired);
    expect(await exchange.orderCount()).to.equal(2n);
    expect((await exchange.orders(2n)).maker).to.equal(walletAddress);
    for (const signed of [firstOrder, lastOrder]) {
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      expect((await wallet.intentReceipt(signed.id)).relayer).to.equal(relayer.address);
    }
    expect(await wallet.intentStatus(tooLate.id)).to.equal(IntentStatus.None);
  });
});

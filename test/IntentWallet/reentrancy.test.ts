import { expect } from "chai";
import { concat, dataLength, getCreateAddress, keccak256, toBeHex, type Signer } from "ethers";
import { network } from "hardhat";

import { toModuleSignature, type Call, type Intent, IntentStatus } from "../../src/sdk/index.js";
import { deployWalletWorld, buildIntentNow, signForWallet } from "../helpers/walletFixture.js";
import { selfCall, signedIntent, targetCall, walletCallReverted } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

/*
 * An intent can't carry calldata that contains its own ID or its own signature: the ID is the
 * hash of the calls, so "call relay(thisIntent, itsSignature)" or "cancelIntents([myOwnId])"
 * has no fixed point. To re-enter the wallet with the running intent's own ID, the intent calls
 * a tiny contract whose address is known in advance (CREATE address of a given nonce) and that
 * is deployed only after the intent is signed, with the re-entering calldata in its own code.
 * The contracts below are hand-assembled because test contracts may not be added to the repo.
 */

/** Code that copies `payload` (placed at `payloadOffset` in its code) to memory and CALLs `to`
 *  with it, all gas, no value; leaves the call's success flag on the stack. */
function callWithPayload(to: string, payloadLength: number, payloadOffset: number): string {
  const size = toBeHex(payloadLength, 2);
  // prettier-ignore
  return concat([
    "0x61", size, "0x61", toBeHex(payloadOffset, 2), "0x6000", "0x39", // CODECOPY(0, offset, size)
    "0x6000", "0x6000", "0x61", size, "0x6000", "0x6000", // retSize, retOffset, argsSize, argsOffset, value
    "0x73", to, "0x5a", "0xf1", // PUSH20 to, GAS, CALL
  ]);
}

/** Length of `callWithPayload`'s code. */
const CALL_WITH_PAYLOAD_LENGTH = 43;

/**
 * Runtime code of a "deferred call": whenever called, it calls `to` with `payload` and
 * stores the call's success flag in slot 0. With `bubble`, a failure is re-thrown with the
 * callee's revert data; without it, the keccak256 of the revert data is stored in slot 1 and
 * the deferred call succeeds anyway.
 */
function deferredCallRuntime(to: string, payload: string, bubble: boolean): string {
  const length = dataLength(payload);
  const storeSuccess = "0x80600055"; // DUP1, PUSH1 0, SSTORE: slot 0 = success
  const tailStart = CALL_WITH_PAYLOAD_LENGTH + dataLength(storeSuccess);
  // prettier-ignore
  const tail = bubble
    ? concat([
        "0x60", toBeHex(tailStart + 13, 1), "0x57", // PUSH1 ok, JUMPI
        "0x3d600060003e", // RETURNDATACOPY(0, 0, returndatasize)
        "0x3d6000fd", // REVERT(0, returndatasize)
        "0x5b00", // ok (offset tailStart + 13): JUMPDEST, STOP
      ])
    : concat([
        "0x50", // POP success
        "0x3d600060003e", // RETURNDATACOPY(0, 0, returndatasize)
        "0x3d600020", // KECCAK256(0, returndatasize)
        "0x600155", // SSTORE: slot 1 = keccak256(revert data)
        "0x00", // STOP
      ]);
  const payloadOffset = tailStart + dataLength(tail);
  const code = concat([callWithPayload(to, length, payloadOffset), storeSuccess, tail, payload]);
  expect(dataLength(code)).to.equal(payloadOffset + length);
  return code;
}

/**
 * Runtime code of a validator module that re-enters: the first time it is asked to validate,
 * it first calls `wallet` with `payload` (a relay of the very intent being validated), then
 * authorizes (returns `magic`); every later time it just authorizes.
 */
function reenteringModuleRuntime(wallet: string, payload: string, magic: string): string {
  const length = dataLength(payload);
  const authorize = 6 + 5 + CALL_WITH_PAYLOAD_LENGTH + 1; // offset of the JUMPDEST below
  // prettier-ignore
  const tail = concat([
    "0x5b", // authorize: JUMPDEST
    "0x63", magic, "0x60e01b", // PUSH4 magic, SHL 224
    "0x600052", // MSTORE(0, magic word)
    "0x60206000f3", // RETURN(0, 32)
  ]);
  const payloadOffset = authorize + dataLength(tail);
  // prettier-ignore
  const code = concat([
    "0x600054", // SLOAD(0)
    "0x60", toBeHex(authorize, 1), "0x57", // PUSH1 authorize, JUMPI: re-entered already
    "0x6001600055", // SSTORE(0, 1)
    callWithPayload(wallet, length, payloadOffset),
    "0x50", // POP success
    tail,
    payload,
  ]);
  expect(dataLength(code)).to.equal(payloadOffset + length);
  return code;
}

/** Init code returning `runtime`: PUSH2 len, DUP1, PUSH2 13, PUSH1 0, CODECOPY, PUSH1 0, RETURN. */
function initCodeFor(runtime: string): string {
  return concat(["0x61", toBeHex(dataLength(runtime), 2), "0x8061000d6000396000f3", runtime]);
}

/** The address the next contract `deployer` deploys will have. */
async function nextContractAddress(deployer: Signer): Promise<string> {
  const from = await deployer.getAddress();
  return getCreateAddress({ from, nonce: await deployer.getNonce() });
}

async function deployRuntime(deployer: Signer, runtime: string): Promise<string> {
  const expected = await nextContractAddress(deployer);
  const receipt = await (await deployer.sendTransaction({ data: initCodeFor(runtime) })).wait();
  expect(receipt!.contractAddress).to.equal(expected);
  expect(await ethers.provider.getCode(expected)).to.equal(runtime.toLowerCase());
  return expected;
}

describe("IntentWallet reentrancy", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const [, , , deployer] = await ethers.getSigners();
    return { ...world, deployer };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  function relayData(world: World, intent: Intent, signature: string): string {
    return world.wallet.interface.encodeFunctionData("relay", [intent, signature]);
  }

  /**
   * Two owner-signed intents: `inner`, with the single call `innerCall`, and `outer`, whose first
   * call has the target relay `inner` on the wallet (CallTarget.callBack) and whose second is `lastCall`.
   */
  async function nestedIntents(world: World, innerCall: Call, lastCall: Call) {
    const inner = await signForWallet(world, await buildIntentNow(world, { calls: [innerCall] }));
    const relayInner = await targetCall(world, "callBack", [
      world.walletAddress,
      relayData(world, inner.intent, inner.signature),
    ]);
    const outer = await signForWallet(
      world,
      await buildIntentNow(world, { calls: [relayInner, lastCall] }),
    );
    return { inner, outer };
  }

  /** How many IntentRelayed events for `id` a transaction emitted. */
  async function relayedEvents(world: World, txHash: string, id: string): Promise<number> {
    const receipt = await ethers.provider.getTransactionReceipt(txHash);
    return receipt!.logs
      .filter((log) => log.address === world.walletAddress)
      .map((log) => world.wallet.interface.parseLog(log))
      .filter((event) => event?.name === "IntentRelayed" && event.args.id === id).length;
  }

  it("fails an intent whose call re-enters relay with its own ID (via CallTarget.callBack)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer, deployer } = world;
    const reentry = await nextContractAddress(deployer);
    const { intent, signed } = await signedIntent(world, {
      calls: [await targetCall(world, "ping", [1n]), { to: reentry, data: "0x" }],
    });
    // The deferred call: target.callBack(wallet, relay(intent, signature)), reverts bubbled.
    const callBack = target.interface.encodeFunctionData("callBack", [
      walletAddress,
      relayData(world, intent, signed.signature),
    ]);
    await deployRuntime(deployer, deferredCallRuntime(await target.getAddress(), callBack, true));

    const alreadyRelayed = wallet.interface.encodeErrorResult("IntentAlreadyRelayed", [signed.id]);
    const tx = await wallet.connect(relayer).relay(intent, signed.signature);
    await expect(tx)
      .to.emit(wallet, "IntentFailed")
      .withArgs(signed.id, walletCallReverted(world, 1n, alreadyRelayed));
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, false);
    expect(await relayedEvents(world, tx.hash, signed.id)).to.equal(1);

    const receipt = await wallet.intentReceipt(signed.id);
    expect(receipt.status).to.equal(IntentStatus.Failed);
    expect(receipt.relayer).to.equal(relayer.address);
    expect(await target.pings()).to.equal(0n); // the batch was undone
  });

  it("executes an ID once when its call re-enters relay with its own ID and swallows the error", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer, deployer } = world;
    const reentry = await nextContractAddress(deployer);
    const { intent, signed } = await signedIntent(world, {
      calls: [await targetCall(world, "ping", [1n]), { to: reentry, data: "0x" }],
    });
    const payload = relayData(world, intent, signed.signature);
    await deployRuntime(deployer, deferredCallRuntime(walletAddress, payload, false));

    const tx = await wallet.connect(relayer).relay(intent, signed.signature);
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(signed.id, relayer.address, true);
    expect(await relayedEvents(world, tx.hash, signed.id)).to.equal(1);
    expect(await target.pings()).to.equal(1n);
    expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);

    // The re-entering relay failed with IntentAlreadyRelayed(id).
    expect(await ethers.provider.getStorage(reentry, 0)).to.equal(ethers.ZeroHash);
    expect(await ethers.provider.getStorage(reentry, 1)).to.equal(
      keccak256(wallet.interface.encodeErrorResult("IntentAlreadyRelayed", [signed.id])),
    );
  });

  it("refuses a call back into cancelIntents for the running intent from its call target", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer, deployer } = world;
    const targetAddress = await target.getAddress();
    const reentry = await nextContractAddress(deployer);
    const { intent, signed } = await signedIntent(world, { calls: [{ to: reentry, data: "0x" }] });
    // target.callBack(wallet, cancelIntents([id])): the wallet sees msg.sender == target.
    const callBack = target.interface.encodeFunctionData("callBack", [
      walletAddress,
      wallet.interface.encodeFunctionData("cancelIntents", [[signed.id]]),
    ]);
    await deployRuntime(deployer, deferredCallRuntime(targetAddress, callBack, true));

    const unauthorized = wallet.interface.encodeErrorResult("WalletUnauthorized", [targetAddress]);
    const tx = wallet.connect(relayer).relay(intent, signed.signature);
    await expect(tx)
      .to.emit(wallet, "IntentFailed")
      .withArgs(signed.id, walletCallReverted(world, 0n, unauthorized));
    await expect(tx).not.to.emit(wallet, "IntentCanceled");

    const receipt = await wallet.intentReceipt(signed.id);
    expect(receipt.status).to.equal(IntentStatus.Failed); // relayed (and failed), not canceled
    expect(receipt.relayer).to.equal(relayer.address);
  });

  it("refuses an owner-signed self-call cancelIntents of an intent while that intent runs", async function () {
    // The running intent A calls out; from there, an owner-signed intent B is relayed whose
    // call is the wallet's own cancelIntents([A's ID]): an authorized self-call. A's ID is
    // already consumed, so the cancel reverts with IntentAlreadyRelayed and B fails.
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, relayer, deployer } = world;
    const reentry = await nextContractAddress(deployer);
    const running = await signForWallet(
      world,
      await buildIntentNow(world, { calls: [{ to: reentry, data: "0x" }] }),
    );
    const cancelSelf = await signForWallet(
      world,
      await buildIntentNow(world, { calls: [selfCall(world, "cancelIntents", [[running.id]])] }),
    );
    const payload = relayData(world, cancelSelf.intent, cancelSelf.signature);
    await deployRuntime(deployer, deferredCallRuntime(walletAddress, payload, true));

    const alreadyRelayed = wallet.interface.encodeErrorResult("IntentAlreadyRelayed", [running.id]);
    const tx = wallet.connect(relayer).relay(running.intent, running.signature);
    await expect(tx)
      .to.emit(wallet, "IntentFailed")
      .withArgs(cancelSelf.id, walletCallReverted(world, 0n, alreadyRelayed));
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(cancelSelf.id, reentry, false);
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(running.id, relayer.address, true);
    await expect(tx).not.to.emit(wallet, "IntentCanceled");

    expect(await wallet.intentStatus(running.id)).to.equal(IntentStatus.Succeeded);
    expect(await wallet.intentStatus(cancelSelf.id)).to.equal(IntentStatus.Failed);
  });

  it("relays a different intent nested inside a running intent", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, target, relayer } = world;
    const targetAddress = await target.getAddress();
    const { inner, outer } = await nestedIntents(
      world,
      await targetCall(world, "ping", [5n]),
      await targetCall(world, "ping", [6n]),
    );

    const tx = wallet.connect(relayer).relay(outer.intent, outer.signature);
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(inner.id, targetAddress, true);
    await expect(tx).to.emit(wallet, "IntentRelayed").withArgs(outer.id, relayer.address, true);
    await expect(tx).to.emit(target, "Pinged").withArgs(walletAddress, 0n, 5n);
    await expect(tx).to.emit(target, "Pinged").withArgs(walletAddress, 0n, 6n);

    expect(await target.pings()).to.equal(2n);
    const innerReceipt = await wallet.intentReceipt(inner.id);
    expect(innerReceipt.status).to.equal(IntentStatus.Succeeded);
    expect(innerReceipt.relayer).to.equal(targetAddress);
    expect(await wallet.intentStatus(outer.id)).to.equal(IntentStatus.Succeeded);
  });

  it("undoes a nested intent when the batch that relayed it fails, so it can be relayed later", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, target, relayer } = world;
    const { inner, outer } = await nestedIntents(
      world,
      await targetCall(world, "ping", [5n]),
      await targetCall(world, "fail", [3n]),
    );

    await wallet.connect(relayer).relay(outer.intent, outer.signature);
    expect(await wallet.intentStatus(outer.id)).to.equal(IntentStatus.Failed);
    expect(await wallet.intentStatus(inner.id)).to.equal(IntentStatus.None);
    expect(await target.pings()).to.equal(0n);

    await wallet.connect(relayer).relay(inner.intent, inner.signature);
    expect(await wallet.intentStatus(inner.id)).to.equal(IntentStatus.Succeeded);
    expect(await target.pings()).to.equal(1n);
  });

  // The wallet consumes the ID before it asks a validator module, so a module that calls
  // back into relay with the same intent meets IntentAlreadyRelayed.
  it("executes a module-validated ID at most once even if the module re-enters relay", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, owner, target, relayer, deployer } = world;
    const module = await nextContractAddress(deployer);
    const intent = await buildIntentNow(world, { calls: [await targetCall(world, "ping", [1n])] });
    const id = await wallet.intentId(intent);
    const signature = toModuleSignature(module, "0x");
    const validators = await ethers.getContractFactory("MockValidator");
    const validateSelector = validators.interface.getFunction("validateIntent")!.selector;
    await deployRuntime(
      deployer,
      reenteringModuleRuntime(walletAddress, relayData(world, intent, signature), validateSelector),
    );
    await wallet.connect(owner).installModule(module);

    const tx = await wallet.connect(relayer).relay(intent, signature, { gasLimit: 3_000_000n });
    expect(await relayedEvents(world, tx.hash, id)).to.equal(1);
    expect(await target.pings()).to.equal(1n);
  });
});

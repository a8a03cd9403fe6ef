import { expect } from "chai";
import { AbiCoder, JsonRpcProvider, dataSlice, getBytes, id, makeError, toBeHex } from "ethers";
import { network } from "hardhat";

import {
  ContractRevertError,
  IntentWalletSdkError,
  InvalidSignedIntentError,
  UnknownRevertError,
  decodeFailureReason,
  decodeRevert,
  findRevertData,
  isContractRevertError,
  withDecodedRevert,
  type ContractErrorArgs,
  type DecodedRevert,
  type Intent,
} from "../../src/sdk/index.js";
import { CallTarget__factory } from "../../typechain-types/factories/contracts/mocks/CallTarget__factory.js";
import { IntentWallet__factory } from "../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { signedIntent, targetCall } from "../helpers/intents.js";
import {
  WITHDRAW,
  deploySessionWorldWithRegisteredGrant,
  exchangeCall,
  moduleCall,
  ownerExecutesOnModule,
  sessionIntent,
  tradingGrant,
} from "../helpers/sessionFixture.js";
import { buildIntentNow, signForWallet } from "../helpers/walletFixture.js";
import { rejectionOf } from "../helpers/rejection.js";

const { ethers, networkHelpers } = await network.create();

const walletInterface = IntentWallet__factory.createInterface();
const targetInterface = CallTarget__factory.createInterface();

const SOME_ID = id("some intent");
const INTENT_EXPIRED = walletInterface.encodeErrorResult("IntentExpired", [SOME_ID, 1732000000n]);

/** Compile-time check that `Actual` and `Expected` are the same type. */
type Equals<Actual, Expected> =
  (<T>() => T extends Actual ? 1 : 2) extends <T>() => T extends Expected ? 1 : 2 ? true : false;
const typeChecks: [
  Equals<ContractErrorArgs<"IntentExpired">, { readonly id: string; readonly expiration: bigint }>,
  Equals<
    ContractErrorArgs<"SessionCallNotAllowed">,
    { readonly index: bigint; readonly target: string; readonly selector: string }
  >,
  Equals<ContractRevertError<"WalletCallReverted">["contract"], "IntentWallet">,
  Equals<ContractRevertError<"GrantMalformed">["args"], readonly []>,
] = [true, true, true, true];

describe("SDK errors", function () {
  async function fixture() {
    return deploySessionWorldWithRegisteredGrant(ethers);
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** An owner-signed intent that pinged the target, expired one second ago. */
  async function expiredIntent(world: World) {
    const now = BigInt(await networkHelpers.time.latest());
    const intent: Intent = {
      ...(await buildIntentNow(world, { calls: [await targetCall(world, "ping", [7n])] })),
      expiration: now,
    };
    return { intent, signed: await signForWallet(world, intent) };
  }

  it("types the arguments of each custom error, narrowed by its name", function () {
    /** Compiles only if checking `errorName` narrows `namedArgs`. */
    function expirationOf(decoded: DecodedRevert | undefined): bigint | undefined {
      if (decoded instanceof ContractRevertError && decoded.errorName === "IntentExpired") {
        return decoded.namedArgs.expiration;
      }
      return undefined;
    }

    expect(typeChecks).to.deep.equal([true, true, true, true]);
    expect(expirationOf(decodeRevert(INTENT_EXPIRED))).to.equal(1732000000n);
  });

  describe("on a real in-process network", function () {
    it("decodes IntentExpired from a relay of an expired intent, with named arguments", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { intent, signed } = await expiredIntent(world);

      const error = await rejectionOf(
        world.wallet.connect(world.relayer).relay(intent, signed.signature),
      );
      const decoded = decodeRevert(error);

      expect(decoded).to.be.instanceOf(ContractRevertError);
      expect(decoded).to.be.instanceOf(IntentWalletSdkError);
      if (!isContractRevertError(decoded, "IntentExpired")) throw new Error("not IntentExpired");
      expect(decoded.contract).to.equal("IntentWallet");
      expect(decoded.errorName).to.equal("IntentExpired");
      expect(decoded.signature).to.equal("IntentExpired(bytes32,uint256)");
      expect(decoded.namedArgs).to.deep.equal({ id: signed.id, expiration: intent.expiration });
      expect(decoded.args).to.deep.equal([signed.id, intent.expiration]);
      expect(decoded.message).to.equal(
        `IntentExpired(id=${signed.id}, expiration=${intent.expiration})`,
      );
      expect(decoded.cause).to.equal(error);
      expect(decoded.inner).to.equal(undefined);
    });

    it("decodes the same revert from a simulation (staticCall)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { intent, signed } = await expiredIntent(world);

      const error = await rejectionOf(
        world.wallet.connect(world.relayer).relay.staticCall(intent, signed.signature),
      );

      expect(decodeRevert(error)?.shortMessage).to.equal(
        `IntentExpired(id=${signed.id}, expiration=${intent.expiration})`,
      );
    });

    it("withDecodedRevert throws the typed error, its cause the original", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { intent, signed } = await expiredIntent(world);

      const error = await rejectionOf(
        withDecodedRevert(world.wallet.connect(world.relayer).relay(intent, signed.signature)),
      );

      expect(isContractRevertError(error, "IntentExpired")).to.equal(true);
      const { cause } = error as ContractRevertError;
      expect(cause).to.be.instanceOf(Error);
      expect(cause).to.not.be.instanceOf(IntentWalletSdkError);
      expect(findRevertData(cause)).to.equal((error as ContractRevertError).data);
    });

    it("withDecodedRevert returns the value of a call that succeeds", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { signed } = await signedIntent(world, {
        calls: [await targetCall(world, "ping", [7n])],
      });

      const tx = await withDecodedRevert(
        world.wallet.connect(world.relayer).relay(signed.intent, signed.signature),
      );
      const receipt = await tx.wait();

      expect(receipt?.status).to.equal(1);
      expect(await world.wallet.intentStatus(signed.id)).to.equal(1n);
    });

    it("decodes a session intent refused by the module as SessionCallNotAllowed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const withdraw = exchangeCall(world, WITHDRAW, [world.stranger.address, 1n]);
      const signed = await sessionIntent(world, { calls: [withdraw] });

      const error = await rejectionOf(
        withDecodedRevert(
          world.wallet.connect(world.relayer).relay(signed.intent, signed.signature),
        ),
      );

      if (!isContractRevertError(error, "SessionCallNotAllowed")) throw error;
      expect(error.contract).to.equal("SessionKeyModule");
      expect(error.namedArgs).to.deep.equal({
        index: 0n,
        target: world.exchangeAddress,
        selector: dataSlice(withdraw.data, 0, 4),
      });
      expect(error.shortMessage).to.equal(
        `SessionCallNotAllowed(index=0, target=${world.exchangeAddress}, selector=${dataSlice(withdraw.data, 0, 4)})`,
      );
    });

    it("unwraps the module's error inside WalletCallReverted from the owner's execute", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      // A grant for another wallet: the module refuses to register it for this one.
      const grant = await tradingGrant(world, { wallet: world.stranger.address });

      const error = await rejectionOf(
        withDecodedRevert(ownerExecutesOnModule(world, "registerSession", [grant])),
      );

      if (!isContractRevertError(error, "WalletCallReverted")) throw error;
      expect(error.contract).to.equal("IntentWallet");
      expect(error.namedArgs.index).to.equal(0n);
      const { inner } = error;
      if (!isContractRevertError(inner, "SessionCallerNotWallet")) throw new Error("no inner");
      expect(inner.contract).to.equal("SessionKeyModule");
      expect(inner.namedArgs).to.deep.equal({
        caller: world.walletAddress,
        wallet: world.stranger.address,
      });
      expect(error.namedArgs.reason).to.equal(inner.data);
      expect(error.shortMessage).to.equal(
        `WalletCallReverted(index=0, reason=SessionCallerNotWallet(caller=${world.walletAddress}, wallet=${world.stranger.address}))`,
      );
    });

    it("decodes an IntentFailed reason of a failing batch call, with the module's error inside", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const grant = await tradingGrant(world, { wallet: world.stranger.address });
      const { signed } = await signedIntent(world, {
        calls: [
          await targetCall(world, "ping", [7n]),
          moduleCall(world, "registerSession", [grant]),
        ],
      });

      const receipt = await (
        await world.wallet.connect(world.relayer).relay(signed.intent, signed.signature)
      ).wait();
      const failed = receipt!.logs
        .map((log) => world.wallet.interface.parseLog(log))
        .find((parsed) => parsed?.name === "IntentFailed");
      const failure = decodeFailureReason(failed!.args.reason);

      if (!isContractRevertError(failure, "WalletCallReverted")) throw failure;
      expect(failure.namedArgs.index).to.equal(1n);
      expect(isContractRevertError(failure.inner, "SessionCallerNotWallet")).to.equal(true);
      expect(failure.cause).to.equal(undefined);
    });

    it("decodes an IntentFailed reason of one failing call to a target the SDK has no ABI for", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { signed } = await signedIntent(world, {
        calls: [await targetCall(world, "fail", [42n])],
      });

      const tx = world.wallet.connect(world.relayer).relay(signed.intent, signed.signature);
      const receipt = await (await tx).wait();
      const [event] = await world.wallet.queryFilter(
        world.wallet.filters.IntentFailed(signed.id),
        receipt!.blockNumber,
      );
      const failure = decodeFailureReason(event.args.reason);

      if (!isContractRevertError(failure, "WalletCallReverted")) throw failure;
      expect(failure.namedArgs.index).to.equal(0n);
      expect(failure.inner).to.be.instanceOf(UnknownRevertError);
      const innerData = (failure.inner as UnknownRevertError).data;
      expect(targetInterface.parseError(innerData)?.name).to.equal("TargetFailed");
      expect(failure.shortMessage).to.equal(`WalletCallReverted(index=0, reason=${innerData})`);
    });

    it("keeps the first 256 bytes of a long revert, which then decode as unknown data", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { signed } = await signedIntent(world, {
        calls: [await targetCall(world, "failWithData", [300n])],
      });

      const receipt = await (
        await world.wallet.connect(world.relayer).relay(signed.intent, signed.signature)
      ).wait();
      const [event] = await world.wallet.queryFilter(
        world.wallet.filters.IntentFailed(signed.id),
        receipt!.blockNumber,
      );
      const failure = decodeFailureReason(event.args.reason);

      if (!isContractRevertError(failure, "WalletCallReverted")) throw failure;
      expect((failure.inner as UnknownRevertError).data).to.equal(toBeHex(0n, 256));
    });
  });

  describe("finding revert data in errors", function () {
    const provider = new JsonRpcProvider("http://127.0.0.1:1", 31337, { staticNetwork: true });
    after(() => provider.destroy());

    it("reads an ethers CallExceptionError of eth_call (data)", function () {
      const error = provider.getRpcError(
        {
          method: "eth_call",
          params: [{ to: SOME_ID.slice(0, 42), data: "0x12345678" }],
          id: 1,
          jsonrpc: "2.0",
        },
        { id: 1, error: { code: 3, message: "execution reverted", data: INTENT_EXPIRED } },
      );

      expect(error).to.have.property("code", "CALL_EXCEPTION");
      expect(decodeRevert(error)?.shortMessage).to.equal(
        `IntentExpired(id=${SOME_ID}, expiration=1732000000)`,
      );
    });

    it("reads an ethers error of eth_sendTransaction (error.data), never the calldata", function () {
      const error = provider.getRpcError(
        { method: "eth_sendTransaction", params: [{ data: "0x12345678" }], id: 1, jsonrpc: "2.0" },
        { id: 1, error: { code: -32000, message: "reverted", data: INTENT_EXPIRED } },
      );

      expect(error).to.have.property("code", "UNKNOWN_ERROR");
      expect(findRevertData(error)).to.equal(INTENT_EXPIRED);
    });

    it("reads info.error.data, a nested { data } object and a cause", function () {
      const cases: unknown[] = [
        makeError("could not coalesce error", "UNKNOWN_ERROR", {
          info: { error: { code: 3, message: "reverted", data: INTENT_EXPIRED } },
        }),
        { message: "reverted", data: { message: "reverted", data: INTENT_EXPIRED } },
        new Error("outer", { cause: new Error("inner", { cause: { data: INTENT_EXPIRED } }) }),
      ];

      for (const error of cases) expect(findRevertData(error)).to.equal(INTENT_EXPIRED);
    });

    it("does not take a transaction's calldata for revert data", function () {
      const error = makeError("transaction execution reverted", "CALL_EXCEPTION", {
        action: "sendTransaction",
        data: null,
        reason: null,
        invocation: null,
        revert: null,
        transaction: { to: null, from: undefined, data: INTENT_EXPIRED },
        receipt: undefined,
      });

      expect(decodeRevert(error)).to.equal(undefined);
    });

    it("returns undefined for errors without revert data", function () {
      for (const value of [new Error("network down"), undefined, null, "reverted", 42, {}]) {
        expect(decodeRevert(value)).to.equal(undefined);
      }
    });

    it("decodes revert data given directly, as hex in any case or as bytes", function () {
      for (const data of [
        INTENT_EXPIRED,
        INTENT_EXPIRED.toUpperCase().replace("0X", "0x"),
        getBytes(INTENT_EXPIRED),
      ]) {
        const decoded = decodeRevert(data);
        expect(isContractRevertError(decoded, "IntentExpired")).to.equal(true);
        expect(decoded?.data).to.equal(INTENT_EXPIRED);
        expect(decoded?.cause).to.equal(undefined);
      }
    });

    it("returns an SDK revert error unchanged", function () {
      const decoded = decodeRevert(INTENT_EXPIRED);
      expect(decodeRevert(decoded)).to.equal(decoded);
    });

    it("rethrows a failure without revert data unchanged", async function () {
      const failure = new Error("network down");
      expect(await rejectionOf(withDecodedRevert(Promise.reject(failure)))).to.equal(failure);
    });
  });

  describe("revert data without a custom error of ours", function () {
    const abi = AbiCoder.defaultAbiCoder();

    it("describes Error(string), Panic(uint256), no data and unknown data", function () {
      const message = "0x08c379a0" + abi.encode(["string"], ["not enough"]).slice(2);
      const panic = "0x4e487b71" + abi.encode(["uint256"], [0x11n]).slice(2);
      const targetFailed = targetInterface.encodeErrorResult("TargetFailed", [3n]);

      const [byMessage, byPanic, empty, unknown] = [message, panic, "0x", targetFailed].map(
        (data) => decodeRevert(data) as UnknownRevertError,
      );

      expect(byMessage).to.be.instanceOf(UnknownRevertError);
      expect(byMessage.reason).to.equal("not enough");
      expect(byMessage.shortMessage).to.equal('Reverted with Error("not enough")');
      expect(byPanic.panicCode).to.equal(0x11n);
      expect(byPanic.shortMessage).to.equal("Reverted with Panic(0x11)");
      expect(empty.shortMessage).to.equal("Reverted with no data");
      expect(unknown.data).to.equal(targetFailed);
      expect(unknown.shortMessage).to.equal(`Reverted with unknown data ${targetFailed}`);
    });

    it("treats one of our selectors with cut-short arguments as unknown data", function () {
      const truncated = dataSlice(INTENT_EXPIRED, 0, 40);

      const decoded = decodeRevert(truncated);

      expect(decoded).to.be.instanceOf(UnknownRevertError);
      expect(decoded?.data).to.equal(truncated);
    });

    it("shows a require message inside WalletCallReverted", function () {
      const message = "0x08c379a0" + abi.encode(["string"], ["no"]).slice(2);
      const data = walletInterface.encodeErrorResult("WalletCallReverted", [2n, message]);

      expect(decodeFailureReason(data).shortMessage).to.equal(
        'WalletCallReverted(index=2, reason=Error("no"))',
      );
    });

    it("unwraps WalletCallReverted nested in WalletCallReverted", function () {
      const inner = walletInterface.encodeErrorResult("WalletCallReverted", [1n, INTENT_EXPIRED]);
      const outer = walletInterface.encodeErrorResult("WalletCallReverted", [0n, inner]);

      const decoded = decodeFailureReason(outer) as ContractRevertError;

      const innermost = (decoded.inner as ContractRevertError).inner;
      expect(isContractRevertError(innermost, "IntentExpired")).to.equal(true);
      expect(decoded.shortMessage).to.equal(
        `WalletCallReverted(index=0, reason=WalletCallReverted(index=1, reason=IntentExpired(id=${SOME_ID}, expiration=1732000000)))`,
      );
    });
  });

  describe("error classes", function () {
    it("share one base class with shortMessage, details and cause", function () {
      const cause = new Error("why");
      const base = new IntentWalletSdkError({ shortMessage: "short", details: "more", cause });
      const invalid = new InvalidSignedIntentError({
        path: "intent.salt",
        reason: "missing field",
      });

      expect(base.message).to.equal("short\n\nDetails: more");
      expect(base.cause).to.equal(cause);
      expect(base.name).to.equal("IntentWalletSdkError");
      expect(invalid).to.be.instanceOf(IntentWalletSdkError);
      expect(invalid.name).to.equal("InvalidSignedIntentError");
      expect(invalid.message).to.equal("Invalid signed intent at intent.salt: missing field");
      expect(invalid.cause).to.equal(undefined);
      expect(decodeRevert(INTENT_EXPIRED)?.name).to.equal("ContractRevertError");
      expect(decodeRevert("0x")?.name).to.equal("UnknownRevertError");
    });
  });
});

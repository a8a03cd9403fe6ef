import { expect } from "chai";
import { Wallet, id as keccakId, type Provider } from "ethers";

import { IntentRelayerService } from "../../src/relayer/IntentRelayerService.js";
import { SpendingPolicy } from "../../src/relayer/policy.js";
import { isRpcUnreachable, RpcTimeoutError } from "../../src/relayer/rpcDeadline.js";
import { MemoryIntentStore } from "../../src/relayer/store/index.js";
import { buildIntent, signIntent, type SignedIntent } from "../../src/sdk/index.js";

/*
 * The relayer's front desk answers every refusal as data (`{ ok: false, refusal }`), tells a
 * node that does not answer (`unavailable`, with Retry-After) from a fault (thrown), and never
 * waits on the node longer than its deadlines.
 */

const CHAIN_ID = 31337n;
const WALLET = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
const RELAYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** A node whose every JSON-RPC read does what `answer` says (reject, or never answer). */
function nodeThat(answer: () => Promise<never>): Provider & { reads: number } {
  const node = { reads: 0 };
  const read = () => {
    node.reads++;
    return answer();
  };
  for (const method of [
    "call",
    "getCode",
    "getBlock",
    "getNetwork",
    "getBlockNumber",
    "getBalance",
  ]) {
    Object.assign(node, { [method]: read });
  }
  return node as unknown as Provider & { reads: number };
}

const refusesConnections = () =>
  Promise.reject(
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" }),
  );
const neverAnswers = () => new Promise<never>(() => {});

describe("IntentRelayerService", function () {
  let signed: SignedIntent;
  let store: MemoryIntentStore;

  before(async function () {
    signed = await signIntent({
      signer: new Wallet(keccakId("relayer service test owner")),
      intent: buildIntent({ calls: [{ to: RELAYER }], expiration: 4_102_444_800n }),
      wallet: WALLET,
      chainId: CHAIN_ID,
    });
  });

  beforeEach(function () {
    store = new MemoryIntentStore();
  });

  function serviceOn(
    provider: Provider,
    options: { ratePerMinute?: number; submitTimeoutMs?: number } = {},
  ): IntentRelayerService {
    const policy = new SpendingPolicy({
      allowedWallets: [WALLET],
      ratePerMinute: options.ratePerMinute ?? 600,
      gasBudgetWei: 10n ** 18n,
      budgetPeriodMs: 3_600_000,
    });
    return new IntentRelayerService({
      provider,
      store,
      policy,
      chainId: CHAIN_ID,
      relayerAddress: RELAYER,
      submitTimeoutMs: options.submitTimeoutMs,
    });
  }

  it("returns the refusal of an intent for another chain as data, without reading the node", async function () {
    const node = nodeThat(refusesConnections);
    const other = { ...signed, chainId: 1n };

    const outcome = await serviceOn(node).submit(other);

    expect(outcome).to.deep.equal({
      ok: false,
      refusal: {
        code: "wrong_chain",
        message: "chain 1 is not this relayer's chain 31337",
        details: { expected: "31337", received: "1" },
      },
    });
    expect(node.reads).to.equal(0);
  });

  it("returns invalid_field at cursor for a cursor it never gave out (not a fault)", async function () {
    const outcome = await serviceOn(nodeThat(refusesConnections)).listByWallet(WALLET, {
      limit: 10,
      cursor: "not-a-cursor",
    });

    expect(outcome.ok).to.equal(false);
    expect(!outcome.ok && outcome.refusal).to.deep.include({
      code: "invalid_field",
      details: { path: "cursor", reason: "not a cursor of this relayer" },
    });
  });

  it("answers unavailable with Retry-After when the node refuses connections, storing and counting nothing", async function () {
    const service = serviceOn(nodeThat(refusesConnections), { ratePerMinute: 1 });

    const first = await service.submit(signed);
    const second = await service.submit(signed);

    for (const outcome of [first, second]) {
      expect(!outcome.ok && outcome.refusal.code, JSON.stringify(outcome)).to.equal("unavailable");
      expect(!outcome.ok && outcome.refusal.details).to.deep.equal({
        component: "rpc",
        reason: "the connection failed (ECONNREFUSED)",
      });
      expect(!outcome.ok && outcome.refusal.retryAfterSeconds).to.be.greaterThan(0);
    }
    expect(await store.get(signed.id)).to.equal(undefined);
  });

  it("answers unavailable once its deadline passes when the node never answers, and stores nothing", async function () {
    const started = performance.now();

    const outcome = await serviceOn(nodeThat(neverAnswers), { submitTimeoutMs: 300 }).submit(
      signed,
    );

    expect(performance.now() - started).to.be.within(250, 1_000);
    expect(!outcome.ok && outcome.refusal.details).to.deep.include({ component: "rpc" });
    expect(await store.get(signed.id)).to.equal(undefined);
  });

  it("answers /health unavailable within 1 s when the node never answers", async function () {
    const started = performance.now();

    const outcome = await serviceOn(nodeThat(neverAnswers)).health();

    expect(performance.now() - started).to.be.lessThan(1_000);
    expect(!outcome.ok && outcome.refusal).to.deep.include({ code: "unavailable" });
    expect(!outcome.ok && outcome.refusal.details?.component).to.equal("rpc");
  });

  it("rejects (a fault, not a refusal) when a read fails for another reason than an unreachable node", async function () {
    const service = serviceOn(nodeThat(() => Promise.reject(new TypeError("a bug"))));

    const error = await service.submit(signed).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).to.be.instanceOf(TypeError);
  });

  it("tells an unreachable node from other errors", function () {
    expect(isRpcUnreachable(new RpcTimeoutError("eth_call", 10))).to.equal(true);
    expect(isRpcUnreachable(Object.assign(new Error("x"), { code: "ECONNRESET" }))).to.equal(true);
    expect(isRpcUnreachable(Object.assign(new Error("x"), { code: "TIMEOUT" }))).to.equal(true);
    expect(isRpcUnreachable(new Error("x", { cause: { code: "ECONNREFUSED" } }))).to.equal(true);
    expect(isRpcUnreachable(Object.assign(new Error("x"), { code: "CALL_EXCEPTION" }))).to.equal(
      false,
    );
    expect(isRpcUnreachable(new TypeError("a bug"))).to.equal(false);
  });
});

import { expect } from "chai";
import { dataSlice, hexlify, randomBytes } from "ethers";

import {
  buildIntent,
  dependencyOn,
  encodeRelayPacked,
  RELAY_PACKED_SELECTOR,
  RelayerClient,
  RelayerError,
  signIntent,
  withDependencies,
  type BuildIntentParameters,
  type RelayerIntentStatus,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import {
  latestTimestamp,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import {
  describeStatus,
  followIntent,
  startRelayerProcess,
  type RelayerProcess,
} from "../helpers/relayerProcess.js";

const GWEI = 10n ** 9n;

describe("Relayer service on a real hardhat node, over HTTP", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;

  before(async function () {
    world = await startNodeWorld(3);
    relayer = await startRelayerProcess(relayerEnvFor(world));
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

  function now(): Promise<bigint> {
    return latestTimestamp(world);
  }

  function ping(x: bigint) {
    return pingCall(world, x);
  }

  /** Builds (expiring a year after the chain's "now") and signs an intent of wallet `walletIndex`. */
  async function sign(
    walletIndex: number,
    parameters: BuildIntentParameters,
  ): Promise<SignedIntent> {
    return signIntent({
      signer: world.owners[walletIndex],
      intent: buildIntent({ now: await now(), ...parameters }),
      wallet: world.wallets[walletIndex],
      chainId: world.chainId,
    });
  }

  /** Waits for a final status (or one of `until`), collecting every status seen on the way. */
  function follow(id: string, seen: RelayerIntentStatus[] = [], until?: RelayerIntentStatus[]) {
    return followIntent(client, id, seen, until);
  }

  async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    return world.provider.send(method, params);
  }

  it("relays a submitted intent in a relayPacked transaction and reports it relayed with it", async function () {
    const signed = await sign(0, { calls: [ping(1n)] });
    const { id, status } = await client.submit(signed);
    expect(id).to.equal(signed.id);
    expect(status).to.equal("queued");
    const final = await client.waitFor(id, { timeoutMs: 20_000, intervalMs: 50 });
    expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(final.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const receipt = await world.provider.getTransactionReceipt(final.txHash!);
    expect(receipt!.status).to.equal(1);
    expect(final.blockNumber).to.equal(BigInt(receipt!.blockNumber));
    expect(final.relayedBy).to.equal(receipt!.from);
    const transaction = await world.provider.getTransaction(final.txHash!);
    expect(transaction!.to).to.equal(signed.wallet);
    expect(dataSlice(transaction!.data, 0, 4)).to.equal(RELAY_PACKED_SELECTOR);
    expect(transaction!.data).to.equal(encodeRelayPacked(signed));
  });

  it("relays a chain of three dependent intents submitted in reverse order, in dependency order", async function () {
    // first (wallet 0) -> second (wallet 1, depends on first) -> third (wallet 0, depends on second)
    const first = await sign(0, { calls: [ping(101n)], salt: 1n });
    const second = await signIntent({
      signer: world.owners[1],
      intent: withDependencies(buildIntent({ calls: [ping(102n)], now: await now() }), first),
      wallet: world.wallets[1],
      chainId: world.chainId,
    });
    const third = await sign(0, {
      calls: [ping(103n)],
      salt: 2n,
      dependencies: [dependencyOn(second)],
    });

    const seen: Record<string, RelayerIntentStatus[]> = {
      third: [],
      second: [],
      first: [],
    };
    // Each waits for its dependency before the dependency is even submitted.
    await client.submit(third);
    await follow(third.id, seen.third, ["waiting_dependencies"]);
    await client.submit(second);
    await follow(second.id, seen.second, ["waiting_dependencies"]);
    await client.submit(first);

    const [finalFirst, finalSecond, finalThird] = await Promise.all([
      follow(first.id, seen.first),
      follow(second.id, seen.second),
      follow(third.id, seen.third),
    ]);
    for (const final of [finalFirst, finalSecond, finalThird]) {
      expect(final.status, describeStatus(final)).to.equal("relayed");
    }
    expect(seen.third).to.include("waiting_dependencies");
    expect(seen.second).to.include("waiting_dependencies");
    // A dependency is relayed (and confirmed) before what depends on it is even sent.
    expect(finalFirst.blockNumber! < finalSecond.blockNumber!).to.equal(true);
    expect(finalSecond.blockNumber! < finalThird.blockNumber!).to.equal(true);
    const pings = await world.target.queryFilter(
      world.target.filters.Pinged(),
      Number(finalFirst.blockNumber),
      Number(finalThird.blockNumber),
    );
    expect(pings.map((event) => event.args.x)).to.deep.equal([101n, 102n, 103n]);
  });

  it("waits while the network gas price is above maxGasPrice and relays once it drops", async function () {
    // Raise the base fee so the price can be pushed well below it afterwards.
    await rpc("hardhat_setNextBlockBaseFeePerGas", [`0x${(3n * GWEI).toString(16)}`]);
    await rpc("evm_mine");
    const networkPrice = BigInt((await rpc("eth_gasPrice")) as string);
    const maxGasPrice = networkPrice - GWEI;
    expect(maxGasPrice > 0n).to.equal(true);

    const signed = await sign(2, { calls: [ping(201n)], maxGasPrice });
    const seen: RelayerIntentStatus[] = [];
    await client.submit(signed);
    const waiting = await follow(signed.id, seen, ["waiting_gas_price"]);
    expect(waiting.status, describeStatus(waiting)).to.equal("waiting_gas_price");
    expect(waiting.txHash).to.equal(undefined);

    // Lower the base fee block by block until the node's price is within the limit.
    for (let i = 0; BigInt((await rpc("eth_gasPrice")) as string) > maxGasPrice; i++) {
      expect(i, "the gas price did not come down").to.be.below(10);
      await rpc("hardhat_setNextBlockBaseFeePerGas", [`0x${(10n ** 7n).toString(16)}`]);
      await rpc("evm_mine");
    }
    const final = await follow(signed.id, seen);
    expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(seen[0]).to.be.oneOf(["queued", "waiting_gas_price"]);
    expect(seen).to.include("waiting_gas_price");
    const transaction = await world.provider.getTransaction(final.txHash!);
    expect(transaction!.maxFeePerGas! <= maxGasPrice).to.equal(true);
    const receipt = await world.provider.getTransactionReceipt(final.txHash!);
    expect(receipt!.gasPrice <= maxGasPrice).to.equal(true);
  });

  it("expires an intent whose dependency never comes, at its expiration", async function () {
    const start = await now();
    const missing = { wallet: world.wallets[1], id: hexlify(randomBytes(32)) };
    const signed = await sign(1, {
      calls: [ping(301n)],
      dependencies: [missing],
      expiration: start + 60n,
    });
    await client.submit(signed);
    const waiting = await follow(signed.id, [], ["waiting_dependencies"]);
    expect(waiting.status, describeStatus(waiting)).to.equal("waiting_dependencies");

    await rpc("evm_increaseTime", [120]);
    await rpc("evm_mine");
    const final = await follow(signed.id);
    expect(final.status, describeStatus(final)).to.equal("expired");
    expect(final.reason?.code).to.equal("expired");
    expect(final.reason?.details?.waitingFor).to.equal("dependencies");
    expect(final.txHash).to.equal(undefined);
    const wallet = IntentWallet__factory.connect(world.wallets[1], world.provider);
    expect(await wallet.intentStatus(signed.id)).to.equal(0n); // never relayed
  });

  it("never relays an intent whose calls would fail: rejected with call_would_fail and the decoded revert, and so are its dependents", async function () {
    const signed = await sign(0, {
      calls: [
        {
          to: world.targetAddress,
          data: world.target.interface.encodeFunctionData("fail", [42n]),
        },
      ],
    });
    const blockBefore = await world.provider.getBlockNumber();
    await client.submit(signed);
    // An intent that depends on it can never run either.
    const dependent = await sign(1, {
      calls: [ping(401n)],
      dependencies: [dependencyOn(signed)],
    });
    await client.submit(dependent);
    const final = await follow(signed.id);
    expect(final.status, describeStatus(final)).to.equal("rejected");
    expect(final.reason?.code).to.equal("call_would_fail");
    // CallTarget is a test contract the SDK has no ABI for: its TargetFailed(42) stays raw bytes.
    const targetFailed = world.target.interface.encodeErrorResult("TargetFailed", [42n]);
    expect(final.reason?.message).to.equal(`WalletCallReverted(index=0, reason=${targetFailed})`);
    expect(final.reason?.details?.revertData).to.equal(
      IntentWallet__factory.createInterface().encodeErrorResult("WalletCallReverted", [
        0n,
        targetFailed,
      ]),
    );
    expect(final.txHash).to.equal(undefined);
    // The ID is not burned: nothing was sent for it.
    const wallet = IntentWallet__factory.connect(world.wallets[0], world.provider);
    expect(await wallet.intentStatus(signed.id)).to.equal(0n);
    const relayedLogs = await world.provider.getLogs({
      address: world.wallets[0],
      topics: [wallet.interface.getEvent("IntentRelayed").topicHash, signed.id],
      fromBlock: blockBefore,
    });
    expect(relayedLogs).to.have.length(0);

    const dependentFinal = await follow(dependent.id);
    expect(dependentFinal.status, describeStatus(dependentFinal)).to.equal("rejected");
    expect(dependentFinal.reason?.code).to.equal("dependency_failed");
    expect(dependentFinal.reason?.message).to.include(`was rejected here`);
    expect(dependentFinal.reason?.details?.dependency).to.deep.equal({
      wallet: world.wallets[0],
      id: signed.id,
    });
    // And a new intent that depends on it is refused at once.
    const late = await sign(2, { calls: [ping(402n)], dependencies: [dependencyOn(signed)] });
    const refusal = await client.submit(late).then(
      () => undefined,
      (thrown: unknown) => thrown as RelayerError,
    );
    expect(refusal?.status).to.equal(409);
    expect(refusal?.code).to.equal("dependency_failed");
    expect(refusal?.errorDetails).to.deep.equal({
      dependency: { wallet: world.wallets[0], id: signed.id },
      status: "rejected",
    });
  });

  it("lists a wallet's intents, newest first, with their statuses", async function () {
    const { intents } = await client.listWalletIntents(world.wallets[0]);
    // wallet 0: the full flow, the first and third of the chain, the failing call.
    expect(intents.length).to.equal(4);
    for (const intent of intents) expect(intent.wallet).to.equal(world.wallets[0]);
    const created = intents.map((intent) => intent.createdAt);
    expect(created).to.deep.equal([...created].sort().reverse());
    expect(intents[0].status).to.equal("rejected");
    expect(intents.slice(1).map((intent) => intent.status)).to.deep.equal([
      "relayed",
      "relayed",
      "relayed",
    ]);

    const page = await client.listWalletIntents(world.wallets[0], { limit: 3 });
    expect(page.intents.map((intent) => intent.id)).to.deep.equal(
      intents.slice(0, 3).map((intent) => intent.id),
    );
    const rest = await client.listWalletIntents(world.wallets[0], { cursor: page.nextCursor });
    expect(rest.intents.map((intent) => intent.id)).to.deep.equal([intents[3].id]);
    expect(rest.nextCursor).to.equal(undefined);

    const stranger = hexlify(randomBytes(20));
    expect((await client.listWalletIntents(stranger)).intents).to.deep.equal([]);
  });

  it("answers /health and /metrics, which count what it relayed", async function () {
    const health = await client.health();
    expect(health.chainId).to.equal(world.chainId);
    expect(health.relayer).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(health.balance > 0n).to.equal(true);
    expect(health.blockNumber).to.equal(BigInt(await world.provider.getBlockNumber()));
    expect(health.pending).to.equal(0);

    const text = await client.metrics();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    // full flow, the chain of three, the gas price one
    expect(value(/^relayer_intents_final_total\{status="relayed"\} (\d+)$/m)).to.equal(5);
    // the failing call and its dependent
    expect(value(/^relayer_intents_final_total\{status="rejected"\} (\d+)$/m)).to.equal(2);
    expect(value(/^relayer_intents_final_total\{status="expired"\} (\d+)$/m)).to.equal(1);
    expect(value(/^relayer_intents_accepted_total (\d+)$/m)).to.equal(8);
    expect(value(/^relayer_intents_refused_total\{code="dependency_failed"\} (\d+)$/m)).to.equal(1);
    expect(value(/^relayer_transactions_sent_total\{kind="relay"\} (\d+)$/m)).to.equal(5);
    expect(value(/^relayer_balance_wei (\S+)$/m)).to.be.greaterThan(0);
    expect(text).to.match(/^relayer_submit_to_receipt_seconds_count 5$/m);
  });
});

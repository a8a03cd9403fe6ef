import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { getAddress, getBytes, hexlify } from "ethers";

import { readDeployedBatcher, resolveBatcher } from "../../src/relayer/batching.js";
import { splitEvenly } from "../../src/relayer/Scheduler.js";
import { SqliteIntentStore } from "../../src/relayer/store/index.js";
import {
  buildIntent,
  IntentStatus,
  encodeBatchEntries,
  encodeRelayPacked,
  RelayerClient,
  signIntent,
  type BuildIntentParameters,
  type RelayerIntentStatus,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { IntentBatcher__factory, IntentWallet__factory } from "../../typechain-types/index.js";
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
const walletInterface = IntentWallet__factory.createInterface();
const batcherInterface = IntentBatcher__factory.createInterface();
const INTENT_RELAYED = walletInterface.getEvent("IntentRelayed").topicHash;

/**
 * The wallets of packed `relayBatch` entries, in order. Each entry is the wallet (20 bytes), the
 * payload's length (3 bytes, big-endian) and the payload.
 */
function entryWallets(entries: string): string[] {
  const bytes = getBytes(entries);
  const wallets: string[] = [];
  for (let at = 0; at < bytes.length;) {
    wallets.push(getAddress(hexlify(bytes.subarray(at, at + 20))));
    // The payload's length: 3 bytes, big-endian.
    const payloadLength = bytes
      .subarray(at + 20, at + 23)
      .reduce((value, byte) => value * 256 + byte, 0);
    at += 23 + payloadLength;
  }
  return wallets;
}

describe("Relayer batching through the IntentBatcher, on a real hardhat node", function () {
  this.timeout(60_000);
  let world: NodeWorld;
  let relayer: RelayerProcess | undefined;
  let client: RelayerClient;
  let dbPath: string;
  let salt = 0n;
  const output: string[] = [];

  before(async function () {
    world = await startNodeWorld(4);
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  beforeEach(function () {
    dbPath = join(mkdtempSync(join(tmpdir(), "relayer-batching-")), "relayer.db");
    output.length = 0;
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      console.log(
        [...output, relayer?.output() ?? ""].join("\n----- restart -----\n").slice(-8_000),
      );
    }
    await relayer?.stop();
    relayer = undefined;
    await rpc("evm_setAutomine", [true]);
  });

  /** Starts the relayer (on this test's database) with the world's batcher. */
  async function start(extra: Record<string, string> = {}): Promise<string> {
    relayer = await startRelayerProcess(
      relayerEnvFor(world, {
        RELAYER_DB_PATH: dbPath,
        RELAYER_BATCHER: world.batcher,
        RELAYER_LOG_LEVEL: "info",
        ...extra,
      }),
    );
    client = new RelayerClient({ url: relayer.url });
    return (await client.health()).relayer;
  }

  async function crash(): Promise<void> {
    await relayer!.kill();
    output.push(relayer!.output());
    relayer = undefined;
  }

  async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    return world.provider.send(method, params);
  }

  function now(): Promise<bigint> {
    return latestTimestamp(world);
  }

  function ping(x: bigint) {
    return pingCall(world, x);
  }

  async function sign(
    walletIndex: number,
    parameters: Omit<BuildIntentParameters, "now">,
  ): Promise<SignedIntent> {
    salt += 1n;
    return signIntent({
      signer: world.owners[walletIndex],
      intent: buildIntent({ salt, now: await now(), ...parameters }),
      wallet: world.wallets[walletIndex],
      chainId: world.chainId,
    });
  }

  /**
   * Raises the network's gas price and returns a `maxGasPrice` below it: intents signed with it
   * (or a little more) wait for the gas price, so they all become ready in the same tick once
   * `lowerGasPrice` brings the price down.
   */
  async function raiseGasPrice(): Promise<bigint> {
    await rpc("hardhat_setNextBlockBaseFeePerGas", [`0x${(3n * GWEI).toString(16)}`]);
    await rpc("evm_mine");
    return BigInt((await rpc("eth_gasPrice")) as string) - GWEI;
  }

  async function lowerGasPrice(maxGasPrice: bigint): Promise<void> {
    for (let i = 0; BigInt((await rpc("eth_gasPrice")) as string) > maxGasPrice; i++) {
      expect(i, "the gas price did not come down").to.be.below(10);
      await rpc("hardhat_setNextBlockBaseFeePerGas", [`0x${(10n ** 7n).toString(16)}`]);
      await rpc("evm_mine");
    }
  }

  /** Submits `intents` in order (a few ms apart, so they keep that order) and waits until each waits for the gas price. */
  async function submitWaiting(intents: SignedIntent[]): Promise<void> {
    for (const signed of intents) {
      await client.submit(signed);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const signed of intents) await follow(signed.id, [], ["waiting_gas_price"]);
  }

  /** Waits for a final status (or one of `until`), collecting every status seen on the way. */
  function follow(id: string, seen: RelayerIntentStatus[] = [], until?: RelayerIntentStatus[]) {
    return followIntent(client, id, seen, until);
  }

  async function metric(pattern: RegExp): Promise<number> {
    return Number(pattern.exec(await client.metrics())?.[1] ?? 0);
  }

  /** The IntentRelayed logs of `intents` since `fromBlock`, by ID (lowercase). */
  async function relayedLogs(intents: SignedIntent[], fromBlock: number) {
    const logs = await world.provider.getLogs({
      address: world.wallets,
      topics: [INTENT_RELAYED],
      fromBlock,
      toBlock: "latest",
    });
    const ids = new Set(intents.map((signed) => signed.id.toLowerCase()));
    return logs.filter((log) => ids.has(log.topics[1].toLowerCase()));
  }

  it("relays intents of different wallets that are ready in the same tick in ONE relayBatch transaction", async function () {
    const account = await start();
    const startBlock = await world.provider.getBlockNumber();
    const maxGasPrice = await raiseGasPrice();
    // Different caps: the batch pays at most the lowest.
    const intents = await Promise.all(
      [0, 1, 2, 3].map((walletIndex) =>
        sign(walletIndex, {
          calls: [ping(10n + BigInt(walletIndex))],
          maxGasPrice: maxGasPrice + BigInt(walletIndex) * (GWEI / 10n),
        }),
      ),
    );
    await submitWaiting(intents);
    await lowerGasPrice(maxGasPrice);

    const finals = await Promise.all(intents.map((signed) => follow(signed.id)));
    for (const final of finals) expect(final.status, describeStatus(final)).to.equal("relayed");
    const hash = finals[0].txHash!;
    expect(finals.map((final) => final.txHash)).to.deep.equal(intents.map(() => hash));
    expect(new Set(finals.map((final) => final.blockNumber)).size).to.equal(1);
    for (const final of finals) expect(final.relayedBy).to.equal(account);

    const transaction = (await world.provider.getTransaction(hash))!;
    const receipt = (await world.provider.getTransactionReceipt(hash))!;
    expect(receipt.status).to.equal(1);
    expect(receipt.from).to.equal(account);
    expect(receipt.to).to.equal(world.batcher);
    expect(BigInt(receipt.blockNumber)).to.equal(finals[0].blockNumber);
    expect(transaction.maxFeePerGas! <= maxGasPrice).to.equal(
      true,
      "capped at the lowest maxGasPrice",
    );
    const [entries] = batcherInterface.decodeFunctionData("relayBatch", transaction.data);
    expect(entryWallets(entries)).to.deep.equal(world.wallets);
    expect(entries).to.equal(encodeBatchEntries(intents)); // each packed, in submission order
    for (const signed of intents) {
      const walletReceipt = await IntentWallet__factory.connect(
        signed.wallet,
        world.provider,
      ).intentReceipt(signed.id);
      expect(walletReceipt.status).to.equal(IntentStatus.Succeeded);
      expect(walletReceipt.relayer).to.equal(world.batcher);
    }
    const logs = await relayedLogs(intents, startBlock + 1);
    expect(logs).to.have.length(4);
    for (const log of logs) expect(log.transactionHash).to.equal(hash);

    expect(await metric(/^relayer_transactions_sent_total\{kind="batch"\} (\d+)$/m)).to.equal(1);
    expect(await metric(/^relayer_transactions_sent_total\{kind="relay"\} (\d+)$/m)).to.equal(0);
    expect(await metric(/^relayer_batch_size_sum (\d+)$/m)).to.equal(4);
    expect(await metric(/^relayer_intents_final_total\{status="relayed"\} (\d+)$/m)).to.equal(4);
    // The batch's gas is counted once, not once per intent: in the metrics and in the budget.
    expect(await metric(/^relayer_gas_spent_total (\d+)$/m)).to.equal(Number(receipt.gasUsed));
    await relayer!.stop();
    relayer = undefined;
    const store = await SqliteIntentStore.open({ path: dbPath });
    expect(await store.spendingSince(0)).to.equal(receipt.gasUsed * receipt.gasPrice);
    await store.close();
  });

  it("leaves out an entry the simulated batch skips (an earlier entry cancels it) and relays the others in one transaction", async function () {
    await start();
    const maxGasPrice = await raiseGasPrice();
    // Each simulates fine alone; in the batch, the first cancels the second (same wallet).
    const victim = await sign(0, { calls: [ping(21n)], maxGasPrice });
    const canceler = await sign(0, {
      calls: [
        {
          to: world.wallets[0],
          data: walletInterface.encodeFunctionData("cancelIntents", [[victim.id]]),
        },
      ],
      maxGasPrice,
    });
    const others = [
      await sign(1, { calls: [ping(22n)], maxGasPrice }),
      await sign(2, { calls: [ping(23n)], maxGasPrice }),
    ];
    await submitWaiting([canceler, victim, ...others]);
    await lowerGasPrice(maxGasPrice);

    const seen: RelayerIntentStatus[] = [];
    const victimFinal = await follow(victim.id, seen);
    const finals = await Promise.all([canceler, ...others].map((signed) => follow(signed.id)));
    for (const final of finals) expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(new Set(finals.map((final) => final.txHash)).size).to.equal(1);
    const receipt = (await world.provider.getTransactionReceipt(finals[0].txHash!))!;
    expect(receipt.to).to.equal(world.batcher);

    expect(victimFinal.status, describeStatus(victimFinal)).to.equal("rejected");
    expect(victimFinal.reason?.code).to.equal("canceled");
    expect(victimFinal.txHash).to.equal(undefined, "never sent");
    expect(seen).to.not.include("relayed");
    expect(seen).to.not.include("submitted");
    const wallet = IntentWallet__factory.connect(world.wallets[0], world.provider);
    expect(await wallet.intentStatus(victim.id)).to.equal(IntentStatus.Canceled);
    expect(await metric(/^relayer_batch_skipped_total\{stage="simulation"\} (\d+)$/m)).to.equal(1);
  });

  it("never burns an intent whose calls would fail only after an earlier entry of the batch: it is left out, held and rejected, never relayed", async function () {
    await start();
    const maxGasPrice = await raiseGasPrice();
    // Two payments of two thirds of wallet 3's tokens: each simulates fine alone, not both.
    const balance = await world.token.balanceOf(world.wallets[3]);
    const pay = {
      to: world.tokenAddress,
      data: world.token.interface.encodeFunctionData("transfer", [
        "0x000000000000000000000000000000000000dEaD",
        (balance * 2n) / 3n,
      ]),
    };
    const first = await sign(3, { calls: [pay], maxGasPrice });
    const second = await sign(3, { calls: [pay], maxGasPrice });
    const other = await sign(1, { calls: [ping(24n)], maxGasPrice });
    await submitWaiting([first, second, other]);
    await lowerGasPrice(maxGasPrice);

    const seen: RelayerIntentStatus[] = [];
    const secondFinal = await follow(second.id, seen);
    const finals = await Promise.all([first, other].map((signed) => follow(signed.id)));
    for (const final of finals) expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(finals[0].txHash).to.equal(finals[1].txHash, "the two others share one batch");

    expect(secondFinal.status, describeStatus(secondFinal)).to.equal("rejected");
    expect(secondFinal.reason?.code).to.equal("call_would_fail");
    expect(seen).to.not.include("submitted");
    const wallet = IntentWallet__factory.connect(world.wallets[3], world.provider);
    expect(await wallet.intentStatus(second.id)).to.equal(
      IntentStatus.None,
      "not consumed on-chain",
    );
    expect(await metric(/^relayer_batch_skipped_total\{stage="simulation"\} (\d+)$/m)).to.equal(1);
  });

  it("puts an entry skipped in the mined batch (its owner canceled it first) back to the queue, never relayed, and relays the others", async function () {
    await start();
    const ownerIndex = 2;
    const owner = world.owners[ownerIndex].connect(world.provider);
    await (await world.deployer.sendTransaction({ to: owner.address, value: 10n ** 18n })).wait();
    const startBlock = await world.provider.getBlockNumber();
    const maxGasPrice = await raiseGasPrice();
    const intents = [
      await sign(1, { calls: [ping(31n)], maxGasPrice }),
      await sign(ownerIndex, { calls: [ping(32n)], maxGasPrice }),
      await sign(3, { calls: [ping(33n)], maxGasPrice }),
    ];
    const bad = intents[1];
    await submitWaiting(intents);
    // Nothing is mined until the test says so: the batch waits in the pool.
    await rpc("evm_setAutomine", [false]);
    await lowerGasPrice(maxGasPrice);
    const seen: RelayerIntentStatus[] = [];
    const submitted = await Promise.all(
      intents.map((signed, i) => follow(signed.id, i === 1 ? seen : [], ["submitted"])),
    );
    const batchHash = submitted[0].txHash!;
    expect(submitted.map((status) => status.txHash)).to.deep.equal(intents.map(() => batchHash));

    // The owner cancels the ID right before the batch is mined, paying a higher tip to go first.
    const cancel = await IntentWallet__factory.connect(
      world.wallets[ownerIndex],
      owner,
    ).cancelIntents(
      [bad.id],
      // No estimate: the node would estimate on the pending block, after the batch.
      { gasLimit: 100_000n, maxPriorityFeePerGas: 50n * GWEI, maxFeePerGas: 100n * GWEI },
    );
    await rpc("evm_mine");
    await rpc("evm_setAutomine", [true]);
    const cancelReceipt = (await world.provider.getTransactionReceipt(cancel.hash))!;
    const batchReceipt = (await world.provider.getTransactionReceipt(batchHash))!;
    expect(cancelReceipt.blockNumber).to.equal(batchReceipt.blockNumber);
    expect(cancelReceipt.index).to.be.below(batchReceipt.index, "the cancel runs first");
    const skipped = batchReceipt.logs
      .map((log) => batcherInterface.parseLog(log))
      .filter((parsed) => parsed?.name === "BatchedIntentSkipped");
    expect(skipped.map((parsed) => parsed!.args.index)).to.deep.equal([1n]);

    const finals = await Promise.all(
      intents.map((signed, i) => follow(signed.id, i === 1 ? seen : [])),
    );
    expect(finals[0].status, describeStatus(finals[0])).to.equal("relayed");
    expect(finals[2].status, describeStatus(finals[2])).to.equal("relayed");
    expect(finals[0].txHash).to.equal(batchHash);
    expect(finals[2].txHash).to.equal(batchHash);
    expect(finals[1].status, describeStatus(finals[1])).to.equal("rejected");
    expect(finals[1].reason?.code).to.equal("canceled");
    expect(seen).to.include("submitted");
    expect(seen).to.not.include("relayed");
    expect(seen).to.not.include("failed");
    const wallet = IntentWallet__factory.connect(world.wallets[ownerIndex], world.provider);
    expect(await wallet.intentStatus(bad.id)).to.equal(IntentStatus.Canceled);
    expect(await relayedLogs([bad], startBlock + 1)).to.have.length(0);
    expect(await metric(/^relayer_batch_skipped_total\{stage="chain"\} (\d+)$/m)).to.equal(1);
    expect(await metric(/^relayer_intents_final_total\{status="relayed"\} (\d+)$/m)).to.equal(2);
  });

  it("with RELAYER_MAX_BATCH=1 relays each ready intent in its own relayPacked transaction, as without a batcher", async function () {
    const account = await start({ RELAYER_MAX_BATCH: "1" });
    const maxGasPrice = await raiseGasPrice();
    const intents = await Promise.all(
      [0, 1, 3].map((walletIndex) => sign(walletIndex, { calls: [ping(40n)], maxGasPrice })),
    );
    await submitWaiting(intents);
    await lowerGasPrice(maxGasPrice);

    const finals = await Promise.all(intents.map((signed) => follow(signed.id)));
    for (const final of finals) expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(new Set(finals.map((final) => final.txHash)).size).to.equal(3);
    for (const [i, final] of finals.entries()) {
      const receipt = (await world.provider.getTransactionReceipt(final.txHash!))!;
      expect(receipt.to).to.equal(intents[i].wallet);
      const transaction = (await world.provider.getTransaction(final.txHash!))!;
      expect(transaction.data).to.equal(encodeRelayPacked(intents[i]));
      const walletReceipt = await IntentWallet__factory.connect(
        intents[i].wallet,
        world.provider,
      ).intentReceipt(intents[i].id);
      expect(walletReceipt.relayer).to.equal(account);
    }
    expect(await metric(/^relayer_transactions_sent_total\{kind="relay"\} (\d+)$/m)).to.equal(3);
    expect(await metric(/^relayer_transactions_sent_total\{kind="batch"\} (\d+)$/m)).to.equal(0);
    expect(relayer!.output()).to.include("RELAYER_MAX_BATCH is 1");
  });

  it("finishes a batch mined while the relayer was down, even when its transaction was already recorded mined: relayed once, by the relayer's account, with the batch's txHash", async function () {
    const account = await start();
    const startBlock = await world.provider.getBlockNumber();
    const maxGasPrice = await raiseGasPrice();
    const intents = await Promise.all(
      [0, 1, 2].map((walletIndex) => sign(walletIndex, { calls: [ping(50n)], maxGasPrice })),
    );
    await submitWaiting(intents);
    await rpc("evm_setAutomine", [false]);
    await lowerGasPrice(maxGasPrice);
    const submitted = await Promise.all(
      intents.map((signed) => follow(signed.id, [], ["submitted"])),
    );
    const batchHash = submitted[0].txHash!;
    await crash();
    await rpc("evm_mine");
    // The crash came after the sender recorded the receipt, before the intents were updated:
    // only the chain can tell who relayed them (the wallets' receipts name the batcher).
    const store = await SqliteIntentStore.open({ path: dbPath });
    const pending = await store.listPendingTransactions();
    expect(pending.map((transaction) => transaction.hash)).to.deep.equal([batchHash]);
    const receipt = (await world.provider.getTransactionReceipt(batchHash))!;
    await store.updateTransaction(batchHash, {
      state: "mined",
      blockNumber: BigInt(receipt.blockNumber),
    });
    await store.close();
    await rpc("evm_setAutomine", [true]);

    await start();
    const finals = await Promise.all(intents.map((signed) => follow(signed.id)));
    for (const final of finals) {
      expect(final.status, describeStatus(final)).to.equal("relayed");
      expect(final.relayedBy).to.equal(account);
      expect(final.txHash).to.equal(batchHash);
      expect(final.blockNumber).to.equal(BigInt(receipt.blockNumber));
    }
    const logs = await relayedLogs(intents, startBlock + 1);
    expect(logs.map((log) => log.transactionHash)).to.deep.equal(intents.map(() => batchHash));
  });

  it("keeps batching off, with a warning, when the recorded batcher holds no IntentBatcher; refuses to start with such a RELAYER_BATCHER", async function () {
    const directory = mkdtempSync(join(tmpdir(), "relayer-batching-deployments-"));
    const { writeFile } = await import("node:fs/promises");
    const stranger = world.targetAddress; // code, but no IntentBatcher
    await writeFile(
      join(directory, `${world.chainId}.json`),
      JSON.stringify({ batcher: stranger }),
    );
    expect(await readDeployedBatcher({ chainId: world.chainId, directory })).to.equal(stranger);
    expect(await readDeployedBatcher({ chainId: 1n, directory })).to.equal(undefined);

    const base = { provider: world.provider, chainId: world.chainId, maxBatch: 16, directory };
    expect(await resolveBatcher({ ...base, configured: undefined })).to.deep.include({
      batcher: undefined,
      warning: true,
    });
    expect(await resolveBatcher({ ...base, configured: world.batcher })).to.deep.equal({
      batcher: world.batcher,
      source: "RELAYER_BATCHER",
    });
    await writeFile(
      join(directory, `${world.chainId}.json`),
      JSON.stringify({ batcher: world.batcher }),
    );
    expect(await resolveBatcher({ ...base, configured: undefined })).to.deep.equal({
      batcher: world.batcher,
      source: "deployment",
    });
    expect(
      await resolveBatcher({ ...base, maxBatch: 1, configured: world.batcher }),
    ).to.deep.include({
      batcher: undefined,
    });
    const error = await resolveBatcher({ ...base, configured: stranger }).catch((e: Error) => e);
    expect(String(error)).to.include(`RELAYER_BATCHER ${stranger} holds no IntentBatcher`);

    const refused = await start({ RELAYER_BATCHER: world.deployer.address }).catch((e: Error) => e);
    expect(String(refused)).to.include("holds no IntentBatcher");
  });

  it("splits a batch's gas evenly among its intents, the remainder to the first ones", function () {
    expect(splitEvenly(10n, 3)).to.deep.equal([4n, 3n, 3n]);
    expect(splitEvenly(9n, 3)).to.deep.equal([3n, 3n, 3n]);
    expect(splitEvenly(5n, 1)).to.deep.equal([5n]);
    expect(splitEvenly(123_456_789n, 16).reduce((a, b) => a + b)).to.equal(123_456_789n);
  });
});

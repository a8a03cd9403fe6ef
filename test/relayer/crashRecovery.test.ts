import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  buildIntent,
  dependencyOn,
  RelayerClient,
  signIntent,
  type IntentStatusResponse,
  type RelayerIntentStatus,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { SqliteIntentStore } from "../../src/relayer/store/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import { relayerEnvFor, startNodeWorld, type NodeWorld } from "../helpers/nodeWorld.js";
import { startRelayerProcess, type RelayerProcess } from "../helpers/relayerProcess.js";

const walletInterface = IntentWallet__factory.createInterface();
const INTENT_RELAYED = walletInterface.getEvent("IntentRelayed").topicHash;

describe("Relayer service killed with SIGKILL and restarted", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess | undefined;
  let dbPath: string;
  const output: string[] = [];

  before(async function () {
    world = await startNodeWorld(3);
  });

  beforeEach(function () {
    // Each test has its own database; every restart within a test reuses it.
    dbPath = join(mkdtempSync(join(tmpdir(), "relayer-")), "relayer.db");
    output.length = 0;
  });

  after(async function () {
    await world?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      console.log(
        [...output, relayer?.output() ?? ""].join("\n----- restart -----\n").slice(-8_000),
      );
    }
    // One relayer at a time on the relayer account: the next test starts its own.
    await relayer?.stop();
    relayer = undefined;
  });

  /** Starts the relayer on the same database every time. */
  async function start(extra: Record<string, string> = {}): Promise<RelayerClient> {
    relayer = await startRelayerProcess(
      relayerEnvFor(world, {
        RELAYER_DB_PATH: dbPath,
        RELAYER_HOLD_MS: "5000",
        RELAYER_LOG_LEVEL: "info",
        ...extra,
      }),
    );
    return new RelayerClient({ url: relayer.url });
  }

  async function crash(): Promise<void> {
    await relayer!.kill();
    output.push(relayer!.output());
    relayer = undefined;
  }

  async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    return world.provider.send(method, params);
  }

  async function statuses(
    client: RelayerClient,
    intents: SignedIntent[],
  ): Promise<IntentStatusResponse[]> {
    return Promise.all(intents.map((signed) => client.status(signed.id)));
  }

  /** Polls every intent's status until `done` holds for the list; returns the last list. */
  async function pollUntil(
    client: RelayerClient,
    intents: SignedIntent[],
    done: (list: IntentStatusResponse[]) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<IntentStatusResponse[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await statuses(client, intents);
      if (done(list)) return list;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(count(list))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * On-chain: every ID succeeded, relayed exactly once (one IntentRelayed log), by the relayer,
   * after its dependencies; every transaction of the relayer succeeded, one relay per intent.
   */
  async function expectRelayedExactlyOnce({
    intents,
    relayerAccount,
    startBlock,
    dependsOn,
  }: {
    intents: SignedIntent[];
    relayerAccount: string;
    startBlock: number;
    dependsOn: Map<string, SignedIntent[]>;
  }): Promise<void> {
    // On-chain: every ID succeeded, and was relayed exactly once, by the relayer.
    for (const signed of intents) {
      const wallet = IntentWallet__factory.connect(signed.wallet, world.provider);
      expect(await wallet.intentStatus(signed.id)).to.equal(1n); // Succeeded
    }
    const logs = await world.provider.getLogs({
      address: world.wallets,
      topics: [INTENT_RELAYED],
      fromBlock: startBlock + 1,
      toBlock: "latest",
    });
    const relayedIn = new Map<string, number[]>();
    for (const log of logs) {
      const parsed = walletInterface.parseLog(log)!;
      expect(parsed.args.relayer).to.equal(relayerAccount);
      expect(parsed.args.success).to.equal(true);
      const id = (parsed.args.id as string).toLowerCase();
      relayedIn.set(id, [...(relayedIn.get(id) ?? []), log.blockNumber]);
    }
    expect(relayedIn.size).to.equal(intents.length);
    for (const signed of intents) {
      expect(relayedIn.get(signed.id.toLowerCase()), signed.id).to.have.length(1);
    }
    // Dependencies were relayed in earlier blocks than what depends on them.
    for (const [id, dependencies] of dependsOn) {
      for (const dependency of dependencies) {
        expect(relayedIn.get(dependency.id.toLowerCase())![0]).to.be.below(
          relayedIn.get(id.toLowerCase())![0],
        );
      }
    }

    // Every transaction of the relayer's account succeeded, and exactly one relay per intent was mined.
    const latest = await world.provider.getBlockNumber();
    const relayTransactions: string[] = [];
    for (let number = startBlock + 1; number <= latest; number++) {
      const block = await world.provider.getBlock(number, true);
      for (const transaction of block!.prefetchedTransactions) {
        if (transaction.from !== relayerAccount) continue;
        const receipt = await world.provider.getTransactionReceipt(transaction.hash);
        expect(receipt!.status, `relayer transaction ${transaction.hash} reverted`).to.equal(1);
        if (transaction.to !== relayerAccount) relayTransactions.push(transaction.hash);
      }
    }
    expect(relayTransactions).to.have.length(intents.length);
    const pool = (await rpc("eth_getBlockByNumber", ["pending", false])) as {
      transactions: string[];
    };
    expect(pool.transactions).to.have.length(0);
  }

  function count(list: IntentStatusResponse[]): Partial<Record<RelayerIntentStatus, number>> {
    const counts: Partial<Record<RelayerIntentStatus, number>> = {};
    for (const { status } of list) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }

  it("relays every accepted intent exactly once across two crashes, and no relay transaction reverts", async function () {
    const startBlock = await world.provider.getBlockNumber();
    // Transactions stay in the node's pool until the test mines a block.
    await rpc("evm_setAutomine", [false]);
    const chainNow = BigInt((await world.provider.getBlock("latest"))!.timestamp);

    // 20 intents from 3 wallets: independent ones, a chain of 4 on wallet 1, and some on
    // wallet 2 that depend on intents of the other wallets.
    let salt = 0n;
    const sign = async (walletIndex: number, dependencies: SignedIntent[] = []) => {
      salt += 1n;
      return signIntent({
        signer: world.owners[walletIndex],
        intent: buildIntent({
          calls: [
            {
              to: world.targetAddress,
              data: world.target.interface.encodeFunctionData("ping", [salt]),
            },
          ],
          dependencies: dependencies.map((dependency) => dependencyOn(dependency)),
          salt,
          now: chainNow,
        }),
        wallet: world.wallets[walletIndex],
        chainId: world.chainId,
      });
    };
    const independent0 = [];
    for (let i = 0; i < 7; i++) independent0.push(await sign(0));
    const chain1: SignedIntent[] = [];
    for (let i = 0; i < 4; i++) chain1.push(await sign(1, chain1.slice(-1)));
    const independent1 = [await sign(1), await sign(1)];
    const independent2 = [];
    for (let i = 0; i < 4; i++) independent2.push(await sign(2));
    const dependent2 = [
      await sign(2, [independent0[0]]),
      await sign(2, [chain1[1], independent1[0]]),
      await sign(2, [chain1[3]]),
    ];
    const intents = [...independent0, ...chain1, ...independent1, ...independent2, ...dependent2];
    expect(intents).to.have.length(20);
    const dependsOn = new Map<string, SignedIntent[]>();
    for (const signed of chain1.slice(1))
      dependsOn.set(signed.id, [chain1[chain1.indexOf(signed) - 1]]);
    dependsOn.set(dependent2[0].id, [independent0[0]]);
    dependsOn.set(dependent2[1].id, [chain1[1], independent1[0]]);
    dependsOn.set(dependent2[2].id, [chain1[3]]);

    // Round 1: accept all (dependents first), crash as soon as one relay is in flight.
    let client = await start();
    const relayerAccount = (await client.health()).relayer;
    for (const signed of [...intents].reverse()) {
      expect((await client.submit(signed)).alreadyKnown).to.equal(false);
    }
    const atFirstCrash = await pollUntil(
      client,
      intents,
      (list) => list.some(({ status }) => status === "submitted"),
      "a first submitted intent",
    );
    await crash();
    const firstCounts = count(atFirstCrash);
    expect(firstCounts.submitted ?? 0).to.be.at.least(1);
    // Nothing can be mined yet, so every dependent intent was still waiting.
    expect(firstCounts.relayed ?? 0).to.equal(0);
    expect(20 - (firstCounts.submitted ?? 0)).to.be.at.least(dependsOn.size);

    // Round 2: restart with the relays still in the pool (replaced after 1 s if unmined), mine
    // them, and crash again once the relayer sends the next relays (the dependent ones).
    client = await start({ RELAYER_REPLACE_AFTER_MS: "1000" });
    for (const signed of intents) {
      // Resubmitting after a crash is idempotent: the accepted intent is known.
      expect((await client.submit(signed)).alreadyKnown).to.equal(true);
    }
    await pollUntil(
      client,
      intents,
      (list) => list.filter(({ status }) => status === "submitted").length >= 20 - dependsOn.size,
      "every independent intent submitted",
    );
    await rpc("evm_mine");
    const atSecondCrash = await pollUntil(
      client,
      intents,
      (list) =>
        list.some(
          ({ id, status }) => dependsOn.has(id) && (status === "submitted" || status === "relayed"),
        ),
      "a dependent intent submitted",
    );
    await crash();
    const secondCounts = count(atSecondCrash);
    expect(secondCounts.relayed ?? 0).to.be.below(20);
    // Mined while the relayer is down: it learns it from the chain after the restart.
    await rpc("evm_mine");

    // Round 3: restart, let the node mine on its own, and wait for every intent to be final.
    await rpc("evm_setIntervalMining", [100]);
    client = await start();
    const finals = await pollUntil(
      client,
      intents,
      (list) =>
        list.every(({ status }) => ["relayed", "failed", "rejected", "expired"].includes(status)),
      "every intent final",
      30_000,
    );
    await rpc("evm_setIntervalMining", [0]);
    await rpc("evm_setAutomine", [true]);
    for (const final of finals) {
      expect(final.status, `${final.id}: ${final.reason?.code} ${final.reason?.message}`).to.equal(
        "relayed",
      );
      expect(final.relayedBy).to.equal(relayerAccount);
    }

    await expectRelayedExactlyOnce({ intents, relayerAccount, startBlock, dependsOn });
  });

  it("relays everything exactly once through repeated SIGKILLs at arbitrary moments, blocks mined meanwhile", async function () {
    const startBlock = await world.provider.getBlockNumber();
    // Blocks every 150 ms whatever the relayer does; stuck transactions replaced after 300 ms.
    await rpc("evm_setAutomine", [false]);
    await rpc("evm_setIntervalMining", [150]);
    const chainNow = BigInt((await world.provider.getBlock("latest"))!.timestamp);
    const extra = { RELAYER_REPLACE_AFTER_MS: "300", RELAYER_LOG_LEVEL: "warn" };
    let client = await start(extra);
    const relayerAccount = (await client.health()).relayer;

    const intents: SignedIntent[] = [];
    const dependsOn = new Map<string, SignedIntent[]>();
    // Kills after these many ms: during submissions, sends and receipts alike.
    for (const [round, delayMs] of [150, 400, 250, 600].entries()) {
      for (let i = 0; i < 8; i++) {
        const salt = BigInt(1000 + round * 8 + i);
        const walletIndex = i % 3;
        // Every third intent depends on the previous intent of its wallet, maybe from before a crash.
        const previous = intents.filter((signed) => signed.wallet === world.wallets[walletIndex]);
        const dependencies = i % 3 === 2 && previous.length > 0 ? [previous.at(-1)!] : [];
        const signed = await signIntent({
          signer: world.owners[walletIndex],
          intent: buildIntent({
            calls: [
              {
                to: world.targetAddress,
                data: world.target.interface.encodeFunctionData("ping", [salt]),
              },
            ],
            dependencies: dependencies.map((dependency) => dependencyOn(dependency)),
            salt,
            now: chainNow,
          }),
          wallet: world.wallets[walletIndex],
          chainId: world.chainId,
        });
        await client.submit(signed);
        intents.push(signed);
        if (dependencies.length > 0) dependsOn.set(signed.id, dependencies);
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await crash();
      client = await start(extra);
    }

    const finals = await pollUntil(
      client,
      intents,
      (list) =>
        list.every(({ status }) => ["relayed", "failed", "rejected", "expired"].includes(status)),
      "every intent final",
      30_000,
    );
    await rpc("evm_setIntervalMining", [0]);
    await rpc("evm_setAutomine", [true]);
    for (const final of finals) {
      expect(final.status, `${final.id}: ${final.reason?.code} ${final.reason?.message}`).to.equal(
        "relayed",
      );
    }
    await expectRelayedExactlyOnce({ intents, relayerAccount, startBlock, dependsOn });
  });

  it("finishes intents whose transactions were recorded mined just before a crash, before the intents were", async function () {
    const startBlock = await world.provider.getBlockNumber();
    await rpc("evm_setAutomine", [false]);
    const chainNow = BigInt((await world.provider.getBlock("latest"))!.timestamp);
    let client = await start();
    const relayerAccount = (await client.health()).relayer;
    const intents: SignedIntent[] = [];
    for (const walletIndex of [0, 1]) {
      const salt = BigInt(2000 + walletIndex);
      const signed = await signIntent({
        signer: world.owners[walletIndex],
        intent: buildIntent({
          calls: [
            {
              to: world.targetAddress,
              data: world.target.interface.encodeFunctionData("ping", [salt]),
            },
          ],
          salt,
          now: chainNow,
        }),
        wallet: world.wallets[walletIndex],
        chainId: world.chainId,
      });
      await client.submit(signed);
      intents.push(signed);
    }
    await pollUntil(
      client,
      intents,
      (list) => list.every(({ status }) => status === "submitted"),
      "both intents submitted",
    );
    await crash();
    await rpc("evm_mine");
    // The crash came after the sender recorded the receipts, before the intents were updated.
    const store = await SqliteIntentStore.open({ path: dbPath });
    const pending = await store.listPendingTransactions();
    expect(pending).to.have.length(2);
    for (const transaction of pending) {
      const receipt = await world.provider.getTransactionReceipt(transaction.hash);
      await store.updateTransaction(transaction.hash, {
        state: "mined",
        blockNumber: BigInt(receipt!.blockNumber),
      });
    }
    for (const signed of intents)
      expect((await store.get(signed.id))!.status).to.equal("submitted");
    await store.close();

    await rpc("evm_setAutomine", [true]);
    client = await start();
    const finals = await pollUntil(
      client,
      intents,
      (list) => list.every(({ status }) => status === "relayed"),
      "both intents relayed",
      10_000,
    );
    for (const final of finals) expect(final.relayedBy).to.equal(relayerAccount);
    await expectRelayedExactlyOnce({ intents, relayerAccount, startBlock, dependsOn: new Map() });
  });

  it("keeps a scheduled intent through a SIGKILL: still scheduled after the restart, relayed exactly once when its validAfter comes", async function () {
    const startBlock = await world.provider.getBlockNumber();
    const chainNow = BigInt((await world.provider.getBlock("latest"))!.timestamp);
    // An hour ahead: the wall clock cannot reach it during the test, only the chain's time can.
    const validAfter = chainNow + 3_600n;
    let client = await start();
    const relayerAccount = (await client.health()).relayer;
    const signed = await signIntent({
      signer: world.owners[0],
      intent: buildIntent({
        calls: [
          {
            to: world.targetAddress,
            data: world.target.interface.encodeFunctionData("ping", [3000n]),
          },
        ],
        salt: 3000n,
        validAfter,
        now: chainNow,
      }),
      wallet: world.wallets[0],
      chainId: world.chainId,
    });
    expect((await client.submit(signed)).status).to.equal("scheduled");

    await crash();
    client = await start();
    expect((await client.status(signed.id)).status).to.equal("scheduled");

    await rpc("evm_setNextBlockTimestamp", [Number(validAfter)]);
    await rpc("evm_mine");
    const [final] = await pollUntil(
      client,
      [signed],
      ([only]) => only.status === "relayed",
      "the scheduled intent relayed",
      10_000,
    );
    expect(final.relayedBy).to.equal(relayerAccount);
    await expectRelayedExactlyOnce({
      intents: [signed],
      relayerAccount,
      startBlock,
      dependsOn: new Map(),
    });
  });
});

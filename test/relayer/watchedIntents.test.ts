import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hexlify, id as keccakText, randomBytes, Wallet, type TransactionResponse } from "ethers";

import {
  buildIntent,
  buildSessionGrant,
  cancelCall,
  encodeRelayPacked,
  installModuleCall,
  invalidateAllIntentsCall,
  RelayerClient,
  revokeSessionCall,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  type BuildIntentParameters,
  type Call,
  type IntentStatusResponse,
  type RelayerIntentStatus,
  type SessionGrant,
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
/** The base fee of a calm network: an intent capped at `CAP` is sent at once. */
const CALM_BASE_FEE = 1n * GWEI;
/** The `maxGasPrice` of the intents these tests send: above a calm network's price. */
const CAP = 5n * GWEI;
/**
 * A base fee above what a relay transaction sent at `CALM_BASE_FEE` pays (twice the base fee
 * plus a 1 gwei tip), still below `CAP`: the relay stays out of blocks, while another relayer
 * may still relay the intent within its `maxGasPrice`.
 */
const STALL_BASE_FEE = 4n * GWEI;
/** A base fee far above `CAP`: a relay transaction capped at `CAP` can't be mined. */
const HIGH_BASE_FEE = 50n * GWEI;
/**
 * Fees of the transactions the test sends itself (a competing relayer, the owner): above
 * `STALL_BASE_FEE`, within `CAP` (a relay may not pay more than its intent's `maxGasPrice`).
 */
const OTHERS_FEES = { maxFeePerGas: CAP, maxPriorityFeePerGas: GWEI / 2n, gasLimit: 2_000_000n };

const walletInterface = IntentWallet__factory.createInterface();
const INTENT_RELAYED = walletInterface.getEvent("IntentRelayed").topicHash;
const FINAL: RelayerIntentStatus[] = ["relayed", "failed", "rejected", "expired"];

/*
 * The relayer watches what it has not finished: the relay transactions it has in flight (an
 * intent that expired, was relayed by someone else, canceled or invalidated by its owner, or
 * whose session was revoked is no reason to let its transaction mine and revert at the
 * relayer's cost), the transactions stuck at their intent's fee cap in front of later ones, and
 * the intents still waiting. Fees are driven by hand (hardhat_setNextBlockBaseFeePerGas) so a
 * relay transaction can be kept out of blocks while the chain moves on.
 */
describe("Relayer watching in-flight transactions and waiting intents, on a real hardhat node", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess | undefined;
  let client: RelayerClient;
  let account: string;
  let startBlock: number;
  let salt = 0n;
  /** The base fee of every block the test mines; `undefined`: the node's own. */
  let baseFee: bigint | undefined;

  before(async function () {
    world = await startNodeWorld(6);
  });

  after(async function () {
    await world?.stop();
  });

  beforeEach(async function () {
    await rpc("evm_setAutomine", [true]);
    baseFee = CALM_BASE_FEE;
    await mine();
    baseFee = undefined;
    startBlock = await world.provider.getBlockNumber();
  });

  /**
   * Starts a relayer on a fresh database: no batching, a long hold, and (unless `extra` says
   * otherwise) no replacement during a test, so a relay transaction stays as it was sent.
   */
  async function start(extra: Record<string, string> = {}): Promise<void> {
    relayer = await startRelayerProcess(
      relayerEnvFor(world, {
        RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "relayer-watch-")), "relayer.db"),
        RELAYER_MAX_BATCH: "1",
        RELAYER_HOLD_MS: "60000",
        RELAYER_REPLACE_AFTER_MS: "600000",
        RELAYER_LOG_LEVEL: "warn",
        ...extra,
      }),
    );
    client = new RelayerClient({ url: relayer.url });
    account = (await client.health()).relayer;
  }

  afterEach(async function () {
    if (this.currentTest?.state === "failed") console.log(relayer?.output().slice(-10_000));
    const output = relayer?.output() ?? "";
    await relayer?.stop();
    relayer = undefined;
    await rpc("evm_setAutomine", [true]);
    baseFee = CALM_BASE_FEE;
    await mine();
    baseFee = undefined;
    if (this.currentTest?.state === "passed") expect(output).to.not.include("tick failed");
  });

  function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    return world.provider.send(method, params);
  }

  /** Mines one block, at `baseFee` when the test set one. */
  async function mine(): Promise<void> {
    if (baseFee !== undefined) {
      await rpc("hardhat_setNextBlockBaseFeePerGas", [`0x${baseFee.toString(16)}`]);
    }
    await rpc("evm_mine");
  }

  function wallet(walletIndex: number) {
    return IntentWallet__factory.connect(world.wallets[walletIndex], world.provider);
  }

  /** An intent of wallet `walletIndex` signed by its owner, for the wallet's current epoch. */
  async function sign(
    walletIndex: number,
    parameters: Omit<BuildIntentParameters, "now"> = { calls: [pingCall(world, 1n)] },
  ): Promise<SignedIntent> {
    salt += 1n;
    return signIntent({
      signer: world.owners[walletIndex],
      intent: buildIntent({ salt, now: await latestTimestamp(world), ...parameters }),
      wallet: world.wallets[walletIndex],
      chainId: world.chainId,
      epoch: await wallet(walletIndex).intentEpoch(),
    });
  }

  /** Sends `signed` from the deployer (another relayer, or the owner's own relay), mined. */
  async function relayElsewhere(signed: SignedIntent): Promise<void> {
    const sent: TransactionResponse = await world.deployer.sendTransaction({
      to: signed.wallet,
      data: encodeRelayPacked(signed),
      ...OTHERS_FEES,
    });
    await mine();
    const receipt = await sent.wait();
    expect(receipt!.status).to.equal(1);
  }

  /** The owner of wallet `walletIndex` makes `calls`, in an intent relayed by the deployer. */
  async function ownerActs(walletIndex: number, calls: Call[]): Promise<void> {
    await relayElsewhere(await sign(walletIndex, { calls }));
  }

  /** A session intent of wallet `walletIndex` (the module installed), carrying its grant. */
  async function sessionSigned(
    walletIndex: number,
    parameters: Omit<BuildIntentParameters, "now" | "calls"> = {},
  ): Promise<{ signed: SignedIntent; grant: SessionGrant }> {
    const address = world.wallets[walletIndex];
    if (!(await wallet(walletIndex).isModuleInstalled(world.moduleAddress))) {
      await ownerActs(walletIndex, [
        installModuleCall({ wallet: address, module: world.moduleAddress }),
      ]);
    }
    salt += 1n;
    const sessionKey = new Wallet(keccakText(`watchedIntents session key ${salt}`));
    const start = await latestTimestamp(world);
    const grant = buildSessionGrant({
      wallet: address,
      app: "watchedIntents.test",
      sessionKey: sessionKey.address,
      permissions: [{ target: world.targetAddress, functionSignature: "ping(uint256)" }],
      validUntil: start + 86_400n,
      salt,
    });
    const carry = await signSessionGrant({
      signer: world.owners[walletIndex],
      grant,
      module: world.moduleAddress,
      chainId: world.chainId,
    });
    const signed = await signSessionIntent({
      sessionKey,
      intent: buildIntent({ calls: [pingCall(world, salt)], salt, now: start, ...parameters }),
      wallet: address,
      chainId: world.chainId,
      epoch: await wallet(walletIndex).intentEpoch(),
      module: world.moduleAddress,
      carry,
    });
    return { signed, grant };
  }

  function follow(id: string, seen: RelayerIntentStatus[] = [], until?: RelayerIntentStatus[]) {
    return followIntent(client, id, seen, until);
  }

  /** Mines a block every 100 ms until intent `id` is final (or one of `until`). */
  async function followMining(
    id: string,
    seen: RelayerIntentStatus[] = [],
    until: RelayerIntentStatus[] = FINAL,
  ): Promise<IntentStatusResponse> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = await client.status(id);
      if (seen.at(-1) !== status.status) seen.push(status.status);
      if (until.includes(status.status)) return status;
      if (Date.now() > deadline) throw new Error(`still ${describeStatus(status)}: ${seen}`);
      await mine();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function metric(pattern: RegExp): Promise<number> {
    return Number(pattern.exec(await client.metrics())?.[1] ?? 0);
  }

  /** The relayer's mined transactions since the test began, in nonce order. */
  async function relayerTransactions() {
    const latest = await world.provider.getBlockNumber();
    const found: { hash: string; nonce: number; to: string | null; status: number | null }[] = [];
    for (let number = startBlock + 1; number <= latest; number++) {
      const block = await world.provider.getBlock(number, true);
      for (const transaction of block!.prefetchedTransactions) {
        if (transaction.from !== account) continue;
        const receipt = await world.provider.getTransactionReceipt(transaction.hash);
        found.push({ ...transaction, status: receipt!.status });
      }
    }
    return found.sort((a, b) => a.nonce - b.nonce);
  }

  /**
   * The relayer's accounts are right: none of its transactions reverted, their nonces follow
   * each other without a gap, and none is left waiting in the pool.
   */
  async function expectCleanAccount(): Promise<void> {
    const transactions = await relayerTransactions();
    for (const transaction of transactions) {
      expect(transaction.status, `relayer transaction ${transaction.hash} reverted`).to.equal(1);
    }
    const nonces = transactions.map((transaction) => transaction.nonce);
    expect(nonces).to.deep.equal(
      nonces.map((_, i) => nonces[0] + i),
      "nonces without a gap",
    );
    expect(await world.provider.getTransactionCount(account, "pending")).to.equal(
      await world.provider.getTransactionCount(account, "latest"),
      "no transaction of the relayer left in the pool",
    );
  }

  /** The `IntentRelayed` logs of `signed` since the test began. */
  async function relayedLogs(signed: SignedIntent) {
    return world.provider.getLogs({
      address: signed.wallet,
      topics: [INTENT_RELAYED, signed.id],
      fromBlock: startBlock + 1,
      toBlock: "latest",
    });
  }

  /** Relays a fresh intent once fees are calm again: the relayer's later nonces move. */
  async function expectRelaysAgain(walletIndex: number): Promise<void> {
    await rpc("evm_setAutomine", [true]);
    baseFee = CALM_BASE_FEE;
    await mine();
    const next = await sign(walletIndex, { calls: [pingCall(world, 9n)], maxGasPrice: CAP });
    await client.submit(next);
    const final = await follow(next.id);
    expect(final.status, describeStatus(final)).to.equal("relayed");
  }

  /**
   * Submits `signed` (fees calm, nothing mined: it waits in the pool), then raises the base
   * fee above what its relay transaction pays and mines a block without it. Returns the relay
   * transaction.
   */
  async function stall(signed: SignedIntent): Promise<TransactionResponse> {
    await rpc("evm_setAutomine", [false]);
    await client.submit(signed);
    const submitted = await follow(signed.id, [], ["submitted"]);
    expect(submitted.status, describeStatus(submitted)).to.equal("submitted");
    const relay = (await world.provider.getTransaction(submitted.txHash!))!;
    expect(relay.maxFeePerGas! < STALL_BASE_FEE).to.equal(true);
    baseFee = STALL_BASE_FEE;
    await mine();
    expect(await world.provider.getTransactionReceipt(relay.hash)).to.equal(null);
    return relay;
  }

  /**
   * The relay transaction never mined: a 0-value self transfer of the relayer took its nonce,
   * paying at least the 10 % more a replacement needs; nothing reverted, no nonce was skipped,
   * the ID was relayed by `oursAfterwards` transactions of ours (0: none; 1: sent again once it
   * could be), and the relayer relays again at calm fees.
   */
  async function expectCanceled(
    relay: TransactionResponse,
    signed: SignedIntent,
    oursAfterwards: 0 | 1 = 0,
  ) {
    const cancel = (await relayerTransactions()).find((t) => t.nonce === relay.nonce);
    expect(cancel, "a transaction of the relayer at the relay's nonce").to.not.equal(undefined);
    expect(cancel!.hash).to.not.equal(relay.hash);
    const self = (await world.provider.getTransaction(cancel!.hash))!;
    expect(self.to).to.equal(account);
    expect(self.value).to.equal(0n);
    expect(self.maxFeePerGas! * 100n >= relay.maxFeePerGas! * 110n).to.equal(true);
    expect(self.maxPriorityFeePerGas! * 100n >= relay.maxPriorityFeePerGas! * 110n).to.equal(true);
    await expectRelaysAgain(5);
    expect(await world.provider.getTransactionReceipt(relay.hash)).to.equal(null);
    let ours = 0;
    for (const log of await relayedLogs(signed)) {
      if ((await world.provider.getTransaction(log.transactionHash))!.from === account) ours++;
    }
    expect(ours, "relays of the ID by the relayer").to.equal(oursAfterwards);
    await expectCleanAccount();
  }

  describe("wallet events without an ID in a relay receipt", function () {
    it("records relays whose calls install a module or invalidate all intents: no tick fails, both end relayed, the gas metric counts both transactions", async function () {
      await start();
      const install = await sign(0, {
        calls: [installModuleCall({ wallet: world.wallets[0], module: world.moduleAddress })],
      });
      const invalidate = await sign(1, {
        calls: [invalidateAllIntentsCall({ wallet: world.wallets[1] })],
      });
      await client.submit(install);
      await client.submit(invalidate);

      const finals = await Promise.all([follow(install.id), follow(invalidate.id)]);
      for (const final of finals) expect(final.status, describeStatus(final)).to.equal("relayed");
      expect(finals.map((final) => final.relayedBy)).to.deep.equal([account, account]);
      expect(relayer!.output()).to.not.include("tick failed");
      let gasUsed = 0n;
      for (const final of finals) {
        gasUsed += (await world.provider.getTransactionReceipt(final.txHash!))!.gasUsed;
      }
      expect(await metric(/^relayer_gas_spent_total (\d+)$/m)).to.equal(Number(gasUsed));
      expect(await metric(/^relayer_intents_final_total\{status="relayed"\} (\d+)$/m)).to.equal(2);
      expect(await wallet(0).isModuleInstalled(world.moduleAddress)).to.equal(true);
      await expectCleanAccount();
    });
  });

  describe("an in-flight relay transaction that can no longer relay its intent", function () {
    it("cancels the relay of an intent that expired in flight and reports it expired while waiting for inclusion", async function () {
      await start();
      const signed = await sign(2, {
        calls: [pingCall(world, 21n)],
        maxGasPrice: CAP,
        expiration: (await latestTimestamp(world)) + 120n,
      });
      const relay = await stall(signed);
      await rpc("evm_increaseTime", [300]);

      const final = await followMining(signed.id);

      expect(final.status, describeStatus(final)).to.equal("expired");
      expect(final.reason?.details?.waitingFor).to.equal("inclusion");
      expect(await wallet(2).intentStatus(signed.id)).to.equal(0n);
      await expectCanceled(relay, signed);
    });

    it("cancels the relay of an intent another relayer relayed first and reports it relayed by that relayer", async function () {
      await start();
      const signed = await sign(2, { calls: [pingCall(world, 22n)], maxGasPrice: CAP });
      const relay = await stall(signed);
      await relayElsewhere(signed);

      const final = await followMining(signed.id);

      expect(final.status, describeStatus(final)).to.equal("relayed");
      expect(final.relayedBy).to.equal(world.deployer.address);
      expect(await relayedLogs(signed)).to.have.length(1);
      await expectCanceled(relay, signed);
    });

    it("cancels the relay of an intent its owner canceled and rejects it with canceled", async function () {
      await start();
      const signed = await sign(3, { calls: [pingCall(world, 23n)], maxGasPrice: CAP });
      const relay = await stall(signed);
      await ownerActs(3, [cancelCall({ wallet: world.wallets[3], ids: [signed.id] })]);

      const final = await followMining(signed.id);

      expect(final.status, describeStatus(final)).to.equal("rejected");
      expect(final.reason?.code).to.equal("canceled");
      await expectCanceled(relay, signed);
    });

    it("cancels the relay of an intent whose epoch the owner invalidated and rejects it with canceled", async function () {
      await start();
      const signed = await sign(4, { calls: [pingCall(world, 24n)], maxGasPrice: CAP });
      const relay = await stall(signed);
      await ownerActs(4, [invalidateAllIntentsCall({ wallet: world.wallets[4] })]);

      const final = await followMining(signed.id);

      expect(final.status, describeStatus(final)).to.equal("rejected");
      expect(final.reason?.code).to.equal("canceled");
      expect(final.reason?.details).to.deep.include({ reason: "epoch" });
      await expectCanceled(relay, signed);
    });

    it("cancels the relay of a session intent whose session was revoked and rejects it", async function () {
      await start();
      const { signed, grant } = await sessionSigned(0, { maxGasPrice: CAP });
      const relay = await stall(signed);
      await ownerActs(0, [revokeSessionCall({ module: world.moduleAddress, grant })]);

      const final = await followMining(signed.id);

      expect(final.status, describeStatus(final)).to.equal("rejected");
      expect(final.reason?.code).to.equal("invalid_signature");
      expect(final.reason?.message).to.match(/^GrantRevoked/);
      await expectCanceled(relay, signed);
    });
  });

  describe("a relay transaction stuck at its intent's fee cap", function () {
    it("cancels a transaction stuck at its fee cap in front of a later nonce, puts its intent back to waiting_gas_price, and relays both in turn", async function () {
      await start({ RELAYER_REPLACE_AFTER_MS: "200" });
      await rpc("evm_setAutomine", [false]);
      const low = await sign(2, { calls: [pingCall(world, 31n)], maxGasPrice: CAP });
      await client.submit(low);
      const lowSeen: RelayerIntentStatus[] = [];
      const submitted = await follow(low.id, lowSeen, ["submitted"]);
      const stuck = (await world.provider.getTransaction(submitted.txHash!))!;
      baseFee = HIGH_BASE_FEE;
      await mine();
      // A later intent whose cap the high fees fit: sent behind the stuck one.
      const high = await sign(3, { calls: [pingCall(world, 32n)], maxGasPrice: 1_000n * GWEI });
      await client.submit(high);
      const highSubmitted = await follow(high.id, [], ["submitted"]);
      expect((await world.provider.getTransaction(highSubmitted.txHash!))!.nonce).to.equal(
        stuck.nonce + 1,
      );

      const highFinal = await followMining(high.id);
      expect(highFinal.status, describeStatus(highFinal)).to.equal("relayed");
      const waiting = await followMining(low.id, lowSeen, ["waiting_gas_price", ...FINAL]);
      expect(waiting.status, describeStatus(waiting)).to.equal("waiting_gas_price");
      expect(await world.provider.getTransactionReceipt(stuck.hash)).to.equal(null);

      await rpc("evm_setAutomine", [true]);
      baseFee = CALM_BASE_FEE;
      await mine();
      const lowFinal = await follow(low.id, lowSeen);
      expect(lowFinal.status, describeStatus(lowFinal)).to.equal("relayed");
      expect(lowFinal.relayedBy).to.equal(account);
      expect(lowSeen.indexOf("submitted")).to.be.below(lowSeen.indexOf("waiting_gas_price"));
      expect(await relayedLogs(low)).to.have.length(1);
      await expectCanceled(stuck, low, 1);
    });
  });

  describe("waiting intents", function () {
    it("rejects queued, waiting_dependencies and waiting_gas_price intents with canceled once the owner invalidates all intents, none of them sent", async function () {
      await start();
      const failing = {
        to: world.targetAddress,
        data: world.target.interface.encodeFunctionData("fail", [7n]),
      };
      const missing = { wallet: world.wallets[1], id: hexlify(randomBytes(32)) };
      const price = BigInt((await rpc("eth_gasPrice")) as string);
      const intents = {
        queued: await sign(1, { calls: [failing] }),
        waiting_dependencies: await sign(1, {
          calls: [pingCall(world, 41n)],
          dependencies: [missing],
        }),
        waiting_gas_price: await sign(1, {
          calls: [pingCall(world, 42n)],
          maxGasPrice: price / 2n,
        }),
      };
      for (const [status, signed] of Object.entries(intents)) {
        await client.submit(signed);
        const waiting = await follow(signed.id, [], [status as RelayerIntentStatus, ...FINAL]);
        expect(waiting.status, describeStatus(waiting)).to.equal(status);
      }

      await ownerActs(1, [invalidateAllIntentsCall({ wallet: world.wallets[1] })]);

      const epoch = (await wallet(1).intentEpoch()).toString();
      for (const signed of Object.values(intents)) {
        const final = await follow(signed.id);
        expect(final.status, describeStatus(final)).to.equal("rejected");
        expect(final.reason?.code).to.equal("canceled");
        expect(final.reason?.details).to.deep.equal({ reason: "epoch", epoch });
        expect(final.txHash).to.equal(undefined);
      }
      await expectCleanAccount();
    });

    it("rejects an intent waiting for the gas price as soon as its session is revoked, while the price stays high", async function () {
      await start();
      const price = BigInt((await rpc("eth_gasPrice")) as string);
      const { signed, grant } = await sessionSigned(0, { maxGasPrice: price / 2n });
      await client.submit(signed);
      const waiting = await follow(signed.id, [], ["waiting_gas_price", ...FINAL]);
      expect(waiting.status, describeStatus(waiting)).to.equal("waiting_gas_price");

      await ownerActs(0, [revokeSessionCall({ module: world.moduleAddress, grant })]);

      const final = await follow(signed.id);
      expect(final.status, describeStatus(final)).to.equal("rejected");
      expect(final.reason?.code).to.equal("invalid_signature");
      expect(final.reason?.message).to.match(/^GrantRevoked/);
      expect(final.txHash).to.equal(undefined);
      expect(BigInt((await rpc("eth_gasPrice")) as string) > signed.intent.maxGasPrice).to.equal(
        true,
      );
    });
  });
});

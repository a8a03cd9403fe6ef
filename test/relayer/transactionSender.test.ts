import { expect } from "chai";
import { id, makeError, parseEther, toQuantity, Transaction, Wallet } from "ethers";
import { network } from "hardhat";

import { classifyBroadcastError } from "../../src/relayer/chain/broadcastErrors.js";
import { bumpBy, bumpFees, initialFees } from "../../src/relayer/chain/fees.js";
import {
  TransactionRejectedError,
  TransactionSender,
  type SenderProvider,
  type SendTransactionParameters,
  type TransactionEvent,
  type TransactionSenderParameters,
} from "../../src/relayer/chain/TransactionSender.js";
import type { IntentStore } from "../../src/relayer/store/IntentStore.js";
import type { TransactionRecord } from "../../src/relayer/types.js";

const { ethers, networkHelpers } = await network.create();

/** Hardhat's default account #1: the relayer's key in these tests. */
const RELAYER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const GWEI = 10n ** 9n;

/**
 * The transaction half of an IntentStore, in memory: what the sender uses. The same instance
 * given to a second sender plays the store surviving a restart.
 */
class FakeTransactionStore {
  readonly transactions = new Map<string, TransactionRecord>();

  async insertTransaction(transaction: TransactionRecord): Promise<void> {
    if (this.transactions.has(transaction.hash)) {
      // As the real stores do: a hash is stored once.
      throw Object.assign(new Error(`transaction ${transaction.hash} is already stored`), {
        name: "TransactionExistsError",
      });
    }
    this.transactions.set(transaction.hash, { ...transaction });
  }

  async updateTransaction(
    hash: string,
    patch: Partial<Pick<TransactionRecord, "state" | "blockNumber">>,
  ): Promise<void> {
    const transaction = this.transactions.get(hash);
    if (transaction === undefined) throw new Error(`${hash} is not stored`);
    Object.assign(transaction, patch);
  }

  async listPendingTransactions(): Promise<TransactionRecord[]> {
    return [...this.transactions.values()]
      .filter((transaction) => transaction.state === "pending")
      .sort((a, b) => a.nonce - b.nonce || a.sentAt - b.sentAt)
      .map((transaction) => ({ ...transaction }));
  }

  async maxNonce(): Promise<number | undefined> {
    const nonces = [...this.transactions.values()].map((transaction) => transaction.nonce);
    return nonces.length === 0 ? undefined : Math.max(...nonces);
  }

  /** No intents in this store: the sender falls back to the caps it remembers. */
  async get(): Promise<undefined> {
    return undefined;
  }

  state(hash: string): TransactionRecord["state"] | undefined {
    return this.transactions.get(hash)?.state;
  }

  asIntentStore(): IntentStore {
    return this as unknown as IntentStore;
  }
}

/** `ethers.provider` as a plain object, so a test can watch one of its calls. */
function delegatingProvider(overrides: Partial<SenderProvider> = {}): SenderProvider {
  const provider = ethers.provider;
  return {
    broadcastTransaction: (raw) => provider.broadcastTransaction(raw),
    estimateGas: (transaction) => provider.estimateGas(transaction),
    getBlockNumber: () => provider.getBlockNumber(),
    getFeeData: () => provider.getFeeData(),
    getNetwork: () => provider.getNetwork(),
    getTransaction: (hash) => provider.getTransaction(hash),
    getTransactionCount: (address, blockTag) => provider.getTransactionCount(address, blockTag),
    getTransactionReceipt: (hash) => provider.getTransactionReceipt(hash),
    ...overrides,
  };
}

function ofKind<K extends TransactionEvent["kind"]>(events: TransactionEvent[], kind: K) {
  return events.filter(
    (event): event is Extract<TransactionEvent, { kind: K }> => event.kind === kind,
  );
}

async function setAutomine(enabled: boolean): Promise<void> {
  await ethers.provider.send("evm_setAutomine", [enabled]);
}

async function mineBlock(): Promise<void> {
  await ethers.provider.send("evm_mine", []);
}

/** Mines a block whose base fee is `baseFee`: the network's price follows it. */
async function mineAtBaseFee(baseFee: bigint): Promise<void> {
  await ethers.provider.send("hardhat_setNextBlockBaseFeePerGas", [toQuantity(baseFee)]);
  await mineBlock();
}

describe("TransactionSender", function () {
  async function senderFixture() {
    const signers = await ethers.getSigners();
    const { chainId } = await ethers.provider.getNetwork();
    return { chainId, recipient: signers[2].address };
  }

  type World = Awaited<ReturnType<typeof senderFixture>> & {
    signer: Wallet;
    store: FakeTransactionStore;
    clock: { now: number };
  };

  async function world(): Promise<World> {
    const base = await networkHelpers.loadFixture(senderFixture);
    return {
      ...base,
      signer: new Wallet(RELAYER_KEY, ethers.provider),
      store: new FakeTransactionStore(),
      clock: { now: Date.now() },
    };
  }

  /** A sender on `w`'s store and clock, initialized. */
  async function startSender(
    w: World,
    options: Partial<TransactionSenderParameters> = {},
  ): Promise<TransactionSender> {
    const sender = new TransactionSender({
      provider: ethers.provider,
      signer: w.signer,
      store: w.store.asIntentStore(),
      chainId: w.chainId,
      confirmations: 1,
      replaceAfterMs: 1_000,
      now: () => w.clock.now,
      ...options,
    });
    await sender.init();
    return sender;
  }

  /** A plain transfer to the recipient relaying intent `label`. */
  function transfer(
    w: World,
    label: string,
    options: Partial<SendTransactionParameters> = {},
  ): SendTransactionParameters {
    return {
      to: w.recipient,
      data: "0x",
      gasLimit: 21_000n,
      intentIds: [id(label)],
      maxFeeCapPerGas: 100n * GWEI,
      ...options,
    };
  }

  async function pendingNonce(w: World): Promise<number> {
    return ethers.provider.getTransactionCount(w.signer.address, "pending");
  }

  describe("send", function () {
    it("gives concurrent sends consecutive nonces, persists each before broadcasting it, and all mine", async function () {
      const w = await world();
      const statesAtBroadcast: (string | undefined)[] = [];
      const provider = delegatingProvider({
        broadcastTransaction: async (raw) => {
          statesAtBroadcast.push(w.store.state(Transaction.from(raw).hash!));
          return ethers.provider.broadcastTransaction(raw);
        },
      });
      const sender = await startSender(w, { provider });
      const first = await pendingNonce(w);

      const sent = await Promise.all(
        [0, 1, 2, 3, 4].map((index) => sender.send(transfer(w, `intent ${index}`))),
      );

      expect(sent.map((transaction) => transaction.nonce)).to.deep.equal([
        first,
        first + 1,
        first + 2,
        first + 3,
        first + 4,
      ]);
      expect(statesAtBroadcast).to.deep.equal(Array(5).fill("pending"));
      expect(sender.pendingCount()).to.equal(5);

      const mined = ofKind(await sender.poll(), "mined");
      expect(mined.map((event) => event.hash)).to.deep.equal(sent.map((t) => t.hash));
      expect(mined.map((event) => event.intentIds[0])).to.deep.equal(
        [0, 1, 2, 3, 4].map((index) => id(`intent ${index}`)),
      );
      expect(mined.every((event) => event.receipt.status === 1)).to.equal(true);
      expect(sent.map((transaction) => w.store.state(transaction.hash))).to.deep.equal(
        Array(5).fill("mined"),
      );
      expect(sender.pendingCount()).to.equal(0);
    });

    it("caps maxFeePerGas at maxFeeCapPerGas and the priority fee at the max fee", async function () {
      const w = await world();
      const sender = await startSender(w);
      const network = await ethers.provider.getFeeData();
      const cap = network.maxFeePerGas! - 1n;

      const sent = await sender.send(transfer(w, "capped", { maxFeeCapPerGas: cap }));

      expect(sent.maxFeePerGas).to.equal(cap);
      expect(sent.maxPriorityFeePerGas).to.equal(network.maxPriorityFeePerGas);
      const onChain = Transaction.from(w.store.transactions.get(sent.hash)!.raw);
      expect(onChain.type).to.equal(2);
      expect(onChain.maxFeePerGas).to.equal(cap);
      expect(onChain.chainId).to.equal(w.chainId);
    });

    it("stores a transaction the node refuses as dropped and reuses its nonce for the next send", async function () {
      const w = await world();
      const sender = await startSender(w);
      const nonce = await pendingNonce(w);

      // 1 wei per gas is below the next block's base fee: Hardhat refuses it.
      const refused = await sender.send(transfer(w, "too cheap", { maxFeeCapPerGas: 1n })).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(refused).to.be.instanceOf(TransactionRejectedError);
      const rejection = refused as TransactionRejectedError;
      expect(rejection.kind).to.equal("rejected");
      expect(rejection.nonce).to.equal(nonce);
      expect(w.store.state(rejection.hash)).to.equal("dropped");
      expect(sender.pendingCount()).to.equal(0);

      const next = await sender.send(transfer(w, "next"));
      expect(next.nonce).to.equal(nonce);
      expect(ofKind(await sender.poll(), "mined").map((event) => event.hash)).to.deep.equal([
        next.hash,
      ]);
    });

    it("sends an identical transaction again after a refusal as a new record", async function () {
      const w = await world();
      const sender = await startSender(w);
      const tooCheap = transfer(w, "too cheap", { maxFeeCapPerGas: 1n });
      const refusal = (promise: Promise<unknown>) =>
        promise.then(
          () => undefined,
          (error: unknown) => error as TransactionRejectedError,
        );

      const first = await refusal(sender.send(tooCheap));
      const second = await refusal(sender.send(tooCheap));

      expect(second).to.be.instanceOf(TransactionRejectedError);
      expect(second!.nonce).to.equal(first!.nonce);
      expect(second!.hash).to.not.equal(first!.hash);
      expect(Transaction.from(w.store.transactions.get(second!.hash)!.raw).gasLimit).to.equal(
        21_001n,
      );
      expect(w.store.state(second!.hash)).to.equal("dropped");
    });

    it("keeps a transaction whose broadcast got no answer pending, and poll rebroadcasts it", async function () {
      const w = await world();
      let lose = true;
      const provider = delegatingProvider({
        broadcastTransaction: async (raw) => {
          if (lose) throw makeError("request timeout", "TIMEOUT");
          return ethers.provider.broadcastTransaction(raw);
        },
      });
      const sender = await startSender(w, { provider });

      const sent = await sender.send(transfer(w, "unanswered"));
      lose = false;

      expect(w.store.state(sent.hash)).to.equal("pending");
      expect(await ethers.provider.getTransaction(sent.hash)).to.equal(null);
      expect(await sender.poll()).to.deep.equal([]);
      const [mined] = ofKind(await sender.poll(), "mined");
      expect(mined.hash).to.equal(sent.hash);
    });

    it("reuses after a restart the nonce of a refused last transaction instead of leaving a gap", async function () {
      const w = await world();
      const before = await startSender(w);
      const nonce = await pendingNonce(w);
      await before.send(transfer(w, "too cheap", { maxFeeCapPerGas: 1n })).catch(() => undefined);

      const after = await startSender(w);
      const next = await after.send(transfer(w, "after restart"));

      expect(next.nonce).to.equal(nonce);
      expect(ofKind(await after.poll(), "mined")).to.have.length(1);
    });
  });

  describe("poll", function () {
    it("counts a transaction mined only after 3 confirmations", async function () {
      const w = await world();
      const sender = await startSender(w, { confirmations: 3 });
      const sent = await sender.send(transfer(w, "confirm me"));
      const receipt = (await ethers.provider.getTransactionReceipt(sent.hash))!;

      expect(await sender.poll()).to.deep.equal([]);
      await mineBlock();
      expect(await sender.poll()).to.deep.equal([]);
      expect(w.store.state(sent.hash)).to.equal("pending");
      await mineBlock();
      const [mined] = ofKind(await sender.poll(), "mined");

      expect(mined.hash).to.equal(sent.hash);
      expect(mined.receipt.blockNumber).to.equal(receipt.blockNumber);
      expect(w.store.transactions.get(sent.hash)).to.include({
        state: "mined",
        blockNumber: BigInt(receipt.blockNumber),
      });
    });

    it("replaces a transaction unmined after replaceAfterMs with bumped fees and marks the original replaced when the replacement mines", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w, { replaceAfterMs: 1_000, feeBumpPercent: 15 });
        const sent = await sender.send(transfer(w, "slow"));

        w.clock.now += 999;
        expect(await sender.poll()).to.deep.equal([]);
        w.clock.now += 1;
        const [replaced] = ofKind(await sender.poll(), "replaced");

        expect(replaced).to.include({ replacedHash: sent.hash, nonce: sent.nonce });
        expect(replaced.intentIds).to.deep.equal([id("slow")]);
        expect(replaced.maxFeePerGas >= bumpBy(sent.maxFeePerGas, 15)).to.equal(true);
        expect(replaced.maxPriorityFeePerGas >= bumpBy(sent.maxPriorityFeePerGas, 15)).to.equal(
          true,
        );
        expect(await ethers.provider.getTransaction(replaced.hash)).to.not.equal(null);
        expect(sender.pendingCount()).to.equal(1);

        await mineBlock();
        const [mined] = ofKind(await sender.poll(), "mined");

        expect(mined.hash).to.equal(replaced.hash);
        expect(mined.replacedHashes).to.deep.equal([sent.hash]);
        expect(w.store.state(sent.hash)).to.equal("replaced");
        expect(w.store.state(replaced.hash)).to.equal("mined");
        expect(await ethers.provider.getTransactionReceipt(sent.hash)).to.equal(null);
        expect(sender.pendingCount()).to.equal(0);
      } finally {
        await setAutomine(true);
      }
    });

    it("never raises fees above the cap and reports a transaction stuck at its cap once", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w, { feeBumpPercent: 15 });
        const network = await ethers.provider.getFeeData();
        // Room for one 15% bump, not for a second one of at least 10%.
        const cap = (network.maxFeePerGas! * 120n) / 100n;
        const sent = await sender.send(transfer(w, "capped", { maxFeeCapPerGas: cap }));

        w.clock.now += 1_000;
        const [replaced] = ofKind(await sender.poll(), "replaced");
        expect(replaced.maxFeePerGas).to.equal(bumpBy(sent.maxFeePerGas, 15));

        w.clock.now += 1_000;
        const events = await sender.poll();
        expect(events).to.have.length(1);
        expect(events[0]).to.include({
          kind: "stuck",
          hash: replaced.hash,
          nonce: sent.nonce,
          cap,
        });
        w.clock.now += 1_000;
        expect(await sender.poll()).to.deep.equal([]);

        for (const transaction of w.store.transactions.values()) {
          expect(transaction.maxFeePerGas <= cap).to.equal(true);
          expect(transaction.maxPriorityFeePerGas <= transaction.maxFeePerGas).to.equal(true);
        }
        await mineBlock();
        const [mined] = ofKind(await sender.poll(), "mined");
        expect(mined.hash).to.equal(replaced.hash);
        expect(mined.receipt.gasPrice <= cap).to.equal(true);
      } finally {
        await setAutomine(true);
      }
    });

    it("cancels a transaction stuck at its cap below the network's price that blocks a later nonce: a self transfer takes its nonce, its intents are reported dropped, the later one mines", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w, { feeBumpPercent: 15 });
        // Sent at its cap: no room for any bump.
        const cap = (await ethers.provider.getFeeData()).maxFeePerGas!;
        const stuck = await sender.send(transfer(w, "stuck", { maxFeeCapPerGas: cap }));
        const behind = await sender.send(transfer(w, "behind"));
        await mineAtBaseFee(cap * 2n);
        expect((await ethers.provider.getFeeData()).gasPrice! > cap).to.equal(true);

        w.clock.now += 1_000;
        const events = await sender.poll();

        expect(ofKind(events, "stuck")).to.deep.equal([]);
        const [canceling] = ofKind(events, "canceling");
        expect(canceling).to.include({ nonce: stuck.nonce, replacedHash: stuck.hash });
        expect(canceling.intentIds).to.deep.equal([id("stuck")]);
        expect(canceling.maxFeePerGas >= bumpBy(stuck.maxFeePerGas, 10)).to.equal(true);
        expect(canceling.maxPriorityFeePerGas >= bumpBy(stuck.maxPriorityFeePerGas, 10)).to.equal(
          true,
        );
        const self = Transaction.from(w.store.transactions.get(canceling.hash)!.raw);
        expect(self.to).to.equal(w.signer.address);
        expect(self.value).to.equal(0n);
        expect(self.nonce).to.equal(stuck.nonce);
        const [replaced] = ofKind(events, "replaced");
        expect(replaced).to.include({ nonce: behind.nonce });

        await mineBlock();
        const settled = await sender.poll();
        expect(ofKind(settled, "mined").map((event) => event.hash)).to.deep.equal([
          canceling.hash,
          replaced.hash,
        ]);
        const [dropped] = ofKind(settled, "dropped");
        expect(dropped).to.include({ nonce: stuck.nonce, reason: "canceled" });
        expect(dropped.intentIds).to.deep.equal([id("stuck")]);
        expect(await ethers.provider.getTransactionReceipt(stuck.hash)).to.equal(null);
        expect(sender.pendingCount()).to.equal(0);
      } finally {
        await setAutomine(true);
      }
    });

    it("keeps a transaction stuck at its cap below the network's price waiting when no later nonce waits behind it", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w, { feeBumpPercent: 15 });
        const cap = (await ethers.provider.getFeeData()).maxFeePerGas!;
        const stuck = await sender.send(transfer(w, "alone", { maxFeeCapPerGas: cap }));
        await mineAtBaseFee(cap * 2n);

        w.clock.now += 1_000;
        const events = await sender.poll();

        expect(events.map((event) => event.kind)).to.deep.equal(["stuck"]);
        expect(events[0]).to.include({ hash: stuck.hash, nonce: stuck.nonce, cap });
        expect(sender.pendingCount()).to.equal(1);
      } finally {
        await setAutomine(true);
      }
    });

    it("reports a reorg when a receipt seen before its confirmations vanishes, then confirms the transaction mined again", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w, { confirmations: 2 });
        const sent = await sender.send(transfer(w, "reorged"));
        const snapshot: string = await ethers.provider.send("evm_snapshot", []);
        await mineBlock();
        expect(await sender.poll()).to.deep.equal([]);

        // Back to before the block: the transaction is in the pool again, without receipt.
        await ethers.provider.send("evm_revert", [snapshot]);
        const events = await sender.poll();

        expect(events).to.have.length(1);
        expect(events[0]).to.include({ kind: "reorged", hash: sent.hash, nonce: sent.nonce });
        expect(w.store.state(sent.hash)).to.equal("pending");

        await mineBlock();
        expect(await sender.poll()).to.deep.equal([]);
        await mineBlock();
        const [mined] = ofKind(await sender.poll(), "mined");
        expect(mined.hash).to.equal(sent.hash);
      } finally {
        await setAutomine(true);
      }
    });

    it("drops a transaction the node refuses on rebroadcast and fills its nonce so the next one mines", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w);
        const expensive = await sender.send(transfer(w, "expensive", { value: parseEther("1") }));
        const cheap = await sender.send(transfer(w, "cheap"));
        await ethers.provider.send("hardhat_dropTransaction", [expensive.hash]);
        // Now the account can't pay the 1 ETH of the dropped transaction any more.
        await networkHelpers.setBalance(w.signer.address, parseEther("0.1"));

        const events = await sender.poll();

        expect(events).to.have.length(1);
        expect(events[0]).to.include({
          kind: "dropped",
          hash: expensive.hash,
          nonce: expensive.nonce,
          reason: "rejected",
        });
        expect(events[0].intentIds).to.deep.equal([id("expensive")]);
        expect(w.store.state(expensive.hash)).to.equal("dropped");
        const [filler] = [...w.store.transactions.values()].filter(
          (transaction) => transaction.nonce === expensive.nonce && transaction.state === "pending",
        );
        const fill = Transaction.from(filler.raw);
        expect(fill.to).to.equal(w.signer.address);
        expect(fill.value).to.equal(0n);
        expect(filler.intentIds).to.deep.equal([]);

        await mineBlock();
        const mined = ofKind(await sender.poll(), "mined");
        expect(mined.map((event) => event.hash)).to.deep.equal([filler.hash, cheap.hash]);
        expect(sender.pendingCount()).to.equal(0);
      } finally {
        await setAutomine(true);
      }
    });

    it("releases the nonce of the last transaction when the node refuses it on rebroadcast", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w);
        const expensive = await sender.send(transfer(w, "expensive", { value: parseEther("1") }));
        await ethers.provider.send("hardhat_dropTransaction", [expensive.hash]);
        await networkHelpers.setBalance(w.signer.address, parseEther("0.1"));

        expect(ofKind(await sender.poll(), "dropped")).to.have.length(1);
        const next = await sender.send(transfer(w, "next"));

        expect(next.nonce).to.equal(expensive.nonce);
        expect([...w.store.transactions.values()].filter((t) => t.intentIds.length === 0)).to.be
          .empty;
      } finally {
        await setAutomine(true);
      }
    });

    it("cancel takes the nonce with a self transfer and reports the intents dropped", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const sender = await startSender(w);
        const network = await ethers.provider.getFeeData();
        const stuck = await sender.send(
          transfer(w, "stuck", { maxFeeCapPerGas: network.maxFeePerGas! }),
        );

        const cancel = await sender.cancel(stuck.nonce);
        expect(cancel.nonce).to.equal(stuck.nonce);
        expect(cancel.maxFeePerGas >= bumpBy(stuck.maxFeePerGas, 10)).to.equal(true);

        await mineBlock();
        const events = await sender.poll();
        expect(events.map((event) => event.kind)).to.deep.equal(["mined", "dropped"]);
        expect(events[0]).to.include({ hash: cancel.hash });
        expect(events[1]).to.include({ reason: "canceled", nonce: stuck.nonce });
        expect(events[1].intentIds).to.deep.equal([id("stuck")]);
        expect(w.store.state(stuck.hash)).to.equal("replaced");
      } finally {
        await setAutomine(true);
      }
    });
  });

  describe("init", function () {
    it("rebroadcasts after a restart the stored transactions the node dropped, and they mine", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const before = await startSender(w);
        const sent = [
          await before.send(transfer(w, "first")),
          await before.send(transfer(w, "second")),
        ];
        for (const { hash } of sent) {
          await ethers.provider.send("hardhat_dropTransaction", [hash]);
          expect(await ethers.provider.getTransaction(hash)).to.equal(null);
        }

        const after = await startSender(w);

        for (const { hash } of sent) {
          expect(await ethers.provider.getTransaction(hash)).to.not.equal(null);
        }
        expect(after.pendingCount()).to.equal(2);
        await mineBlock();
        const mined = ofKind(await after.poll(), "mined");
        expect(mined.map((event) => event.hash)).to.deep.equal(sent.map((t) => t.hash));
        const next = await after.send(transfer(w, "third"));
        expect(next.nonce).to.equal(sent[1].nonce + 1);
      } finally {
        await setAutomine(true);
      }
    });

    it("fills a nonce below a stored pending transaction that the node has no transaction for", async function () {
      const w = await world();
      await setAutomine(false);
      try {
        const before = await startSender(w);
        const lost = await before.send(transfer(w, "lost"));
        const kept = await before.send(transfer(w, "kept"));
        // As if the process died after the node lost `lost` and it was recorded dropped.
        await ethers.provider.send("hardhat_dropTransaction", [lost.hash]);
        await w.store.updateTransaction(lost.hash, { state: "dropped" });

        const after = await startSender(w);

        const filler = [...w.store.transactions.values()].find(
          (transaction) => transaction.nonce === lost.nonce && transaction.state === "pending",
        )!;
        expect(Transaction.from(filler.raw).to).to.equal(w.signer.address);
        await mineBlock();
        const mined = ofKind(await after.poll(), "mined");
        expect(mined.map((event) => event.hash)).to.deep.equal([filler.hash, kept.hash]);
      } finally {
        await setAutomine(true);
      }
    });

    it("refuses a provider on another chain", async function () {
      const w = await world();
      const sender = new TransactionSender({
        provider: ethers.provider,
        signer: w.signer,
        store: w.store.asIntentStore(),
        chainId: w.chainId + 1n,
        confirmations: 1,
        replaceAfterMs: 1_000,
      });
      const message = await sender.init().then(
        () => "resolved",
        (error: unknown) => String(error),
      );
      expect(message).to.match(/on chain 31337.*configured for chain 31338/);
    });
  });

  describe("configuration and helpers", function () {
    it("refuses a fee bump below the 10% nodes require", function () {
      const w = { signer: new Wallet(RELAYER_KEY), store: new FakeTransactionStore() };
      expect(
        () =>
          new TransactionSender({
            provider: ethers.provider,
            signer: w.signer,
            store: w.store.asIntentStore(),
            chainId: 31337n,
            confirmations: 1,
            replaceAfterMs: 1_000,
            feeBumpPercent: 9,
          }),
      ).to.throw(RangeError, /feeBumpPercent must be an integer of at least 10/);
    });

    it("uses the capped gasPrice on a legacy-only chain", function () {
      const fees = initialFees({
        network: { gasPrice: 30n * GWEI, maxFeePerGas: null, maxPriorityFeePerGas: null },
        cap: 20n * GWEI,
      });
      expect(fees).to.deep.equal({
        maxFeePerGas: 20n * GWEI,
        maxPriorityFeePerGas: 20n * GWEI,
        legacy: true,
      });
    });

    it("bumps to the network's fees when they rose more than the bump, within the cap", function () {
      const previous = { maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 1n * GWEI };
      const network = { gasPrice: null, maxFeePerGas: 40n * GWEI, maxPriorityFeePerGas: 2n * GWEI };
      expect(
        bumpFees({ previous, network, cap: 30n * GWEI, bumpPercent: 15, legacy: false }),
      ).to.deep.equal({ maxFeePerGas: 30n * GWEI, maxPriorityFeePerGas: 2n * GWEI });
      expect(
        bumpFees({ previous, network, cap: 10n * GWEI, bumpPercent: 15, legacy: false }),
      ).to.equal(undefined);
    });

    it("classifies broadcast errors of ethers' JsonRpcProvider and of Hardhat", function () {
      const rpc = (message: string) =>
        makeError("could not coalesce error", "UNKNOWN_ERROR", {
          error: { code: -32000, message },
        });
      expect(classifyBroadcastError(rpc("already known"))).to.equal("already_known");
      expect(
        classifyBroadcastError(makeError("nonce has already been used", "NONCE_EXPIRED")),
      ).to.equal("nonce_too_low");
      expect(
        classifyBroadcastError(makeError("replacement fee too low", "REPLACEMENT_UNDERPRICED")),
      ).to.equal("underpriced");
      expect(classifyBroadcastError(rpc("max fee per gas less than block base fee"))).to.equal(
        "rejected",
      );
      expect(classifyBroadcastError(makeError("request timeout", "TIMEOUT"))).to.equal("unknown");
      expect(classifyBroadcastError(new Error("socket hang up"))).to.equal("unknown");
      const hardhat = Object.assign(new Error("Known transaction: 0x12"), { code: -32000 });
      expect(classifyBroadcastError(hardhat)).to.equal("already_known");
    });
  });
});

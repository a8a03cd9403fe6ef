import { expect } from "chai";
import { Transaction, Wallet } from "ethers";
import { network } from "hardhat";

import { TransactionSender } from "../../src/relayer/chain/TransactionSender.js";
import { LeaseLostError } from "../../src/relayer/store/leases.js";
import { PostgresIntentStore } from "../../src/relayer/store/PostgresIntentStore.js";
import { unsignedQueuedRecord } from "../helpers/intentStore.js";
import { usePostgres } from "../helpers/postgres.js";

const { ethers } = await network.create();

/** Hardhat's default accounts #1 and #2: two fleet members' keys. */
const KEYS = [
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];
const WALLET = "0x00000000000000000000000000000000000000aa";
const LEASE_MS = 300;

/** Waits past every lease taken now. */
function afterLeases(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
}

describe("A fleet member's transaction sender, fenced by its leases", function () {
  this.timeout(60_000);
  const postgres = usePostgres();
  let stores: PostgresIntentStore[];
  let signers: Wallet[];

  beforeEach(async function () {
    const url = await postgres().createDatabase();
    signers = KEYS.map((key) => new Wallet(key, ethers.provider));
    stores = await Promise.all(
      signers.map((signer) =>
        PostgresIntentStore.open({ url, holder: signer.address, leaseMs: LEASE_MS }),
      ),
    );
    await ethers.provider.send("evm_setAutomine", [false]);
  });

  afterEach(async function () {
    await ethers.provider.send("evm_setAutomine", [true]);
    await Promise.all(stores.map((store) => store.close()));
  });

  /** Member A's sender, replacing anything unmined at its first poll. */
  async function senderOfA(): Promise<TransactionSender> {
    const { chainId } = await ethers.provider.getNetwork();
    const sender = new TransactionSender({
      provider: ethers.provider,
      signer: signers[0],
      store: stores[0],
      chainId,
      confirmations: 1,
      replaceAfterMs: 0,
    });
    await sender.init();
    return sender;
  }

  /** An intent accepted by member A (leased to it), and taken over by member B. */
  async function takenOverIntent(salt: number): Promise<string> {
    const record = unsignedQueuedRecord({ wallet: WALLET, salt, createdAt: Date.now() });
    await stores[0].insert(record);
    return record.id;
  }

  it("refuses to send an intent whose lease was taken, broadcasting nothing and keeping its nonce", async function () {
    const sender = await senderOfA();
    const id = await takenOverIntent(1);
    await afterLeases();
    expect((await stores[1].leases.claim(10)).map((c) => c.record.id)).to.deep.equal([id]);
    const poolBefore = await ethers.provider.getTransactionCount(signers[0].address, "pending");

    const refused = await sender
      .send({
        to: WALLET,
        data: "0x",
        gasLimit: 50_000n,
        intentIds: [id],
        maxFeeCapPerGas: 10n ** 11n,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(refused).to.be.instanceOf(LeaseLostError);
    expect(await ethers.provider.getTransactionCount(signers[0].address, "pending")).to.equal(
      poolBefore,
    );
    expect(await stores[0].listPendingTransactions()).to.deep.equal([]);
    // The nonce was given to no one: A's next transaction, a filler, takes it.
    const filler = await sender.send({
      to: signers[0].address,
      data: "0x",
      gasLimit: 21_000n,
      intentIds: [],
      maxFeeCapPerGas: 10n ** 11n,
    });
    expect(filler.nonce).to.equal(poolBefore);
  });

  it("cancels, rather than replaces, its transaction of an intent whose lease was taken", async function () {
    const sender = await senderOfA();
    const id = await takenOverIntent(2);
    const sent = await sender.send({
      to: WALLET,
      data: "0x",
      gasLimit: 50_000n,
      intentIds: [id],
      maxFeeCapPerGas: 10n ** 11n,
    });
    await afterLeases();
    const [claim] = await stores[1].leases.claim(10);
    expect(claim.previousHolder).to.equal(signers[0].address);
    expect(
      (await stores[1].leases.pendingTransactionsCarrying([id])).map((t) => t.hash),
    ).to.deep.equal([sent.hash]);

    const events = await sender.poll();

    const canceling = events.find((event) => event.kind === "canceling");
    expect(canceling, JSON.stringify(events.map((e) => e.kind))).to.not.equal(undefined);
    expect(events.some((event) => event.kind === "replaced")).to.equal(false);
    const cancel = Transaction.from(
      (await stores[0].listPendingTransactions()).find((t) => t.hash === canceling!.hash)!.raw,
    );
    expect({
      to: cancel.to,
      value: cancel.value,
      data: cancel.data,
      nonce: cancel.nonce,
    }).to.deep.equal({
      to: signers[0].address,
      value: 0n,
      data: "0x",
      nonce: sent.nonce,
    });
    await ethers.provider.send("evm_mine", []);
    const after = await sender.poll();
    const dropped = after.find((event) => event.kind === "dropped");
    expect(dropped, JSON.stringify(after.map((e) => e.kind))).to.deep.include({
      intentIds: [id],
      reason: "canceled",
    });
  });
});

import { expect } from "chai";
import { dataSlice, type TransactionReceipt } from "ethers";

import {
  buildIntent,
  creationRelayGasFloor,
  dependencyOn,
  encodeRelayPacked,
  getCloneRuntimeCode,
  IntentStatus,
  RelayerClient,
  signIntent,
  type SignedIntent,
  type WalletCreation,
} from "../../src/sdk/index.js";
import { ERC1271Owner__factory, IntentWallet__factory } from "../../typechain-types/index.js";
import { fundedCounterfactual, signForCounterfactual } from "../helpers/counterfactual.js";
import {
  latestTimestamp,
  nodeAccount,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import {
  describeStatus,
  startRelayerProcess,
  type RelayerProcess,
} from "../helpers/relayerProcess.js";

/*
 * Deploy on first use: an intent of a wallet that does not exist yet, submitted with `create`,
 * is relayed alone through the served factory's `createWalletAndRelay`, which deploys the wallet
 * first; once the wallet exists (whoever deployed it) its intents are relayed on it as usual.
 */
describe("Relayer creates a wallet with its first intent (create), on a real hardhat node", function () {
  this.timeout(180_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;
  let factory: string;

  before(async function () {
    world = await startNodeWorld(1);
    factory = await world.factory.getAddress();
    relayer = await startRelayerProcess(
      relayerEnvFor(world, { RELAYER_FACTORY: factory, RELAYER_BATCHER: world.batcher }),
    );
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

  /** Submits `signed` and waits for it to be relayed; the relay transaction and its receipt. */
  async function relayed(signed: SignedIntent) {
    await client.submit(signed);
    const final = await client.waitFor(signed.id, { timeoutMs: 30_000, intervalMs: 50 });
    expect(final.status, describeStatus(final)).to.equal("relayed");
    const transaction = (await world.provider.getTransaction(final.txHash!))!;
    const receipt = (await world.provider.getTransactionReceipt(final.txHash!))!;
    return { final, transaction, receipt };
  }

  /** The WalletCreated logs of the world's factory in `receipt`. */
  function walletsCreatedIn(receipt: TransactionReceipt): string[] {
    return receipt.logs
      .filter((log) => log.address === factory)
      .map((log) => world.factory.interface.parseLog(log))
      .filter((parsed) => parsed?.name === "WalletCreated")
      .map((parsed) => parsed!.args.wallet as string);
  }

  const createSelector = () => world.factory.interface.getFunction("createWalletAndRelay").selector;

  it("deploys an undeployed, funded wallet with its first intent, sent alone through the factory, and reports it relayed", async function () {
    const wallet = await fundedCounterfactual(world, "first use");
    const before = await world.provider.getBalance(world.targetAddress);
    // A minGasLimit far above what the call uses: the gas rule's creation path sets the limit.
    const signed = await signForCounterfactual(world, wallet, {
      calls: [{ ...pingCall(world, 1n), value: 1_000n }],
      minGasLimit: 1_000_000n,
    });

    const { status } = await client.submit(signed);
    const { final, transaction, receipt } = await relayed(signed);

    expect(status).to.equal("queued");
    expect(await world.provider.getCode(wallet.address)).to.equal(
      getCloneRuntimeCode({ implementation: world.implementation, owner: wallet.create.owner }),
    );
    expect(receipt.status).to.equal(1);
    expect(transaction.to).to.equal(factory);
    expect(dataSlice(transaction.data, 0, 4)).to.equal(createSelector());
    expect(transaction.gasLimit >= creationRelayGasFloor(signed.intent)).to.equal(true);
    expect(walletsCreatedIn(receipt)).to.deep.equal([wallet.address]);
    expect(final.relayedBy).to.equal(receipt.from);
    const onChain = await IntentWallet__factory.connect(
      wallet.address,
      world.provider,
    ).intentReceipt(signed.id);
    expect(onChain.status).to.equal(IntentStatus.Succeeded);
    expect(onChain.relayer).to.equal(factory);
    expect(await world.provider.getBalance(world.targetAddress)).to.equal(before + 1_000n);
  });

  it("deploys the wallet of an ERC-1271 owner contract, its owner's signature asked through eth_call", async function () {
    const signer = nodeAccount(6, world.provider);
    const ownerContract = await new ERC1271Owner__factory(nodeAccount(0, world.provider)).deploy(
      signer.address,
    );
    const owner = await ownerContract.getAddress();
    const wallet = await fundedCounterfactual(world, "erc1271", { owner });
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 2n)] },
      { signer },
    );

    const { transaction } = await relayed(signed);

    expect(transaction.to).to.equal(factory);
    expect(await world.provider.getCode(wallet.address)).to.not.equal("0x");
  });

  it("relays on the wallet itself an intent whose wallet exists already: create is ignored", async function () {
    const wallet = await fundedCounterfactual(world, "exists already");
    await (await world.factory.createWallet(wallet.create.owner, 0n)).wait();
    const signed = await signForCounterfactual(world, wallet, { calls: [pingCall(world, 3n)] });

    const { transaction, receipt } = await relayed(signed);

    expect(transaction.to).to.equal(wallet.address);
    expect(walletsCreatedIn(receipt)).to.deep.equal([]);
  });

  it("relays normally an intent whose wallet someone else deployed between its acceptance and its relay", async function () {
    const wallet = await fundedCounterfactual(world, "deployed meanwhile");
    const now = BigInt((await world.provider.getBlock("latest"))!.timestamp);
    const signed = await signForCounterfactual(world, wallet, {
      calls: [pingCall(world, 4n)],
      validAfter: now + 3_600n,
    });
    expect((await client.submit(signed)).status).to.equal("scheduled");

    const stranger = world.factory.connect(nodeAccount(3, world.provider));
    await (await stranger.createWallet(wallet.create.owner, 0n)).wait();
    await world.provider.send("evm_increaseTime", [3_600]);
    await world.provider.send("evm_mine", []);
    const { transaction, receipt } = await relayed(signed);

    expect(transaction.to).to.equal(wallet.address);
    expect(receipt.status).to.equal(1);
    expect(walletsCreatedIn(receipt)).to.deep.equal([]);
  });

  it("relays two intents of one undeployed wallet ready in the same tick: one creates it, the other waits and is relayed on it; no relay reverts", async function () {
    const wallet = await fundedCounterfactual(world, "two at once");
    const validAfter = (await latestTimestamp(world)) + 3_600n;
    const [first, second] = await Promise.all(
      [5n, 6n].map((x) =>
        signForCounterfactual(world, wallet, { calls: [pingCall(world, x)], salt: x, validAfter }),
      ),
    );
    for (const signed of [first, second]) {
      expect((await client.submit(signed)).status).to.equal("scheduled");
    }
    const fromBlock = await world.provider.getBlockNumber();

    // Both become ready at once, in the same tick.
    await world.provider.send("evm_increaseTime", [3_600]);
    await world.provider.send("evm_mine", []);
    const relays = await Promise.all([relayed(first), relayed(second)]);

    const targets = relays.map(({ transaction }) => transaction.to).sort();
    expect(targets).to.deep.equal([factory, wallet.address].sort());
    const created = relays.flatMap(({ receipt }) => walletsCreatedIn(receipt));
    expect(created).to.deep.equal([wallet.address]);
    expect(await relayerTransactionsReverted(fromBlock)).to.deep.equal([]);
  });

  it("never puts an intent that creates its wallet in a batch, even ready in the same tick as another intent", async function () {
    const wallet = await fundedCounterfactual(world, "not batched");
    const validAfter = (await latestTimestamp(world)) + 3_600n;
    const creating = await signForCounterfactual(world, wallet, {
      calls: [pingCall(world, 9n)],
      validAfter,
    });
    const other = await signIntent({
      signer: world.owners[0],
      intent: buildIntent({ calls: [pingCall(world, 10n)], validAfter, now: validAfter }),
      wallet: world.wallets[0],
      chainId: world.chainId,
    });
    await Promise.all([client.submit(creating), client.submit(other)]);
    const skippedBefore = batchSkips(await client.metrics());

    await world.provider.send("evm_increaseTime", [3_600]);
    await world.provider.send("evm_mine", []);
    const [{ transaction }] = await Promise.all([relayed(creating), relayed(other)]);

    expect(transaction.to).to.equal(factory);
    expect(batchSkips(await client.metrics())).to.equal(skippedBefore);
  });

  it("reports relayed, by the account that sent it, an intent someone else relayed through the factory first", async function () {
    const wallet = await fundedCounterfactual(world, "relayed by another");
    const dependency = await signIntent({
      signer: world.owners[0],
      intent: buildIntent({ calls: [pingCall(world, 7n)], now: await latestTimestamp(world) }),
      wallet: world.wallets[0],
      chainId: world.chainId,
    });
    const signed = await signForCounterfactual(world, wallet, {
      calls: [pingCall(world, 8n)],
      dependencies: [dependencyOn(dependency)],
    });
    await client.submit(signed);
    await client.waitFor(signed.id, {
      until: ["waiting_dependencies"],
      timeoutMs: 10_000,
      intervalMs: 50,
    });

    // Another relayer sends both in one block, before this relayer could see the dependency met.
    const other = nodeAccount(3, world.provider);
    await relayInOneBlock(other, [
      { to: dependency.wallet, data: encodeRelayPacked(dependency) },
      { to: factory, data: creationCalldata(signed) },
    ]);
    const final = await client.waitFor(signed.id, { timeoutMs: 20_000, intervalMs: 50 });

    expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(final.relayedBy).to.equal(other.address);
    expect(final.txHash).to.equal(undefined);
  });

  /** `createWalletAndRelay` of `signed` with its own `create`. */
  function creationCalldata(signed: SignedIntent): string {
    const { owner, salt } = signed.create as WalletCreation;
    return world.factory.interface.encodeFunctionData("createWalletAndRelay", [
      owner,
      salt,
      signed.intent,
      signed.signature,
    ]);
  }

  /** Sends `requests` from `sender`, mined together in one block. */
  async function relayInOneBlock(
    sender: ReturnType<typeof nodeAccount>,
    requests: { to: string; data: string }[],
  ): Promise<void> {
    const nonce = await sender.getNonce();
    await world.provider.send("evm_setAutomine", [false]);
    try {
      for (const [i, request] of requests.entries()) {
        await sender.sendTransaction({ ...request, nonce: nonce + i, gasLimit: 2_000_000n });
      }
      await world.provider.send("evm_mine", []);
    } finally {
      await world.provider.send("evm_setAutomine", [true]);
    }
  }

  /** How many intents batches left out, by the relayer's metrics. */
  function batchSkips(metrics: string): number {
    return [...metrics.matchAll(/^relayer_batch_skipped_total\{[^}]*\} (\d+)$/gm)]
      .map((match) => Number(match[1]))
      .reduce((sum, count) => sum + count, 0);
  }

  /** The hashes of the relayer's transactions mined since `fromBlock` that reverted. */
  async function relayerTransactionsReverted(fromBlock: number): Promise<string[]> {
    const relayerAccount = (await client.health()).relayer;
    const reverted: string[] = [];
    for (let number = fromBlock + 1; number <= (await world.provider.getBlockNumber()); number++) {
      const block = (await world.provider.getBlock(number, true))!;
      for (const transaction of block.prefetchedTransactions) {
        if (transaction.from !== relayerAccount) continue;
        const receipt = await world.provider.getTransactionReceipt(transaction.hash);
        if (receipt!.status !== 1) reverted.push(transaction.hash);
      }
    }
    return reverted;
  }
});

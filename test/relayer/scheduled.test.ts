import { expect } from "chai";

import { dataSlice, id as keccakText, Wallet } from "ethers";

import {
  buildIntent,
  buildSessionGrant,
  installModuleCall,
  RELAY_PACKED_SELECTOR,
  RelayerClient,
  RelayerError,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  toSignedIntentJson,
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

/** How far the chain's clock is put ahead of the wall clock: the test's time is the relayer's "now". */
const AHEAD_SECONDS = 86_400;

describe("Relayer and validAfter: scheduled intents on a real hardhat node", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;
  let relayerAccount: string;

  before(async function () {
    world = await startNodeWorld(3);
    await rpc("evm_increaseTime", [AHEAD_SECONDS]);
    await rpc("evm_mine");
    relayer = await startRelayerProcess(relayerEnvFor(world));
    client = new RelayerClient({ url: relayer.url });
    relayerAccount = (await client.health()).relayer;
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

  function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    return world.provider.send(method, params);
  }

  /** Mines one block whose timestamp is `timestamp`. */
  async function mineAt(timestamp: bigint): Promise<void> {
    await rpc("evm_setNextBlockTimestamp", [Number(timestamp)]);
    await rpc("evm_mine");
  }

  /** Lets the relayer tick a few times (it ticks every 50 ms). */
  function letTick(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 600));
  }

  /** An intent of wallet `walletIndex`, signed by its owner, expiring a year after the chain's now. */
  async function sign(
    walletIndex: number,
    parameters: BuildIntentParameters,
  ): Promise<SignedIntent> {
    return signIntent({
      signer: world.owners[walletIndex],
      intent: buildIntent({ now: await latestTimestamp(world), ...parameters }),
      wallet: world.wallets[walletIndex],
      chainId: world.chainId,
    });
  }

  function follow(id: string, seen: RelayerIntentStatus[] = []) {
    return followIntent(client, id, seen);
  }

  /** Transactions of the relayer's account, mined or pending. */
  function relayerTransactionCount(): Promise<number> {
    return world.provider.getTransactionCount(relayerAccount, "pending");
  }

  async function refusalOf(signed: SignedIntent): Promise<RelayerError> {
    const refusal = await client.submit(signed).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(refusal).to.be.instanceOf(RelayerError);
    return refusal as RelayerError;
  }

  it("accepts an intent whose validAfter is ahead as scheduled, sends nothing while the chain is a second short of it, and relays it in the first block after the chain reaches it", async function () {
    const validAfter = (await latestTimestamp(world)) + 60n;
    const signed = await sign(0, { calls: [pingCall(world, 1n)], validAfter });
    const sentBefore = await relayerTransactionCount();

    const { status } = await client.submit(signed);
    expect(status).to.equal("scheduled");

    await mineAt(validAfter - 1n);
    await letTick();
    const held = await client.status(signed.id);
    expect(held.status, describeStatus(held)).to.equal("scheduled");
    expect(held.txHash).to.equal(undefined);
    expect(await relayerTransactionCount(), "a transaction sent before validAfter").to.equal(
      sentBefore,
    );

    const seen: RelayerIntentStatus[] = [];
    await mineAt(validAfter);
    const final = await follow(signed.id, seen);

    expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(seen[0]).to.equal("scheduled");
    const transaction = (await world.provider.getTransaction(final.txHash!))!;
    expect(dataSlice(transaction.data, 0, 4)).to.equal(RELAY_PACKED_SELECTOR);
    const block = (await world.provider.getBlock(Number(final.blockNumber)))!;
    expect(BigInt(block.timestamp) > validAfter).to.equal(true);
    expect(await relayerTransactionCount()).to.equal(sentBefore + 1);
  });

  it("expires a scheduled intent whose expiration passes before the relayer sees its validAfter: expired, waiting for valid_after, never relayed", async function () {
    const start = await latestTimestamp(world);
    const signed = await sign(1, {
      calls: [pingCall(world, 2n)],
      validAfter: start + 100n,
      expiration: start + 200n,
    });
    expect((await client.submit(signed)).status).to.equal("scheduled");

    await mineAt(start + 200n);
    const final = await follow(signed.id);

    expect(final.status, describeStatus(final)).to.equal("expired");
    expect(final.reason?.code).to.equal("expired");
    expect(final.reason?.details?.waitingFor).to.equal("valid_after");
    expect(final.txHash).to.equal(undefined);
    const wallet = IntentWallet__factory.connect(world.wallets[1], world.provider);
    expect(await wallet.intentStatus(signed.id)).to.equal(0n);
  });

  it("refuses a scheduled intent signed by a stranger at once, checked ahead: 400 invalid_signature naming the signer", async function () {
    const stranger = new Wallet(keccakText("scheduled.test stranger"));
    const signed = await signIntent({
      signer: stranger,
      intent: buildIntent({
        calls: [pingCall(world, 3n)],
        validAfter: (await latestTimestamp(world)) + 600n,
        now: await latestTimestamp(world),
      }),
      wallet: world.wallets[2],
      chainId: world.chainId,
    });

    const refusal = await refusalOf(signed);

    expect(refusal.status).to.equal(400);
    expect(refusal.code).to.equal("invalid_signature");
    expect(refusal.shortMessage).to.match(/IntentInvalidSignature/);
    expect(refusal.errorDetails).to.deep.equal({ signer: stranger.address });
  });

  it("refuses an intent whose validAfter is not before its expiration: 400 invalid_window, nothing stored", async function () {
    const start = await latestTimestamp(world);
    for (const [validAfter, expiration] of [
      [start + 500n, start + 500n],
      [start + 900n, start + 500n],
    ]) {
      const signed = await sign(2, { calls: [pingCall(world, 4n)], validAfter, expiration });

      const refusal = await refusalOf(signed);

      expect(refusal.status).to.equal(400);
      expect(refusal.code).to.equal("invalid_window");
      expect(refusal.shortMessage).to.equal(
        `intent ${signed.id} can never be relayed: its validAfter ${validAfter} is not before its expiration ${expiration}`,
      );
      expect(refusal.errorDetails).to.deep.equal({
        validAfter: validAfter.toString(),
        expiration: expiration.toString(),
      });
      const lookup = await client.status(signed.id).catch((thrown: RelayerError) => thrown);
      expect((lookup as RelayerError).code).to.equal("not_found");
    }
  });

  it("refuses a version 1 body (an intent signed before validAfter existed): 400 invalid_field at version, saying to sign again", async function () {
    const wire = toSignedIntentJson(await sign(2, { calls: [pingCall(world, 5n)] }));
    const { validAfter: _validAfter, ...intentV1 } = wire.intent;
    const response = await fetch(`${relayer.url}/v1/intents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...wire, version: 1, intent: intentV1 }),
    });
    const body = (await response.json()) as {
      error: { code: string; message: string; details: { path: string } };
    };

    expect(response.status).to.equal(400);
    expect(body.error.code).to.equal("invalid_field");
    expect(body.error.details.path).to.equal("version");
    expect(body.error.message).to.match(/version 1 is the intent format before validAfter/);
    expect(body.error.message).to.match(/sign the intent again/);
  });

  it("checks a session key's scheduled intent through the module ahead: accepts it in its grant and relays it when its validAfter comes, refuses one outside its grant", async function () {
    const wallet = world.wallets[0];
    const installed = await sign(0, {
      calls: [installModuleCall({ wallet, module: world.moduleAddress })],
      salt: 100n,
    });
    await client.submit(installed);
    expect((await follow(installed.id)).status).to.equal("relayed");
    const sessionKey = new Wallet(keccakText("scheduled.test session key"));
    const start = await latestTimestamp(world);
    const carry = await signSessionGrant({
      signer: world.owners[0],
      grant: buildSessionGrant({
        wallet,
        app: "scheduled.test",
        sessionKey: sessionKey.address,
        permissions: [{ target: world.targetAddress, functionSignature: "ping(uint256)" }],
        validUntil: start + 3_600n,
      }),
      module: world.moduleAddress,
      chainId: world.chainId,
    });
    const bySession = (calls: BuildIntentParameters["calls"]) =>
      signSessionIntent({
        sessionKey,
        intent: buildIntent({ calls, validAfter: start + 60n, now: start }),
        wallet,
        chainId: world.chainId,
        module: world.moduleAddress,
        carry,
      });

    const outside = await bySession([
      { to: world.targetAddress, data: world.target.interface.encodeFunctionData("fail", [6n]) },
    ]);
    const refusal = await refusalOf(outside);
    expect(refusal.code).to.equal("invalid_signature");
    expect(refusal.shortMessage).to.match(/SessionCallNotAllowed/);

    const inside = await bySession([pingCall(world, 7n)]);
    expect((await client.submit(inside)).status).to.equal("scheduled");
    await mineAt(start + 60n);
    const final = await follow(inside.id);
    expect(final.status, describeStatus(final)).to.equal("relayed");
  });
});

import { expect } from "chai";
import { JsonRpcProvider, Network } from "ethers";

import { loadRelayerConfig } from "../../src/relayer/config.js";
import { createLogger } from "../../src/relayer/logger.js";
import { startRelayer, type RunningRelayer } from "../../src/relayer/startRelayer.js";
import {
  buildIntent,
  RelayerClient,
  signIntent,
  type Intent,
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

/** A provider that records the JSON of every JSON-RPC request it sends. */
class RecordingProvider extends JsonRpcProvider {
  requests: string[] = [];

  override async _send(payload: Parameters<JsonRpcProvider["_send"]>[0]) {
    for (const request of [payload].flat()) this.requests.push(JSON.stringify(request));
    return super._send(payload);
  }

  /** How many requests were about `signed`: carried its signature (a simulation, an estimate, a relay). */
  about(signed: SignedIntent): number {
    const signature = signed.signature.slice(4).toLowerCase(); // past 0x and the kind byte
    return this.requests.filter((request) => request.toLowerCase().includes(signature)).length;
  }
}

/*
 * An intent that waits (for a dependency, its validAfter, the gas price) costs the relayer no
 * JSON-RPC call while the chain moves on, and is relayed as soon as the block that ends its wait
 * comes: woken by the event, not found by a poll. The relayer runs in this process on a
 * provider that records every request.
 */
describe("Relayer wake-ups: waiting intents are woken by the event, not polled", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let provider: RecordingProvider;
  let relayer: RunningRelayer;
  let client: RelayerClient;
  let salt = 0n;

  before(async function () {
    world = await startNodeWorld(3);
    provider = new RecordingProvider(world.node.url, Network.from(world.chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 20,
    });
    const config = loadRelayerConfig(
      relayerEnvFor(world, { RELAYER_PORT: "0", RELAYER_POLL_MS: "20" }),
    );
    relayer = await startRelayer(config, { logger: createLogger({ level: "silent" }), provider });
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await relayer?.stop();
    provider?.destroy();
    await world?.stop();
  });

  async function sign(wallet: number, fields: Partial<Intent> = {}): Promise<SignedIntent> {
    const now = await latestTimestamp(world);
    const intent = {
      ...buildIntent({ calls: [pingCall(world, 1n)], salt: salt++, now }),
      ...fields,
    };
    return signIntent({
      signer: world.owners[wallet],
      intent,
      wallet: world.wallets[wallet],
      chainId: world.chainId,
    });
  }

  /** Mines `count` empty blocks, one at a time, letting the relayer follow each. */
  async function mineBlocks(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await world.provider.send("evm_mine", []);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }

  async function statusOf(signed: SignedIntent): Promise<string> {
    return (await client.status(signed.id)).status;
  }

  it("relays an intent waiting on a dependency in the block after the dependency's, with no call about it meanwhile", async function () {
    const dependency = await sign(0);
    const waiting = await sign(1, {
      dependencies: [{ wallet: dependency.wallet, id: dependency.id }],
    });
    await client.submit(waiting);
    await client.waitFor(waiting.id, {
      until: ["waiting_dependencies"],
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await mineBlocks(1);
    const callsBefore = provider.about(waiting);

    await mineBlocks(5);
    expect(provider.about(waiting), "calls about the waiting intent while blocks passed").to.equal(
      callsBefore,
    );
    expect(await statusOf(waiting)).to.equal("waiting_dependencies");

    const wallet = IntentWallet__factory.connect(dependency.wallet, world.deployer);
    const relay = await (await wallet.relay(dependency.intent, dependency.signature)).wait();
    const final = await client.waitFor(waiting.id, { timeoutMs: 10_000, intervalMs: 20 });
    expect(final.status).to.equal("relayed");
    expect(Number(final.blockNumber)).to.equal(relay!.blockNumber + 1);
  });

  it("holds a scheduled intent with no call about it until the block that reaches its validAfter, then relays it", async function () {
    const now = await latestTimestamp(world);
    const validAfter = now + 600n;
    const scheduled = await sign(2, { validAfter, expiration: validAfter + 3_600n });
    expect((await client.submit(scheduled)).status).to.equal("scheduled");
    const callsBefore = provider.about(scheduled);

    await mineBlocks(5);
    expect(provider.about(scheduled), "calls about the scheduled intent").to.equal(callsBefore);
    expect(await statusOf(scheduled)).to.equal("scheduled");

    await world.provider.send("evm_setNextBlockTimestamp", [Number(validAfter)]);
    await world.provider.send("evm_mine", []);
    const reached = await world.provider.getBlockNumber();
    const final = await client.waitFor(scheduled.id, { timeoutMs: 10_000, intervalMs: 20 });
    expect(final.status).to.equal("relayed");
    expect(Number(final.blockNumber)).to.equal(reached + 1);
  });

  it("keeps an intent waiting for the gas price with no call about it while the price stays above its cap, and relays it once a block's price falls under", async function () {
    const setBaseFee = (wei: bigint) =>
      world.provider.send("hardhat_setNextBlockBaseFeePerGas", [`0x${wei.toString(16)}`]);
    await setBaseFee(50_000_000_000n);
    await world.provider.send("evm_mine", []);
    const cheap = await sign(0, { maxGasPrice: 10_000_000_000n });
    await client.submit(cheap);
    await client.waitFor(cheap.id, {
      until: ["waiting_gas_price"],
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await mineBlocksAt(setBaseFee, 50_000_000_000n, 1);
    const callsBefore = provider.about(cheap);

    await mineBlocksAt(setBaseFee, 50_000_000_000n, 5);
    expect(provider.about(cheap), "calls about the intent waiting for the price").to.equal(
      callsBefore,
    );
    expect(await statusOf(cheap)).to.equal("waiting_gas_price");

    await setBaseFee(1_000_000_000n);
    await world.provider.send("evm_mine", []);
    const final = await client.waitFor(cheap.id, { timeoutMs: 10_000, intervalMs: 20 });
    expect(final.status).to.equal("relayed");
  });

  async function mineBlocksAt(
    setBaseFee: (wei: bigint) => Promise<unknown>,
    wei: bigint,
    count: number,
  ): Promise<void> {
    for (let i = 0; i < count; i++) {
      await setBaseFee(wei);
      await mineBlocks(1);
    }
  }
});

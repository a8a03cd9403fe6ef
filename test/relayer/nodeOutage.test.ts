import { expect } from "chai";

import { loadRelayerConfig } from "../../src/relayer/config.js";
import { createLogger } from "../../src/relayer/logger.js";
import { startRelayer, type RunningRelayer } from "../../src/relayer/startRelayer.js";
import {
  buildIntent,
  RelayerClient,
  signIntent,
  toSignedIntentJson,
  type SignedIntent,
} from "../../src/sdk/index.js";
import {
  latestTimestamp,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";

/** What the relayer answered, and how long it took. */
interface TimedAnswer {
  status: number;
  retryAfter: string | null;
  ms: number;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/*
 * A real `hardhat node` that stops answering (SIGSTOP: its port still accepts connections, but
 * nothing comes back, as with a hung or overloaded node), then answers again (SIGCONT).
 */
describe("Relayer while its node does not answer", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RunningRelayer;
  let client: RelayerClient;
  let paused = false;

  before(async function () {
    world = await startNodeWorld(1);
    const config = loadRelayerConfig(relayerEnvFor(world, { RELAYER_PORT: "0" }));
    relayer = await startRelayer(config, { logger: createLogger({ level: "silent" }) });
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    if (paused) world.node.process.kill("SIGCONT");
    await relayer?.stop();
    await world?.stop();
  });

  function pause(): void {
    world.node.process.kill("SIGSTOP");
    paused = true;
  }

  function resume(): void {
    world.node.process.kill("SIGCONT");
    paused = false;
  }

  async function sign(x: bigint): Promise<SignedIntent> {
    return signIntent({
      signer: world.owners[0],
      intent: buildIntent({ calls: [pingCall(world, x)], now: await latestTimestamp(world) }),
      wallet: world.wallets[0],
      chainId: world.chainId,
    });
  }

  /** A request to the relayer, given up (and failed) after 15 s. */
  async function timed(path: string, body?: SignedIntent): Promise<TimedAnswer> {
    const started = performance.now();
    const response = await fetch(`${relayer.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(toSignedIntentJson(body)),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await response.json()) as { error?: TimedAnswer["error"] };
    return {
      ...json,
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      ms: performance.now() - started,
    };
  }

  it("answers /health within 1 s with 503 unavailable naming the RPC, refuses submissions with 503 and Retry-After, then relays again once the node answers", async function () {
    const before = await sign(1n);
    const during = await sign(2n);
    const after = await sign(3n);
    await client.submit(before);
    expect(
      (await client.waitFor(before.id, { timeoutMs: 20_000, intervalMs: 50 })).status,
    ).to.equal("relayed");

    pause();
    const health = await timed("/health");
    const submitted = await timed("/v1/intents", during);
    const healthAgain = await timed("/health");
    const stored = await timed(`/v1/intents/${during.id}`);

    expect(health.status, JSON.stringify(health)).to.equal(503);
    expect(health.ms).to.be.lessThan(1_000);
    expect(health.error?.code).to.equal("unavailable");
    expect(health.error?.details).to.deep.include({ component: "rpc" });
    expect(health.error?.message).to.match(/JSON-RPC/);
    expect(Number(health.retryAfter)).to.be.greaterThan(0);
    expect(submitted.status, JSON.stringify(submitted)).to.equal(503);
    expect(submitted.error?.code).to.equal("unavailable");
    expect(submitted.error?.details).to.deep.include({ component: "rpc" });
    expect(Number(submitted.retryAfter)).to.be.greaterThan(0);
    expect(healthAgain.ms).to.be.lessThan(1_000);
    expect(stored.status, "the refused intent was stored").to.equal(404);

    resume();
    const deadline = Date.now() + 20_000;
    while ((await timed("/health")).status !== 200) {
      expect(Date.now(), "/health never came back").to.be.lessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await client.submit(during)).alreadyKnown).to.equal(false);
    await client.submit(after);
    for (const signed of [during, after]) {
      const final = await client.waitFor(signed.id, { timeoutMs: 30_000, intervalMs: 50 });
      expect(final.status, `${final.reason?.code} ${final.reason?.message}`).to.equal("relayed");
    }
  });
});

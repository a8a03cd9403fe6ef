import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  buildIntent,
  RelayerClient,
  signIntent,
  type Intent,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { startNodeWorld, type NodeWorld } from "../helpers/nodeWorld.js";
import { startRelayerProcess, type RelayerProcess } from "../helpers/relayerProcess.js";

describe("Relayer service on a real hardhat node, over HTTP", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;

  before(async function () {
    world = await startNodeWorld(3);
    relayer = await startRelayerProcess({
      RELAYER_RPC_URL: world.node.url,
      RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "relayer-")), "relayer.db"),
      RELAYER_IMPLEMENTATION: world.implementation,
      RELAYER_POLL_MS: "50",
      RELAYER_HOLD_MS: "1000",
      RELAYER_LOG_LEVEL: "warn",
    });
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  async function now(): Promise<bigint> {
    const block = await world.provider.getBlock("latest");
    return BigInt(block!.timestamp);
  }

  function ping(x: bigint) {
    return {
      to: world.targetAddress,
      data: world.target.interface.encodeFunctionData("ping", [x]),
    };
  }

  async function sign(walletIndex: number, intent: Intent): Promise<SignedIntent> {
    return signIntent({
      signer: world.owners[walletIndex],
      intent,
      wallet: world.wallets[walletIndex],
      chainId: world.chainId,
    });
  }

  it("relays a submitted intent and reports it relayed with its transaction", async function () {
    const signed = await sign(0, buildIntent({ calls: [ping(1n)], now: await now() }));
    const { id, status } = await client.submit(signed);
    expect(id).to.equal(signed.id);
    expect(status).to.equal("queued");
    const final = await client.waitFor(id, { timeoutMs: 20_000, intervalMs: 50 });
    expect(final.status, `${final.status}: ${final.reason?.code} ${final.reason?.message}`).to.equal("relayed");
    expect(final.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const receipt = await world.provider.getTransactionReceipt(final.txHash!);
    expect(receipt!.status).to.equal(1);
  });
});

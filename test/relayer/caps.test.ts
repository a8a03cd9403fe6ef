import { expect } from "chai";
import { relayerFollowed } from "../helpers/relayerFollowed.js";
import { getAddress, id as keccakText } from "ethers";

import {
  buildIntent,
  signIntent,
  toSignedIntentJson,
  type BuildIntentParameters,
  type SignedIntent,
} from "../../src/sdk/index.js";
import {
  latestTimestamp,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import { startRelayerProcess, type RelayerProcess } from "../helpers/relayerProcess.js";

/** The default of RELAYER_MAX_EXPIRATION_SECONDS: 366 days. */
const HORIZON_SECONDS = 31_622_400n;

/** What the relayer answered, as it came over the wire. */
interface Answer {
  status: number;
  retryAfter: string | null;
  body: {
    status?: string;
    error?: { code: string; message: string; details?: Record<string, unknown> };
  };
}

describe("Relayer caps what one wallet can park: expirations within a horizon, pending intents per wallet", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;

  before(async function () {
    world = await startNodeWorld(3);
    relayer = await startRelayerProcess(
      relayerEnvFor(world, { RELAYER_MAX_PENDING_PER_WALLET: "3" }),
    );
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

  /** An intent of wallet `walletIndex` pinging `x`, signed by its owner. */
  async function sign(
    walletIndex: number,
    parameters: Partial<BuildIntentParameters> & { x: bigint },
  ): Promise<SignedIntent> {
    const { x, ...rest } = parameters;
    return signIntent({
      signer: world.owners[walletIndex],
      intent: buildIntent({
        calls: [pingCall(world, x)],
        now: await latestTimestamp(world),
        ...rest,
      }),
      wallet: world.wallets[walletIndex],
      chainId: world.chainId,
    });
  }

  async function post(signed: SignedIntent): Promise<Answer> {
    const response = await fetch(`${relayer.url}/v1/intents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(toSignedIntentJson(signed)),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: (await response.json()) as Answer["body"],
    };
  }

  async function statusOf(id: string): Promise<number> {
    return (await fetch(`${relayer.url}/v1/intents/${id}`)).status;
  }

  it("refuses an expiration one second beyond 366 days of the chain's time (400 invalid_field), and accepts one at 366 days", async function () {
    // The chain's time well ahead of the wall clock: the horizon counts from the chain's time
    // then, and it stands still until a block is mined (the refusal mines none).
    const ahead = Math.floor(Date.now() / 1000) + 10_000;
    await world.provider.send("evm_setNextBlockTimestamp", [ahead]);
    await world.provider.send("evm_mine", []);
    await relayerFollowed(relayer.url, world.provider);
    const now = await latestTimestamp(world);
    expect(now).to.equal(BigInt(ahead));

    const beyond = await sign(2, { x: 1n, expiration: now + HORIZON_SECONDS + 1n });
    const answer = await post(beyond);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
    expect(answer.body.error?.code).to.equal("invalid_field");
    expect(answer.body.error?.details?.path).to.equal("intent.expiration");
    expect(answer.body.error?.details?.reason).to.match(
      /at most 31622400 seconds from now \(the chain's time is \d+\); it is 31622401/,
    );
    expect(await statusOf(beyond.id)).to.equal(404);

    const atHorizon = await sign(2, { x: 2n, expiration: now + HORIZON_SECONDS });
    const accepted = await post(atHorizon);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
  });

  it("refuses a wallet's fourth pending intent on a relayer capped at 3: 429 rate_limited with its counts and Retry-After; another wallet is still accepted", async function () {
    const unknown = { wallet: world.wallets[0], id: keccakText("an intent never signed") };
    for (const x of [10n, 11n, 12n]) {
      const waiting = await sign(0, { x, dependencies: [unknown] });
      const answer = await post(waiting);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    }
    const fourth = await sign(0, { x: 13n, dependencies: [unknown] });
    const answer = await post(fourth);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(429);
    expect(answer.body.error?.code).to.equal("rate_limited");
    expect(answer.body.error?.message).to.match(
      /has 3 intents pending at this relayer \(limit 3\)/,
    );
    expect(answer.body.error?.details).to.deep.equal({
      wallet: getAddress(world.wallets[0]),
      limit: 3,
      pending: 3,
    });
    expect(answer.retryAfter).to.equal("30");
    expect(await statusOf(fourth.id)).to.equal(404);

    const other = await post(await sign(1, { x: 14n, dependencies: [unknown] }));
    expect(other.status, JSON.stringify(other.body)).to.equal(202);
  });
});

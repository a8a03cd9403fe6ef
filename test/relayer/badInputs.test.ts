import { expect } from "chai";
import { id as keccakText, parseEther, Wallet } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  buildIntent,
  buildSessionGrant,
  dependencyOn,
  RelayerClient,
  RelayerError,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  toSignedIntentJson,
  type BuildIntentParameters,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { IntentWallet__factory, WalletFactory__factory } from "../../typechain-types/index.js";
import {
  latestTimestamp,
  nodeAccount,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import { relayerFollowed } from "../helpers/relayerFollowed.js";
import { startRelayerProcess, type RelayerProcess } from "../helpers/relayerProcess.js";

/** What the relayer answered, as it came over the wire. */
interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: { error?: { code: string; message: string; details?: Record<string, unknown> } };
}

/** One bad input: how to send it and what the relayer must answer. */
interface BadInput {
  name: string;
  status: number;
  code: string;
  /** The message must name the problem. */
  message: RegExp;
  /** A subset of `details` the answer must carry. */
  details?: Record<string, unknown>;
  send(): Promise<Answer>;
}

describe("Relayer service refuses bad inputs with clear errors, and stays healthy", function () {
  this.timeout(120_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;
  /** A second relayer, with a rate limit of 3 per wallet per minute. */
  let limited: RelayerProcess | undefined;
  /** The IDs of refused intents: none may be stored. */
  const refusedIds: string[] = [];

  before(async function () {
    world = await startNodeWorld(4);
    relayer = await startRelayerProcess(relayerEnvFor(world));
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await limited?.stop();
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

  function now(): Promise<bigint> {
    return latestTimestamp(world);
  }

  function ping(x: bigint) {
    return pingCall(world, x);
  }

  /** An intent of wallet `walletIndex` pinging `x`, signed by its owner (or `options.signer`). */
  async function sign(
    walletIndex: number,
    parameters: Partial<BuildIntentParameters> & { x: bigint },
    options: { signer?: Wallet; chainId?: bigint; wallet?: string; epoch?: bigint } = {},
  ): Promise<SignedIntent> {
    const { x, ...rest } = parameters;
    return signIntent({
      signer: options.signer ?? world.owners[walletIndex],
      intent: buildIntent({ calls: [ping(x)], now: await now(), ...rest }),
      wallet: options.wallet ?? world.wallets[walletIndex],
      chainId: options.chainId ?? world.chainId,
      epoch: options.epoch,
    });
  }

  async function post(
    body: string | object,
    { url = relayer.url, contentType = "application/json" } = {},
  ): Promise<Answer> {
    const response = await fetch(`${url}/v1/intents`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      retryAfter: response.headers.get("retry-after"),
      body: (await response.json()) as Answer["body"],
    };
  }

  /** Submits `signed` as the SDK writes it, and remembers its ID as refused. */
  async function postRefused(signed: SignedIntent): Promise<Answer> {
    refusedIds.push(signed.id);
    return post(toSignedIntentJson(signed));
  }

  /** Relays `signed` directly on-chain from node account #3 (not the relayer's account). */
  async function relayDirectly(signed: SignedIntent): Promise<void> {
    const wallet = IntentWallet__factory.connect(signed.wallet, nodeAccount(3, world.provider));
    await (await wallet.relay(signed.intent, signed.signature)).wait();
    await relayerFollowed(relayer.url, world.provider);
  }

  /** The owner of wallet `walletIndex`, funded so it can send its own transactions. */
  async function fundedOwner(walletIndex: number): Promise<Wallet> {
    const owner = world.owners[walletIndex].connect(world.provider);
    const funder = nodeAccount(0, world.provider);
    await (await funder.sendTransaction({ to: owner.address, value: parseEther("1") })).wait();
    return owner;
  }

  const table: BadInput[] = [
    {
      name: "malformed JSON",
      status: 400,
      code: "malformed_json",
      message: /not valid JSON/,
      send: () => post('{"version":2,"wallet":'),
    },
    {
      name: "a body of 1 MiB (over the 128 KiB limit)",
      status: 413,
      code: "body_too_large",
      message: /larger than the limit of 131072 bytes/,
      details: { limitBytes: 131072 },
      send: () => post(JSON.stringify({ version: 2, padding: "x".repeat(1024 * 1024) })),
    },
    {
      name: "a body that is not JSON (Content-Type text/plain)",
      status: 415,
      code: "unsupported_media_type",
      message: /text\/plain/,
      send: async () =>
        post(toSignedIntentJson(await sign(0, { x: 1n })), { contentType: "text/plain" }),
    },
    {
      name: "an unknown field",
      status: 400,
      code: "unknown_field",
      message: /intent\.foo.*unknown field/,
      details: { path: "intent.foo" },
      send: async () => {
        const wire = toSignedIntentJson(await sign(0, { x: 2n }));
        return post({ ...wire, intent: { ...wire.intent, foo: 1 } });
      },
    },
    {
      name: "an on-chain integer as a JSON number",
      status: 400,
      code: "invalid_field",
      message: /intent\.salt/,
      details: { path: "intent.salt" },
      send: async () => {
        const wire = toSignedIntentJson(await sign(0, { x: 3n }));
        return post({ ...wire, intent: { ...wire.intent, salt: 0 } });
      },
    },
    {
      name: "an id that is not the intent's",
      status: 400,
      code: "invalid_field",
      message: /^id: /,
      details: { path: "id" },
      send: async () => {
        const signed = await sign(0, { x: 4n });
        return post({ ...toSignedIntentJson(signed), id: keccakText("another intent") });
      },
    },
    {
      name: "the wrong chain (signed for chain 1)",
      status: 400,
      code: "wrong_chain",
      message: /chain 1 is not this relayer's chain 31337/,
      details: { expected: "31337", received: "1" },
      send: async () => postRefused(await sign(0, { x: 5n }, { chainId: 1n })),
    },
    {
      name: "a bad signature (signed by a stranger)",
      status: 400,
      code: "invalid_signature",
      message:
        /signature does not authorize intent 0x[0-9a-f]{64} for wallet .*signed by 0x.*IntentInvalidSignature/,
      send: async () => {
        const stranger = new Wallet(keccakText("a stranger"));
        const answer = await postRefused(await sign(0, { x: 6n }, { signer: stranger }));
        expect(answer.body.error?.details?.signer).to.equal(stranger.address);
        return answer;
      },
    },
    {
      name: "an expiration in the past",
      status: 400,
      code: "expired",
      message: /expired at \d+ \(the chain's time is \d+\)/,
      send: async () => {
        const expiration = (await now()) - 10n;
        const answer = await postRefused(await sign(0, { x: 7n, expiration }));
        expect(answer.body.error?.details?.expiration).to.equal(expiration.toString());
        expect(BigInt(answer.body.error?.details?.now as string) >= expiration).to.equal(true);
        return answer;
      },
    },
    {
      name: "a duplicate: the same ID with another valid signature (the session key's)",
      status: 409,
      code: "duplicate",
      message: /already accepted with another signature/,
      send: async () => {
        // Install the session-key module through an owner intent relayed directly.
        const walletAddress = world.wallets[0];
        const wallet = IntentWallet__factory.connect(walletAddress, world.provider);
        await relayDirectly(
          await signIntent({
            signer: world.owners[0],
            intent: buildIntent({
              calls: [
                {
                  to: walletAddress,
                  data: wallet.interface.encodeFunctionData("installModule", [world.moduleAddress]),
                },
              ],
              now: await now(),
              salt: 1000n,
            }),
            wallet: walletAddress,
            chainId: world.chainId,
          }),
        );
        // One intent, two valid signatures: the owner's, and a session key's carrying its grant.
        const byOwner = await sign(0, { x: 8n });
        const sessionKey = new Wallet(keccakText("a session key"));
        const grant = buildSessionGrant({
          wallet: walletAddress,
          app: "badInputs.test",
          sessionKey: sessionKey.address,
          permissions: [{ target: world.targetAddress, functionSignature: "ping(uint256)" }],
          validUntil: (await now()) + 3600n,
        });
        const bySession = await signSessionIntent({
          sessionKey,
          intent: byOwner.intent,
          wallet: walletAddress,
          chainId: world.chainId,
          module: world.moduleAddress,
          carry: await signSessionGrant({
            signer: world.owners[0],
            grant,
            module: world.moduleAddress,
            chainId: world.chainId,
          }),
        });
        expect(bySession.id).to.equal(byOwner.id);
        expect(bySession.signature).to.not.equal(byOwner.signature);
        const relayerAccount = nodeAccount(3, world.provider).address;
        for (const signed of [byOwner, bySession]) {
          expect(
            await wallet.relay.staticCall(signed.intent, signed.signature, {
              from: relayerAccount,
            }),
          ).to.equal(true);
        }

        const first = await client.submit(byOwner);
        expect(first.alreadyKnown).to.equal(false);
        const answer = await post(toSignedIntentJson(bySession));
        // The first accepted one stays, and the same signed intent again is idempotent.
        expect(answer.body.error?.details?.status).to.be.a("string");
        const again = await client.submit(byOwner);
        expect(again.alreadyKnown).to.equal(true);
        const final = await client.waitFor(byOwner.id, { timeoutMs: 20_000, intervalMs: 50 });
        expect(final.status).to.equal("relayed");
        expect((await client.submit(byOwner)).status).to.equal("relayed");
        return answer;
      },
    },
    {
      name: "already relayed on-chain (by another account)",
      status: 409,
      code: "already_relayed",
      message: /already relayed on wallet 0x[0-9a-fA-F]{40} in block \d+ by 0x/,
      send: async () => {
        const signed = await sign(0, { x: 9n });
        await relayDirectly(signed);
        const answer = await postRefused(signed);
        expect(answer.body.error?.details).to.include({
          status: "succeeded",
          relayer: nodeAccount(3, world.provider).address,
        });
        expect(answer.body.error?.details?.blockNumber).to.match(/^[1-9][0-9]*$/);
        return answer;
      },
    },
    {
      name: "canceled on-chain by the owner",
      status: 409,
      code: "canceled",
      message: /was canceled by the owner of wallet/,
      details: { reason: "canceled" },
      send: async () => {
        const signed = await sign(1, { x: 10n });
        const owner = await fundedOwner(1);
        const wallet = IntentWallet__factory.connect(world.wallets[1], owner);
        await (await wallet.cancelIntents([signed.id])).wait();
        await relayerFollowed(relayer.url, world.provider);
        return postRefused(signed);
      },
    },
    {
      name: "depending on an intent canceled on-chain",
      status: 409,
      code: "dependency_failed",
      message: /can never succeed: it is canceled/,
      send: async () => {
        const canceled = await sign(1, { x: 11n });
        const wallet = IntentWallet__factory.connect(world.wallets[1], await fundedOwner(1));
        await (await wallet.cancelIntents([canceled.id])).wait();
        await relayerFollowed(relayer.url, world.provider);
        const answer = await postRefused(
          await sign(0, { x: 12n, dependencies: [dependencyOn(canceled)] }),
        );
        expect(answer.body.error?.details).to.deep.equal({
          dependency: { wallet: world.wallets[1], id: canceled.id },
          status: "canceled",
        });
        return answer;
      },
    },
    {
      name: "signed for an epoch the wallet has left (invalidateAllIntents)",
      status: 409,
      code: "canceled",
      message: /invalidated every intent of epoch 0: it is at epoch 1 now/,
      details: { reason: "epoch", epoch: "1" },
      send: async () => {
        const signed = await sign(2, { x: 13n });
        const wallet = IntentWallet__factory.connect(world.wallets[2], await fundedOwner(2));
        await (await wallet.invalidateAllIntents()).wait();
        return postRefused(signed);
      },
    },
    {
      name: "signed for an epoch ahead of the wallet's",
      status: 400,
      code: "invalid_field",
      message: /epoch 7 is ahead of the wallet's epoch 1/,
      details: { path: "epoch" },
      send: async () => postRefused(await sign(2, { x: 14n }, { epoch: 7n })),
    },
    {
      name: "a wallet this relayer does not serve (another implementation's clone)",
      status: 403,
      code: "wallet_not_served",
      message: /does not serve wallet 0x/,
      send: async () => {
        const deployer = nodeAccount(0, world.provider);
        const implementation = await new IntentWallet__factory(deployer).deploy();
        const factory = await new WalletFactory__factory(deployer).deploy(
          await implementation.getAddress(),
        );
        await (await factory.createWallet(world.owners[0].address, 0n)).wait();
        const foreign = await factory.walletAddress(world.owners[0].address, 0n);
        expect(await world.provider.getCode(foreign)).to.not.equal("0x");
        const answer = await postRefused(await sign(0, { x: 15n }, { wallet: foreign }));
        expect(answer.body.error?.details).to.deep.equal({ wallet: foreign });
        return answer;
      },
    },
  ];

  for (const row of table) {
    it(`refuses ${row.name}: ${row.status} ${row.code}`, async function () {
      const answer = await row.send();
      expect(answer.status, JSON.stringify(answer.body)).to.equal(row.status);
      expect(answer.contentType).to.equal("application/json; charset=utf-8");
      expect(Object.keys(answer.body)).to.deep.equal(["error"]);
      expect(answer.body.error?.code).to.equal(row.code);
      expect(answer.body.error?.message).to.match(row.message);
      if (row.details !== undefined) expect(answer.body.error?.details).to.include(row.details);
    });
  }

  it("refuses no dependency cycle, because none can be signed: an ID hashes its dependencies", async function () {
    // A cycle needs an intent to name (through its dependencies) its own ID, which is the hash
    // of those very dependencies: naming the ID it would have without them gives it another ID.
    // So `400 dependency_cycle` cannot be produced by any signed input; the nearest attempt is
    // an ordinary intent that waits for an intent that does not exist.
    const alone = await sign(3, { x: 16n });
    const selfish = await sign(3, {
      x: 16n,
      dependencies: [dependencyOn(alone)],
      expiration: alone.intent.expiration,
    });
    expect(selfish.id).to.not.equal(alone.id);
    const { status } = await client.submit(selfish);
    expect(status).to.equal("queued");
    const waiting = await client.waitFor(selfish.id, {
      until: ["waiting_dependencies"],
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(waiting.status).to.equal("waiting_dependencies");
  });

  it("refuses a fourth submission of one wallet within a minute on a relayer with a rate of 3: 429 rate_limited with Retry-After; refusals past check 11 count, earlier ones do not", async function () {
    limited = await startRelayerProcess({
      RELAYER_RPC_URL: world.node.url,
      RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "relayer-")), "relayer.db"),
      RELAYER_IMPLEMENTATION: world.implementation,
      // Its own account: two relayers must not share nonces.
      RELAYER_PRIVATE_KEY: nodeAccount(4, world.provider).privateKey,
      RELAYER_RATE_PER_MINUTE: "3",
      RELAYER_POLL_MS: "50",
      RELAYER_LOG_LEVEL: "warn",
    });
    const url = limited.url;
    // Refused before the rate (check 11, here the chain: check 7): does not count.
    for (const x of [18n, 19n]) {
      const wrongChain = await sign(3, { x }, { chainId: 1n });
      expect((await post(toSignedIntentJson(wrongChain), { url })).status).to.equal(400);
    }
    // Refused after it (the signature: check 14): counts, as the JSON-RPC work was done.
    const stranger = new Wallet(keccakText("a stranger"));
    const refused = await post(
      toSignedIntentJson(await sign(3, { x: 21n }, { signer: stranger })),
      {
        url,
      },
    );
    expect(refused.status).to.equal(400);
    const accepted = [await sign(3, { x: 22n }), await sign(3, { x: 23n })];
    for (const signed of accepted) {
      expect((await post(toSignedIntentJson(signed), { url })).status).to.equal(202);
    }
    // The same signed intent again is idempotent and counts for no rate.
    expect((await post(toSignedIntentJson(accepted[0]), { url })).status).to.equal(200);

    const third = await sign(3, { x: 24n });
    const answer = await post(toSignedIntentJson(third), { url });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(429);
    expect(answer.body.error?.code).to.equal("rate_limited");
    expect(answer.body.error?.message).to.match(
      /submitted 3 intents in the last minute \(limit 3\)/,
    );
    expect(answer.body.error?.details).to.include({ limit: 3, windowSeconds: 60 });
    expect(Number(answer.retryAfter)).to.be.within(1, 60);

    // The SDK reports it with its Retry-After.
    const error = await new RelayerClient({ url }).submit(third).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(RelayerError);
    expect((error as RelayerError).code).to.equal("rate_limited");
    expect((error as RelayerError).retryAfterSeconds).to.be.within(1, 60);

    // Another wallet is not limited by it.
    expect((await post(toSignedIntentJson(await sign(1, { x: 25n })), { url })).status).to.equal(
      202,
    );
    const limitedClient = new RelayerClient({ url });
    const stored = await limitedClient.status(third.id).then(
      () => true,
      (thrown: unknown) => !(thrown instanceof RelayerError && thrown.status === 404),
    );
    expect(stored, "the refused intent was stored").to.equal(false);
    for (const signed of accepted) {
      const final = await limitedClient.waitFor(signed.id, { timeoutMs: 20_000, intervalMs: 50 });
      expect(final.status).to.equal("relayed");
    }
  });

  it("stored none of the refused intents, is still healthy, and still relays a valid intent", async function () {
    for (const id of refusedIds) {
      const error = await client.status(id).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error, `intent ${id} was stored`).to.be.instanceOf(RelayerError);
      expect((error as RelayerError).status).to.equal(404);
    }
    const health = await fetch(`${relayer.url}/health`);
    expect(health.status).to.equal(200);
    expect(((await health.json()) as { status: string }).status).to.equal("ok");

    const signed = await sign(0, { x: 99n, salt: 99n });
    const { status } = await client.submit(signed);
    expect(status).to.equal("queued");
    const final = await client.waitFor(signed.id, { timeoutMs: 20_000, intervalMs: 50 });
    expect(final.status, `${final.reason?.code} ${final.reason?.message}`).to.equal("relayed");

    const metrics = await client.metrics();
    for (const code of [
      "malformed_json",
      "body_too_large",
      "unknown_field",
      "wrong_chain",
      "invalid_signature",
      "expired",
      "duplicate",
      "already_relayed",
      "canceled",
      "wallet_not_served",
    ]) {
      expect(metrics).to.match(
        new RegExp(`^relayer_intents_refused_total\\{code="${code}"\\} [1-9]`, "m"),
      );
    }
  });
});

import { expect } from "chai";
import { JsonRpcProvider, Network } from "ethers";

import { ChainFollower } from "../../src/relayer/chainState/follower.js";
import { WalletStates } from "../../src/relayer/chainState/WalletStates.js";
import { IntentRelayerService } from "../../src/relayer/IntentRelayerService.js";
import { SpendingPolicy } from "../../src/relayer/policy.js";
import { MemoryIntentStore } from "../../src/relayer/store/index.js";
import { buildIntent, signIntent, type Intent, type SignedIntent } from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import {
  latestTimestamp,
  nodeAccount,
  pingCall,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";

/** A provider that records the method of every JSON-RPC request it sends. */
class CountingProvider extends JsonRpcProvider {
  methods: string[] = [];

  override async _send(payload: Parameters<JsonRpcProvider["_send"]>[0]) {
    for (const request of [payload].flat()) this.methods.push(request.method);
    return super._send(payload);
  }
}

/*
 * The intake deciding from the wallet states it keeps (followed through the wallets' events) on
 * a real node: an ordinary intent is accepted without a JSON-RPC call, and every refusal it
 * gives is word for word the one the node-asking intake gives for the same intent.
 */
describe("Intake from the kept wallet states", function () {
  this.timeout(60_000);
  let world: NodeWorld;
  let provider: CountingProvider;
  let follower: ChainFollower;
  let kept: IntentRelayerService;
  let onNode: IntentRelayerService;
  let salt = 1_000n;

  before(async function () {
    world = await startNodeWorld(2);
    provider = new CountingProvider(world.node.url, Network.from(world.chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
    });
    follower = new ChainFollower({ provider, pollMs: 50 });
    await follower.poll(); // polled by hand: no request happens unless the test asks for it
    const states = new WalletStates({ provider, follower, implementation: world.implementation });
    const service = (
      chainState?: ConstructorParameters<typeof IntentRelayerService>[0]["chainState"],
    ) =>
      new IntentRelayerService({
        provider,
        store: new MemoryIntentStore(),
        policy: new SpendingPolicy({
          implementation: world.implementation,
          allowedWallets: [],
          ratePerMinute: 10_000,
          gasBudgetWei: 10n ** 18n,
          budgetPeriodMs: 3_600_000,
        }),
        chainId: world.chainId,
        relayerAddress: nodeAccount(1, world.provider).address,
        chainState,
      });
    kept = service({ follower, states, maxStaleMs: 60_000 });
    onNode = service();
  });

  after(async function () {
    provider?.destroy();
    await world?.stop();
  });

  async function sign(
    fields: Partial<Intent> = {},
    options: { wallet?: number; signer?: number; epoch?: bigint } = {},
  ): Promise<SignedIntent> {
    const now = await latestTimestamp(world);
    const intent = {
      ...buildIntent({ calls: [pingCall(world, 1n)], salt: salt++, now }),
      ...fields,
    };
    const wallet = world.wallets[options.wallet ?? 0];
    const signer = world.owners[options.signer ?? options.wallet ?? 0];
    return signIntent({ signer, intent, wallet, chainId: world.chainId, epoch: options.epoch });
  }

  /** Relays `signed` straight through its wallet (no relayer), then lets the follower read the block. */
  async function relayDirectly(signed: SignedIntent): Promise<void> {
    const wallet = IntentWallet__factory.connect(signed.wallet, world.deployer);
    await (await wallet.relay(signed.intent, signed.signature)).wait();
    await follower.poll();
  }

  /** The refusal both intakes give for `signed`, after checking they give the same one. */
  async function sameRefusal(signed: SignedIntent) {
    const fromKept = await kept.submit(signed);
    const fromNode = await onNode.submit(signed);
    expect(fromKept.ok, "the kept-state intake accepted it").to.equal(false);
    expect(fromNode.ok, "the node-asking intake accepted it").to.equal(false);
    if (fromKept.ok || fromNode.ok) throw new Error("unreachable");
    expect(fromKept.refusal).to.deep.equal(fromNode.refusal);
    return fromKept.refusal;
  }

  it("accepts ordinary intents of a wallet it has read once without any JSON-RPC request", async function () {
    expect((await kept.submit(await sign())).ok).to.equal(true); // reads the wallet's state once
    const intents = await Promise.all(Array.from({ length: 10 }, () => sign()));
    provider.methods = [];
    for (const signed of intents) {
      const outcome = await kept.submit(signed);
      expect(outcome.ok && outcome.record.status).to.equal("queued");
    }
    expect(provider.methods).to.deep.equal([]);
  });

  it("refuses a signature by someone other than the owner as the wallet would, naming the signer", async function () {
    const refusal = await sameRefusal(await sign({}, { signer: 1 }));
    expect(refusal.code).to.equal("invalid_signature");
    expect(refusal.details).to.deep.equal({ signer: world.owners[1].address });
  });

  it("refuses an expired intent with the chain's time", async function () {
    const now = await latestTimestamp(world);
    const refusal = await sameRefusal(await sign({ validAfter: 0n, expiration: now - 5n }));
    expect(refusal.code).to.equal("expired");
  });

  it("learns from the wallet's event that an intent was relayed by someone else, and refuses it as already relayed", async function () {
    const signed = await sign();
    await relayDirectly(signed);
    provider.methods = [];
    const refusal = await sameRefusal(signed);
    expect(refusal.code).to.equal("already_relayed");
    expect(refusal.details).to.include({ status: "succeeded", relayer: world.deployer.address });
  });

  it("refuses an intent depending on one whose calls failed on chain", async function () {
    const failing = await sign({
      calls: [
        {
          ...pingCall(world, 1n),
          data: world.target.interface.encodeFunctionData("fail", [7n]),
          value: 0n,
        },
      ],
    });
    await relayDirectly(failing);
    const dependent = await sign({ dependencies: [{ wallet: failing.wallet, id: failing.id }] });
    const refusal = await sameRefusal(dependent);
    expect(refusal.code).to.equal("dependency_failed");
  });

  it("learns from the wallet's event that its owner invalidated every intent, and refuses the old epoch as canceled", async function () {
    const waiting = await sign({}, { wallet: 1 });
    const invalidate =
      IntentWallet__factory.createInterface().encodeFunctionData("invalidateAllIntents");
    await relayDirectly(
      await sign({ calls: [{ to: world.wallets[1], value: 0n, data: invalidate }] }, { wallet: 1 }),
    );
    const refusal = await sameRefusal(waiting);
    expect(refusal.code).to.equal("canceled");
    expect(refusal.details).to.deep.equal({ reason: "epoch", epoch: "1" });
    const next = await sign({}, { wallet: 1, epoch: 1n });
    expect((await kept.submit(next)).ok).to.equal(true);
  });
});

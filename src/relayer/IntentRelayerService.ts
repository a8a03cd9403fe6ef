import { getAddress, type Provider } from "ethers";

import { IntentWallet__factory } from "../../typechain-types/factories/IntentWallet__factory.js";
import type { SignedIntent } from "../sdk/intent/signIntent.js";
import {
  OnChainStatus,
  chainNow,
  classifyRevert,
  onChainStatus,
  simulateRelay,
} from "./chainReads.js";
import { RelayerRefusal, type RelayerService } from "./http/RelayerService.js";
import type { SpendingPolicy } from "./policy.js";
import type { IntentStore } from "./store/IntentStore.js";
import { FINAL_STATUSES, type IntentPage, type IntentRecord } from "./types.js";

/** What the service needs to know about its chain and account. */
export interface IntentRelayerServiceParameters {
  provider: Provider;
  store: IntentStore;
  policy: SpendingPolicy;
  chainId: bigint;
  /** The account that sends (and pays for) relay transactions. */
  relayerAddress: string;
  /** Prometheus text of the relayer's metrics. */
  renderMetrics?: () => Promise<string> | string;
  /** Told of every accepted intent and every refusal (metrics). */
  onAccepted?: (record: IntentRecord) => void;
  onRefused?: (code: string) => void;
}

/**
 * The relayer's front desk: checks a submitted intent in the order of docs/relayer-api.md
 * section 3, persists it, and answers status queries. The `Scheduler` relays what it accepted.
 */
export class IntentRelayerService implements RelayerService {
  readonly #p: IntentRelayerServiceParameters;

  constructor(parameters: IntentRelayerServiceParameters) {
    this.#p = parameters;
  }

  async submit(signed: SignedIntent): Promise<{ record: IntentRecord; alreadyKnown: boolean }> {
    try {
      return await this.#submit(signed);
    } catch (error) {
      if (error instanceof RelayerRefusal) this.#p.onRefused?.(error.code);
      throw error;
    }
  }

  async #submit(signed: SignedIntent): Promise<{ record: IntentRecord; alreadyKnown: boolean }> {
    const { provider, store, policy } = this.#p;
    if (signed.chainId !== this.#p.chainId) {
      throw new RelayerRefusal(
        400,
        "wrong_chain",
        `chain ${signed.chainId} is not this relayer's chain ${this.#p.chainId}`,
        {
          chainId: signed.chainId.toString(),
          expected: this.#p.chainId.toString(),
        },
      );
    }
    const known = await store.get(signed.id);
    if (known !== undefined) {
      if (known.signed.signature.toLowerCase() === signed.signature.toLowerCase())
        return { record: known, alreadyKnown: true };
      throw new RelayerRefusal(
        409,
        "duplicate",
        `intent ${signed.id} was already submitted with another signature`,
        {
          id: signed.id,
        },
      );
    }
    const now = Date.now();
    await policy.checkServed(signed.wallet, provider);
    policy.checkRate(signed.wallet, now);
    await this.#checkEpoch(signed);
    await this.#checkNotConsumed(signed);
    await this.#checkSignature(signed);
    await this.#checkExpiration(signed);
    await this.#checkDependencies(signed);
    await policy.checkBudget(store, now);

    const record: IntentRecord = {
      id: signed.id.toLowerCase(),
      wallet: getAddress(signed.wallet),
      signed,
      status: "queued",
      createdAt: now,
      updatedAt: now,
    };
    await store.insert(record);
    this.#p.onAccepted?.(record);
    return { record, alreadyKnown: false };
  }

  async #checkEpoch(signed: SignedIntent): Promise<void> {
    const epoch = await IntentWallet__factory.connect(
      signed.wallet,
      this.#p.provider,
    ).intentEpoch();
    const signedEpoch = signed.epoch ?? 0n;
    if (signedEpoch < epoch) {
      throw new RelayerRefusal(
        409,
        "canceled",
        `the wallet invalidated every intent of epoch ${signedEpoch} (now ${epoch})`,
        {
          epoch: epoch.toString(),
        },
      );
    }
    if (signedEpoch > epoch) {
      throw new RelayerRefusal(
        400,
        "invalid_field",
        `epoch ${signedEpoch} is ahead of the wallet's epoch ${epoch}`,
        {
          path: "epoch",
        },
      );
    }
  }

  async #checkNotConsumed(signed: SignedIntent): Promise<void> {
    const status = await onChainStatus(this.#p.provider, signed.wallet, signed.id);
    if (status === OnChainStatus.Succeeded || status === OnChainStatus.Failed) {
      throw new RelayerRefusal(409, "already_relayed", `intent ${signed.id} was already relayed`, {
        id: signed.id,
      });
    }
    if (status === OnChainStatus.Canceled) {
      throw new RelayerRefusal(
        409,
        "canceled",
        `intent ${signed.id} was canceled by the wallet's owner`,
        { id: signed.id },
      );
    }
  }

  /** The wallet decides: a simulated relay that fails on the signature, a module or a target is refused. */
  async #checkSignature(signed: SignedIntent): Promise<void> {
    const simulation = await simulateRelay(this.#p.provider, signed, this.#p.relayerAddress);
    if (simulation.kind === "ok") return;
    const verdict = classifyRevert(simulation.error);
    if (verdict.kind !== "refuse") return; // waits or is held: not a reason to refuse it now
    throw new RelayerRefusal(verdict.status, verdict.code, simulation.reason.message, {
      error: simulation.error?.errorName,
    });
  }

  async #checkExpiration(signed: SignedIntent): Promise<void> {
    const now = await chainNow(this.#p.provider);
    if (signed.intent.expiration <= now) {
      throw new RelayerRefusal(
        400,
        "expired",
        `intent ${signed.id} expired at ${signed.intent.expiration} (now ${now})`,
        {
          expiration: signed.intent.expiration.toString(),
        },
      );
    }
  }

  /** No dependency on itself or in a cycle of known intents; none already failed or canceled. */
  async #checkDependencies(signed: SignedIntent): Promise<void> {
    if (
      await this.#reachesItself(
        signed.id.toLowerCase(),
        signed.intent.dependencies.map((d) => d.id.toLowerCase()),
      )
    ) {
      throw new RelayerRefusal(
        400,
        "dependency_cycle",
        `intent ${signed.id} depends on itself through its dependencies`,
      );
    }
    for (const dependency of signed.intent.dependencies) {
      const status = await onChainStatus(this.#p.provider, dependency.wallet, dependency.id);
      const known = await this.#p.store.get(dependency.id);
      const dead =
        status === OnChainStatus.Failed ||
        status === OnChainStatus.Canceled ||
        (known !== undefined && ["failed", "rejected", "expired"].includes(known.status));
      if (dead) {
        throw new RelayerRefusal(
          409,
          "dependency_failed",
          `dependency ${dependency.id} on ${dependency.wallet} can never succeed`,
          {
            wallet: dependency.wallet,
            id: dependency.id,
          },
        );
      }
    }
  }

  async #reachesItself(id: string, start: string[]): Promise<boolean> {
    const seen = new Set<string>();
    const queue = [...start];
    while (queue.length > 0 && seen.size < 10_000) {
      const next = queue.shift()!;
      if (next === id) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      const record = await this.#p.store.get(next);
      record?.signed.intent.dependencies.forEach((d) => queue.push(d.id.toLowerCase()));
    }
    return false;
  }

  get(id: string): Promise<IntentRecord | undefined> {
    return this.#p.store.get(id);
  }

  listByWallet(wallet: string, options: { limit: number; cursor?: string }): Promise<IntentPage> {
    return this.#p.store.listByWallet(getAddress(wallet), options);
  }

  async health(): Promise<Record<string, unknown>> {
    let blockNumber: number;
    let balance: bigint;
    try {
      const network = await this.#p.provider.getNetwork();
      if (network.chainId !== this.#p.chainId) throw new Error(`chain ${network.chainId}`);
      [blockNumber, balance] = await Promise.all([
        this.#p.provider.getBlockNumber(),
        this.#p.provider.getBalance(this.#p.relayerAddress),
      ]);
    } catch (error) {
      throw new RelayerRefusal(
        503,
        "unavailable",
        `the JSON-RPC endpoint does not answer as expected: ${String(error)}`,
        {
          component: "rpc",
        },
      );
    }
    const counts = await this.#p.store.countByStatus();
    const pending = Object.entries(counts)
      .filter(([status]) => !FINAL_STATUSES.includes(status as never))
      .reduce((sum, [, count]) => sum + count, 0);
    return {
      status: "ok",
      chainId: this.#p.chainId.toString(),
      relayer: this.#p.relayerAddress,
      blockNumber: blockNumber.toString(),
      balance: balance.toString(),
      pending,
    };
  }

  async metrics(): Promise<string> {
    return (await this.#p.renderMetrics?.()) ?? "";
  }
}

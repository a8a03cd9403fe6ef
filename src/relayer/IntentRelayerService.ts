import { dataSlice, getAddress, type Provider } from "ethers";

import { IntentStatus } from "../protocol/chain/enums.js";
import type { SignedIntent } from "../protocol/intent/types.js";
import { chainNow, classifyRevert, onChainStatus, simulateRelay, walletAt } from "./chainReads.js";
import { checkSignatureAhead, recoveredSigner } from "./checkSignatureAhead.js";
import type { RelayerService } from "./http/RelayerService.js";
import { RelayerRefusal } from "./refusal.js";
import type { SpendingPolicy } from "./policy.js";
import { IntentExistsError, type IntentStore } from "./store/IntentStore.js";
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
        "wrong_chain",
        `chain ${signed.chainId} is not this relayer's chain ${this.#p.chainId}`,
        {
          expected: this.#p.chainId.toString(),
          received: signed.chainId.toString(),
        },
      );
    }
    checkWindow(signed);
    const known = await this.#known(signed);
    if (known !== undefined) return known;
    const now = Date.now();
    await policy.checkServed(signed.wallet, provider);
    const uncount = policy.checkRate(signed.wallet, now);
    const record: IntentRecord = {
      id: signed.id.toLowerCase(),
      wallet: getAddress(signed.wallet),
      signed,
      status: "queued",
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.#checkEpoch(signed);
      await this.#checkNotConsumed(signed);
      const notYetValid = await this.#checkSignature(signed);
      const chainTime = await this.#checkExpiration(signed);
      await this.#checkDependencies(signed);
      await policy.checkBudget(store, now);
      // Before its validAfter the wallet would refuse it (by the latest block's time, or the
      // clock's when that is later): the scheduler holds it until then.
      record.status = notYetValid || signed.intent.validAfter > chainTime ? "scheduled" : "queued";
      await store.insert(record);
    } catch (error) {
      uncount(); // a refused submission does not count toward the wallet's rate
      // The same ID accepted meanwhile by a concurrent submission: answer as if it came first.
      if (error instanceof IntentExistsError) {
        const raced = await this.#known(signed);
        if (raced !== undefined) return raced;
      }
      throw error;
    }
    this.#p.onAccepted?.(record);
    return { record, alreadyKnown: false };
  }

  /** Check 9: the same signed intent again is answered with its current status; another signature is a duplicate. */
  async #known(
    signed: SignedIntent,
  ): Promise<{ record: IntentRecord; alreadyKnown: true } | undefined> {
    const known = await this.#p.store.get(signed.id);
    if (known === undefined) return undefined;
    if (known.signed.signature.toLowerCase() === signed.signature.toLowerCase())
      return { record: known, alreadyKnown: true };
    throw new RelayerRefusal(
      "duplicate",
      `intent ${signed.id} was already accepted with another signature (it is ${known.status})`,
      { status: known.status },
    );
  }

  async #checkEpoch(signed: SignedIntent): Promise<void> {
    const epoch = await walletAt(signed.wallet, this.#p.provider).intentEpoch();
    const signedEpoch = signed.epoch ?? 0n;
    if (signedEpoch < epoch) {
      throw new RelayerRefusal(
        "canceled",
        `wallet ${signed.wallet} invalidated every intent of epoch ${signedEpoch}: it is at epoch ${epoch} now`,
        { reason: "epoch", epoch: epoch.toString() },
      );
    }
    if (signedEpoch > epoch) {
      throw new RelayerRefusal(
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
    if (status === IntentStatus.None) return;
    if (status === IntentStatus.Canceled) {
      throw new RelayerRefusal(
        "canceled",
        `intent ${signed.id} was canceled by the owner of wallet ${signed.wallet}`,
        { reason: "canceled" },
      );
    }
    const receipt = await walletAt(signed.wallet, this.#p.provider).intentReceipt(signed.id);
    const outcome = status === IntentStatus.Succeeded ? "succeeded" : "failed";
    throw new RelayerRefusal(
      "already_relayed",
      `intent ${signed.id} was already relayed on wallet ${signed.wallet} in block ${receipt.blockNumber} by ${receipt.relayer} (its calls ${outcome})`,
      {
        status: outcome,
        blockNumber: receipt.blockNumber.toString(),
        relayer: receipt.relayer,
      },
    );
  }

  /**
   * The wallet decides: a simulated relay that fails on the signature, a module or a target is
   * refused. Before its `validAfter` the relay stops at `IntentNotYetValid`, ahead of the
   * signature: then the signature is checked ahead, as the wallet will check it. Resolves with
   * whether the wallet said the intent is not yet valid.
   */
  async #checkSignature(signed: SignedIntent): Promise<boolean> {
    const simulation = await simulateRelay(this.#p.provider, signed, this.#p.relayerAddress);
    const notYetValid =
      simulation.kind === "revert" && simulation.error?.errorName === "IntentNotYetValid";
    const outcome = notYetValid ? await checkSignatureAhead(this.#p.provider, signed) : simulation;
    if (outcome.kind === "ok") return notYetValid;
    const verdict = classifyRevert(outcome.error);
    if (verdict.kind !== "refuse") return notYetValid; // waits or is held: no reason to refuse it now
    // The wallet checks the expiration before the signature: check 15 says it with its details.
    if (verdict.code === "expired") await this.#checkExpiration(signed);
    if (verdict.code === "invalid_signature") {
      const signer = ownerSigner(signed);
      throw new RelayerRefusal(
        "invalid_signature",
        `the signature does not authorize intent ${signed.id} for wallet ${signed.wallet}${signer === undefined ? "" : ` (it was signed by ${signer})`}: ${outcome.reason.message}`,
        signer === undefined ? {} : { signer },
      );
    }
    throw new RelayerRefusal(verdict.code, outcome.reason.message, {
      error: outcome.error?.errorName,
    });
  }

  /** Check 15: not expired by the chain's time, which it returns. */
  async #checkExpiration(signed: SignedIntent): Promise<bigint> {
    const now = await chainNow(this.#p.provider);
    if (signed.intent.expiration <= now) {
      throw new RelayerRefusal(
        "expired",
        `intent ${signed.id} expired at ${signed.intent.expiration} (the chain's time is ${now})`,
        {
          expiration: signed.intent.expiration.toString(),
          now: now.toString(),
        },
      );
    }
    return now;
  }

  /** No dependency on itself or in a cycle of known intents; none already failed or canceled. */
  async #checkDependencies(signed: SignedIntent): Promise<void> {
    const cycle = await this.#cycleThrough(signed);
    if (cycle !== undefined) {
      throw new RelayerRefusal(
        "dependency_cycle",
        `intent ${signed.id} depends on itself through ${cycle.length - 1} dependencies`,
        { cycle },
      );
    }
    for (const dependency of signed.intent.dependencies) {
      const onChain = await onChainStatus(this.#p.provider, dependency.wallet, dependency.id);
      const known = await this.#p.store.get(dependency.id);
      const status =
        onChain === IntentStatus.Failed
          ? "failed"
          : onChain === IntentStatus.Canceled
            ? "canceled"
            : known !== undefined && ["failed", "rejected", "expired"].includes(known.status)
              ? known.status
              : undefined;
      if (status !== undefined) {
        throw new RelayerRefusal(
          "dependency_failed",
          `dependency ${dependency.id} on wallet ${dependency.wallet} can never succeed: it is ${status}`,
          { dependency: { wallet: dependency.wallet, id: dependency.id }, status },
        );
      }
    }
  }

  /**
   * A path from `signed` back to itself through the dependencies of the intents the relayer
   * knows (`[signed, …, signed]`), if any. An ID hashes its dependencies, so no signed intent
   * can close such a cycle; the check is cheap and keeps the scheduler safe.
   */
  async #cycleThrough(
    signed: SignedIntent,
  ): Promise<Array<{ wallet: string; id: string }> | undefined> {
    const id = signed.id.toLowerCase();
    const wallets = new Map<string, string>([[id, getAddress(signed.wallet)]]);
    const parent = new Map<string, string>();
    const queue: string[] = [];
    const visit = (from: string, dependencies: SignedIntent["intent"]["dependencies"]) => {
      for (const dependency of dependencies) {
        const next = dependency.id.toLowerCase();
        if (parent.has(next)) continue;
        parent.set(next, from);
        wallets.set(next, getAddress(dependency.wallet));
        queue.push(next);
      }
    };
    visit(id, signed.intent.dependencies);
    while (queue.length > 0 && parent.size < 10_000) {
      const next = queue.shift()!;
      if (next === id) {
        const path = [id];
        for (let at = parent.get(id)!; at !== id; at = parent.get(at)!) path.unshift(at);
        path.unshift(id);
        return path.map((step) => ({ wallet: wallets.get(step)!, id: step }));
      }
      const record = await this.#p.store.get(next);
      if (record !== undefined) visit(next, record.signed.intent.dependencies);
    }
    return undefined;
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

/**
 * Check 8: an intent whose window never opens (`validAfter >= expiration`) can never be relayed.
 * Known from the intent alone, before any JSON-RPC call.
 */
function checkWindow({ id, intent }: SignedIntent): void {
  if (intent.validAfter < intent.expiration) return;
  throw new RelayerRefusal(
    "invalid_window",
    `intent ${id} can never be relayed: its validAfter ${intent.validAfter} is not before its expiration ${intent.expiration}`,
    { validAfter: intent.validAfter.toString(), expiration: intent.expiration.toString() },
  );
}

/** The address an owner-kind relay signature (`0x00 ‖ 65-byte ECDSA`) recovers to, if it is one. */
function ownerSigner(signed: SignedIntent): string | undefined {
  return dataSlice(signed.signature, 0, 1) === "0x00"
    ? recoveredSigner(signed.id, dataSlice(signed.signature, 1))
    : undefined;
}

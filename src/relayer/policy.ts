import { getAddress, type Provider } from "ethers";

import { isWalletCode } from "../protocol/wallet/address.js";
import { RelayerRefusal } from "./refusal.js";
import type { IntentStore } from "./store/IntentStore.js";

/** What the relayer is willing to pay for: a sponsor's spending policy. */
export interface SpendingPolicyParameters {
  /** Wallets that are ERC-1167 clones of this implementation are served. */
  implementation?: string;
  /** Wallets served whatever their code. */
  allowedWallets: string[];
  /** Submissions accepted per wallet per minute. */
  ratePerMinute: number;
  /** Wei the relayer may spend on gas per period. */
  gasBudgetWei: bigint;
  budgetPeriodMs: number;
}

/**
 * Bounds what anyone can make the relayer spend: which wallets it serves, how fast one wallet
 * may submit, and how much gas (in wei) it pays per period.
 */
export class SpendingPolicy {
  readonly #parameters: SpendingPolicyParameters;
  readonly #allowed: Set<string>;
  readonly #implementation: string | undefined;
  readonly #submissions = new Map<string, number[]>();

  constructor(parameters: SpendingPolicyParameters) {
    this.#parameters = parameters;
    this.#allowed = new Set(parameters.allowedWallets.map((wallet) => getAddress(wallet)));
    this.#implementation = parameters.implementation;
  }

  /** Refuses (`wallet_not_served`) a wallet that is neither allowed nor a deployed clone of our implementation. */
  async checkServed(wallet: string, provider: Provider): Promise<void> {
    if (this.#allowed.has(getAddress(wallet))) return;
    const implementation = this.#implementation;
    if (
      implementation !== undefined &&
      isWalletCode({ code: await provider.getCode(wallet), implementation })
    )
      return;
    throw new RelayerRefusal("wallet_not_served", `this relayer does not serve wallet ${wallet}`, {
      wallet,
    });
  }

  /**
   * Refuses (`rate_limited`) a wallet that had `ratePerMinute` intents accepted in the last minute; else
   * counts this one and returns how to take it back, for a submission refused by a later check
   * (a refused submission does not count toward the rate, docs/relayer-api.md section 5).
   */
  checkRate(wallet: string, now: number): () => void {
    const key = getAddress(wallet);
    const recent = (this.#submissions.get(key) ?? []).filter((at) => at > now - 60_000);
    if (recent.length >= this.#parameters.ratePerMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
      throw new RelayerRefusal(
        "rate_limited",
        `wallet ${key} submitted ${recent.length} intents in the last minute (limit ${this.#parameters.ratePerMinute})`,
        { wallet: key, limit: this.#parameters.ratePerMinute, windowSeconds: 60 },
        retryAfterSeconds,
      );
    }
    recent.push(now);
    this.#submissions.set(key, recent);
    return () => {
      const list = this.#submissions.get(key);
      const index = list?.lastIndexOf(now) ?? -1;
      if (index >= 0) list!.splice(index, 1);
    };
  }

  /** Whether the gas budget of the current period still has room. */
  async hasBudget(store: IntentStore, now: number): Promise<boolean> {
    return (
      (await store.spendingSince(now - this.#parameters.budgetPeriodMs)) <
      this.#parameters.gasBudgetWei
    );
  }

  /** Refuses (`budget_exhausted`) new intents while the gas budget of the current period is used up. */
  async checkBudget(store: IntentStore, now: number): Promise<void> {
    if (await this.hasBudget(store, now)) return;
    throw new RelayerRefusal(
      "budget_exhausted",
      `the relayer's gas budget of ${this.#parameters.gasBudgetWei} wei per ${this.#parameters.budgetPeriodMs / 1000} s is used up`,
      undefined,
      Math.ceil(this.#parameters.budgetPeriodMs / 1000),
    );
  }
}

import type { Provider } from "ethers";

import { getWalletKind } from "../protocol/wallet/delegation.js";
import type { ServedFactory } from "./creation/createField.js";
import { FactoryWallets } from "./creation/factoryWallets.js";
import { MemoryRateCounter } from "./rates/MemoryRateCounter.js";
import { RATE_WINDOW_MS, type RateCounter } from "./rates/RateCounter.js";
import type { Refusal } from "./refusal.js";
import type { IntentStore } from "./store/IntentStore.js";
import { checksummed } from "../protocol/schema/checksum.js";

/** What the relayer is willing to pay for: a sponsor's spending policy. */
export interface SpendingPolicyParameters {
  /**
   * Wallets that are ERC-1167 clones of this implementation are served (with `factory`: only
   * those the factory created). It must be `factory.implementation()`.
   */
  implementation?: string;
  /**
   * Wallets this `WalletFactory` created are served, and it creates the wallets of intents
   * submitted with `create`; `undefined`: any clone of `implementation` is served, none created.
   */
  factory?: string;
  /** Wallets served whatever their code. */
  allowedWallets: string[];
  /** Submissions accepted per wallet per minute. */
  ratePerMinute: number;
  /**
   * Where submissions are counted (under `wallet:<checksummed address>`): a fleet's shared
   * counter, or the process's own; default a `MemoryRateCounter` of the policy's own.
   */
  rates?: RateCounter;
  /** Wei the relayer may spend on gas per period. */
  gasBudgetWei: bigint;
  budgetPeriodMs: number;
}

/**
 * The outcome of `SpendingPolicy.checkRate`: counted (with how to take the count back), or
 * refused with `rate_limited`.
 *
 * @example
 * const rate = await policy.checkRate(wallet, Date.now());
 * if (!rate.ok) return { ok: false, refusal: rate.refusal };
 */
export type RateCheck =
  { ok: true; uncount: () => Promise<void> } | { ok: false; refusal: Refusal };

/**
 * Bounds what anyone can make the relayer spend: which wallets it serves, how fast one wallet
 * may submit, and how much gas (in wei) it pays per period. Each check returns its refusal (it
 * never throws one).
 *
 * @example
 * const policy = new SpendingPolicy({ allowedWallets: [], implementation, factory, ratePerMinute: 600, gasBudgetWei: 10n ** 18n, budgetPeriodMs: 3_600_000 });
 */
export class SpendingPolicy {
  readonly #parameters: SpendingPolicyParameters;
  readonly #allowed: Set<string>;
  readonly #implementation: string | undefined;
  readonly #factoryWallets: FactoryWallets | undefined;
  readonly #rates: RateCounter;

  constructor(parameters: SpendingPolicyParameters) {
    this.#parameters = parameters;
    this.#allowed = new Set(parameters.allowedWallets.map((wallet) => checksummed(wallet)));
    this.#implementation = parameters.implementation;
    const { factory } = parameters;
    this.#factoryWallets = factory === undefined ? undefined : new FactoryWallets(factory);
    this.#rates = parameters.rates ?? new MemoryRateCounter();
  }

  /**
   * The factory whose wallets are served and created on first use, with its implementation;
   * `undefined` when the policy has none (then no wallet is created).
   *
   * @example
   * const refusal = checkCreateField(signed, policy.servedFactory);
   */
  get servedFactory(): ServedFactory | undefined {
    const factory = this.#factoryWallets?.factory;
    const implementation = this.#implementation;
    return factory === undefined || implementation === undefined
      ? undefined
      : { factory, implementation };
  }

  /**
   * The implementation whose clones and delegated EOAs are served; `undefined`: none (only the
   * allow-list is).
   *
   * @example
   * const refusal = checkAuthorizationField(signed, { implementation: policy.implementation, chainId });
   */
  get implementation(): string | undefined {
    return this.#implementation;
  }

  /**
   * `wallet_not_served` for a wallet that is neither allowed nor ours: a clone of our
   * implementation (created by our factory when there is one), or an EOA delegated to it with
   * EIP-7702. A wallet with no code yet is told to come with `create` (the served factory then
   * deploys it on its first relay) or, for an EOA, with its `authorization`; an intent that
   * carries `authorization` passes here with no code (`delegatable`), its authorization checked
   * once the submission is counted.
   *
   * @example
   * const refusal = await policy.checkServed(signed.wallet, provider, { delegatable: signed.authorization !== undefined });
   */
  async checkServed(
    wallet: string,
    provider: Provider,
    { delegatable = false }: { delegatable?: boolean } = {},
  ): Promise<Refusal | undefined> {
    if (this.#allowed.has(checksummed(wallet))) return undefined;
    const code = await provider.getCode(wallet);
    if (code === "0x") return delegatable ? undefined : this.#notDeployed(wallet);
    if (await this.#isOurs(wallet, code, provider)) return undefined;
    return {
      code: "wallet_not_served",
      message: `this relayer does not serve wallet ${wallet}${this.#otherDelegation(code)}`,
      details: { wallet },
    };
  }

  /** For the refusal of an EOA delegated to another contract: to which; else nothing. */
  #otherDelegation(code: string): string {
    const delegation = /^0xef0100([0-9a-f]{40})$/i.exec(code);
    if (delegation === null) return "";
    const served = this.#implementation ?? "(none served)";
    return `: it is an EOA delegated to ${checksummed(`0x${delegation[1]}`)}, not to the implementation ${served}`;
  }

  /**
   * Whether a deployed clone of the served implementation (its code checked by the caller) is
   * served: on the allow-list, or created by the served factory (asked of the node once, then
   * remembered), or any clone when there is no factory.
   *
   * @example
   * if (state.kind === "wallet" && (await policy.servesClone(wallet, provider))) return undefined;
   */
  async servesClone(wallet: string, provider: Provider): Promise<boolean> {
    if (this.#allowed.has(checksummed(wallet))) return true;
    return this.#factoryWallets === undefined || this.#factoryWallets.includes(wallet, provider);
  }

  /**
   * Whether `code`, at `wallet`, is a wallet this policy serves: an EOA delegated to the served
   * implementation (EIP-7702: the EOA's own key owns it, whoever made it), or a clone of it that
   * `servesClone`.
   */
  async #isOurs(wallet: string, code: string, provider: Provider): Promise<boolean> {
    const implementation = this.#implementation;
    if (implementation === undefined) return false;
    const kind = getWalletKind({ code, implementation });
    if (kind === "delegated") return true;
    return kind === "clone" && this.servesClone(wallet, provider);
  }

  /** The refusal of a wallet that has no code: what would make it served. */
  #notDeployed(wallet: string): Refusal {
    const factory = this.#factoryWallets?.factory;
    const remedy =
      factory === undefined
        ? "this relayer creates no wallets: deploy it first"
        : `submit the intent with \`create\` ({ factory: ${factory}, owner, salt }, or { factory: ${factory}, keys, threshold, salt } for a key set) and this relayer deploys it with its first intent`;
    const delegate =
      this.#implementation === undefined
        ? ""
        : `; for an EOA, submit its first intent with its \`authorization\` of ${this.#implementation} (EIP-7702) and this relayer delegates it with that intent`;
    return {
      code: "wallet_not_served",
      message: `this relayer does not serve wallet ${wallet}: it has no code (not deployed yet); ${remedy}${delegate}`,
      details: { wallet },
    };
  }

  /**
   * `rate_limited` for a wallet that had `ratePerMinute` submissions counted in the last minute;
   * else counts this one and returns how to take it back. A submission counts whether a later
   * check refuses it or not (refusals that cost JSON-RPC work must be limited too,
   * docs/relayer-api.md section 3, check 11); the caller takes back only what was no submission
   * of the wallet's doing (the node did not answer, or the same intent raced in).
   */
  async checkRate(wallet: string, now: number): Promise<RateCheck> {
    const key = checksummed(wallet);
    const limit = this.#parameters.ratePerMinute;
    const taken = await this.#rates.take(`wallet:${key}`, limit, now);
    if (taken.ok) return { ok: true, uncount: taken.release };
    const refusal: Refusal = {
      code: "rate_limited",
      message: `wallet ${key} submitted ${taken.counted} intents in the last minute (limit ${limit})`,
      details: { wallet: key, limit, windowSeconds: RATE_WINDOW_MS / 1000 },
      retryAfterSeconds: taken.retryAfterSeconds,
    };
    return { ok: false, refusal };
  }

  /** Whether the gas budget of the current period still has room. */
  async hasBudget(store: IntentStore, now: number): Promise<boolean> {
    return (
      (await store.spendingSince(now - this.#parameters.budgetPeriodMs)) <
      this.#parameters.gasBudgetWei
    );
  }

  /** `budget_exhausted` for new intents while the gas budget of the current period is used up. */
  async checkBudget(store: IntentStore, now: number): Promise<Refusal | undefined> {
    if (await this.hasBudget(store, now)) return undefined;
    return {
      code: "budget_exhausted",
      message: `the relayer's gas budget of ${this.#parameters.gasBudgetWei} wei per ${this.#parameters.budgetPeriodMs / 1000} s is used up`,
      retryAfterSeconds: Math.ceil(this.#parameters.budgetPeriodMs / 1000),
    };
  }
}

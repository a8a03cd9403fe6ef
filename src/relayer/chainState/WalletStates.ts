import type { Provider } from "ethers";

import { withDeadline } from "../rpcDeadline.js";
import type { ChainFollower } from "./follower.js";
import type { ChainEvent } from "./walletEvents.js";
import { applyEvent, readWalletState, type KnownReceipt, type WalletState } from "./walletState.js";

/**
 * What `WalletStates` needs.
 *
 * @example
 * const parameters: WalletStatesParameters = { provider, follower, implementation };
 */
export interface WalletStatesParameters {
  provider: Provider;
  follower: ChainFollower;
  /** The IntentWallet implementation whose clones are wallets. */
  implementation: string | undefined;
  /** Most addresses kept (the least recently read are forgotten first); default 10,000. */
  maxWallets?: number;
  /** How long reading one address's state may take; default 2,000 ms. */
  timeoutMs?: number;
}

/**
 * The state of the wallets the relayer serves (code, owner, intent epoch, receipts), read from
 * the node once per address and kept current by the chain follower's events: what lets the
 * intake decide an ordinary intent, and the scheduler settle or reject one, without asking the
 * node. Bounded: at most `maxWallets` addresses, the least recently used forgotten first.
 *
 * @example
 * const states = new WalletStates({ provider, follower, implementation });
 * const state = await states.get(signed.wallet);
 * if (state.receipts.has(signed.id.toLowerCase())) console.log("consumed");
 */
export class WalletStates {
  readonly #p: WalletStatesParameters;
  readonly #states = new Map<string, WalletState>();
  readonly #loading = new Map<string, Promise<WalletState>>();
  /** Bumped when an address must be read again, so a read begun before is not kept. */
  readonly #generation = new Map<string, number>();

  constructor(parameters: WalletStatesParameters) {
    this.#p = parameters;
    parameters.follower.onHead((_head, events) => this.#applyAll(events));
  }

  /** The state of `wallet` (any case), read from the node at the follower's head when not kept. */
  get(wallet: string): Promise<WalletState> {
    const key = wallet.toLowerCase();
    const known = this.#states.get(key);
    if (known !== undefined) {
      this.#states.delete(key); // most recently used last
      this.#states.set(key, known);
      return Promise.resolve(known);
    }
    let loading = this.#loading.get(key);
    if (loading === undefined) {
      loading = this.#load(key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** The receipt of `id` on `wallet`, if consumed (reads the wallet's state when not kept). */
  async receipt(wallet: string, id: string): Promise<KnownReceipt | undefined> {
    return (await this.get(wallet)).receipts.get(id.toLowerCase());
  }

  /** Forgets `wallet`: its next `get` reads the node again. */
  forget(wallet: string): void {
    const key = wallet.toLowerCase();
    this.#states.delete(key);
    this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1);
  }

  /**
   * Reads `key`'s state at the follower's head, then applies the events of the blocks the
   * follower read meanwhile. Read again when those blocks are no longer kept, or when the
   * address was forgotten meanwhile (its owner or key set changed, it was created): at most
   * three times.
   */
  async #load(key: string): Promise<WalletState> {
    for (let attempt = 1; ; attempt++) {
      const head = this.#p.follower.head;
      if (head === undefined) throw new Error("the chain follower has not read the chain yet");
      const generation = this.#generation.get(key) ?? 0;
      const state = await withDeadline(
        readWalletState(this.#p.provider, key, this.#p.implementation, head.number),
        this.#p.timeoutMs ?? 2_000,
        `the state of wallet ${key}`,
      );
      if (this.#caughtUp(key, state, generation)) {
        this.#keep(key, state);
        return state;
      }
      if (attempt === 3) throw new Error(`the state of wallet ${key} kept changing while read`);
    }
  }

  /** Applies the events since `state` was read; whether it is current now. */
  #caughtUp(key: string, state: WalletState, generation: number): boolean {
    if ((this.#generation.get(key) ?? 0) !== generation) return false;
    const since = this.#p.follower.eventsAfter(state.loadedAt);
    if (since === undefined) return false;
    return since.every((event) => event.wallet.toLowerCase() !== key || applyEvent(state, event));
  }

  #keep(key: string, state: WalletState): void {
    this.#states.set(key, state);
    const max = this.#p.maxWallets ?? 10_000;
    for (const oldest of this.#states.keys()) {
      if (this.#states.size <= max) break;
      this.#states.delete(oldest);
    }
  }

  #applyAll(events: readonly ChainEvent[]): void {
    for (const event of events) {
      const key = event.wallet.toLowerCase();
      const state = this.#states.get(key);
      if (event.kind === "created") {
        if (state?.kind !== "wallet") this.forget(key);
      } else if (event.kind === "ownerChanged" || event.kind === "keysChanged") {
        // Who may sign changed (an owner, or a key set's keys or threshold): read it again.
        this.forget(key);
      } else if (state?.kind === "undeployed") {
        // A wallet's event from an address kept without code: an EOA delegated meanwhile.
        this.forget(key);
      } else if (state !== undefined && event.blockNumber > state.loadedAt) {
        applyEvent(state, event);
      }
    }
  }
}

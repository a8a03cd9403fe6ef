import type { Provider } from "ethers";

import { IntentStatus, type IntentStatusCode } from "../../protocol/chain/enums.js";
import type { KnownReceipt } from "../chainState/walletState.js";
import type { WalletStates } from "../chainState/WalletStates.js";
import { intentEpoch, onChainStatus } from "../chainReads.js";

/**
 * What the scheduler asks about a wallet: an intent's status there (with its receipt when the
 * relayer keeps it), the wallet's intent epoch, and the block its owner or modules last
 * changed, so that a waiting intent's signature is checked again only after such a change.
 *
 * @example
 * const { status } = await view.status(record.wallet, record.id);
 */
export interface WalletView {
  /** As of block `atBlock` when given (a receipt of a later block is not told), else the latest. */
  status(
    wallet: string,
    id: string,
    atBlock?: number,
  ): Promise<{ status: IntentStatusCode; receipt?: KnownReceipt }>;
  /** `undefined`: unknown (no wallet there, or the node did not answer). */
  epoch(wallet: string): Promise<bigint | undefined>;
  /** The latest block the wallet's owner or modules may have changed at; `undefined`: unknown, assume every block. */
  changedAt(wallet: string): Promise<number | undefined>;
}

/**
 * The view from the wallet states the relayer keeps (no JSON-RPC call for its wallets), asking
 * the node only about an address that is no wallet of the served implementation.
 *
 * @example
 * const view = keptWalletView(states, provider);
 */
export function keptWalletView(states: WalletStates, provider: Provider): WalletView {
  const node = nodeWalletView(provider);
  return {
    async status(wallet, id, atBlock) {
      const state = await states.get(wallet);
      if (state.kind !== "wallet") return node.status(wallet, id, atBlock);
      const receipt = state.receipts.get(id.toLowerCase());
      if (receipt === undefined || (atBlock !== undefined && receipt.blockNumber > atBlock)) {
        return { status: IntentStatus.None };
      }
      return { status: receipt.status, receipt };
    },
    async epoch(wallet) {
      const state = await states.get(wallet);
      return state.kind === "wallet" ? state.intentEpoch : node.epoch(wallet);
    },
    async changedAt(wallet) {
      const state = await states.get(wallet);
      if (state.kind !== "wallet") return undefined;
      return Math.max(state.loadedAt, state.modulesChangedAt);
    },
  };
}

/**
 * The view from the node: each question one JSON-RPC call (the epoch once per view, so make one
 * per tick), for a scheduler that follows no chain.
 *
 * @example
 * const view = nodeWalletView(provider);
 */
export function nodeWalletView(provider: Provider): WalletView {
  const epochs = new Map<string, Promise<bigint | undefined>>();
  return {
    async status(wallet, id, atBlock) {
      return { status: await onChainStatus(provider, wallet, id, atBlock) };
    },
    epoch(wallet) {
      const key = wallet.toLowerCase();
      if (!epochs.has(key)) epochs.set(key, intentEpoch(provider, wallet));
      return epochs.get(key)!;
    },
    async changedAt() {
      return undefined;
    },
  };
}

import type { Provider } from "ethers";

import { IntentStatus, type IntentStatusCode } from "../../protocol/chain/enums.js";
import { getWalletKind } from "../../protocol/wallet/delegation.js";
import { walletAt, walletInterface } from "../chainReads.js";
import { decodeWalletEvent, type ChainEvent } from "./walletEvents.js";

/** What the wallet's receipt of an intent ID says, from its `IntentRelayed` or `IntentCanceled`. */
export interface KnownReceipt {
  status: Exclude<IntentStatusCode, typeof IntentStatus.None>;
  blockNumber: number;
  /** The transaction that relayed or canceled it. */
  transactionHash: string;
  /** Who relayed it (not for a cancel). */
  relayer?: string;
}

/**
 * What the relayer knows of one address it was asked to serve, read at block `loadedAt` and
 * kept current since by the followed events: a wallet of the served implementation (a clone,
 * or an EOA delegated to it with EIP-7702) with its owner, intent epoch and every consumed ID; an address with no code yet (`undeployed`); or
 * code of another kind (`other`), which only the node can judge.
 */
export interface WalletState {
  address: string;
  kind: "wallet" | "undeployed" | "other";
  /** The block the state was read at; events of later blocks were applied. */
  loadedAt: number;
  /**
   * The wallet's `owner()`: its one owner, or the zero address when a key set owns it (then no
   * owner signature, kind 0x00, authorizes anything; key-set signatures are the node's to judge).
   */
  owner?: string;
  /**
   * Whether the wallet is an EOA delegated to the implementation (EIP-7702) rather than a clone:
   * it may delegate elsewhere with no event, so whether it is served is read from its code.
   */
  delegated?: boolean;
  /** Whether the owner has code (an ERC-1271 owner the node must be asked about). */
  ownerIsContract?: boolean;
  intentEpoch: bigint;
  /** The receipts of consumed IDs, by lower-case ID. */
  receipts: Map<string, KnownReceipt>;
  /** The last block a module was installed, uninstalled or its epoch advanced. */
  modulesChangedAt: number;
}

const RECEIPT_TOPICS = [
  walletInterface.getEvent("IntentRelayed")!.topicHash,
  walletInterface.getEvent("IntentCanceled")!.topicHash,
];

/**
 * Reads the state of `address` at block `blockTag`: its code, then for a wallet of
 * `implementation` its owner (and whether the owner has code), its intent epoch and its
 * receipts (one `eth_getLogs` of its `IntentRelayed` and `IntentCanceled` up to the block).
 *
 * @example
 * const state = await readWalletState(provider, wallet, implementation, head.number);
 */
export async function readWalletState(
  provider: Provider,
  address: string,
  implementation: string | undefined,
  blockTag: number,
): Promise<WalletState> {
  const code = await provider.getCode(address, blockTag);
  const base = {
    address,
    loadedAt: blockTag,
    intentEpoch: 0n,
    receipts: new Map(),
    modulesChangedAt: 0,
  };
  if (code === "0x") return { ...base, kind: "undeployed" };
  if (!isServedWalletCode(code, implementation)) return { ...base, kind: "other" };
  const wallet = walletAt(address, provider);
  const [owner, intentEpoch, logs] = await Promise.all([
    wallet.owner({ blockTag }),
    wallet.intentEpoch({ blockTag }),
    provider.getLogs({ address, fromBlock: 0, toBlock: blockTag, topics: [RECEIPT_TOPICS] }),
  ]);
  const ownerIsContract = await isContractOwner(provider, address, owner, blockTag);
  const delegated = implementation !== undefined && isDelegated(code, implementation);
  const state: WalletState = {
    ...base,
    kind: "wallet",
    delegated,
    owner,
    ownerIsContract,
    intentEpoch,
  };
  for (const log of logs) {
    const event = decodeWalletEvent(log);
    if (event === undefined) continue;
    applyEvent(state, {
      ...event,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
    });
  }
  return state;
}

/** Whether `code` is that of an EOA delegated to `implementation`. */
function isDelegated(code: string, implementation: string): boolean {
  return getWalletKind({ code, implementation }) === "delegated";
}

/** Whether `code` is that of a clone of `implementation` or an EOA delegated to it. */
function isServedWalletCode(code: string, implementation: string | undefined): boolean {
  if (implementation === undefined) return false;
  const kind = getWalletKind({ code, implementation });
  return kind === "clone" || kind === "delegated";
}

/**
 * Whether the wallet's owner signs through ERC-1271: it has code and is not the wallet itself
 * (a delegated EOA owns itself, and its own key signs, as the wallet checks it).
 */
async function isContractOwner(
  provider: Provider,
  wallet: string,
  owner: string,
  blockTag: number,
): Promise<boolean> {
  if (owner.toLowerCase() === wallet.toLowerCase()) return false;
  return (await provider.getCode(owner, blockTag)) !== "0x";
}

/**
 * Applies one followed event of `state`'s address to it; returns `false` when the state can no
 * longer be kept current from events (its owner or key set changed, or it was created, or an
 * address kept without code emitted a wallet's event: an EOA delegated meanwhile) and must be
 * read again.
 *
 * @example
 * if (!applyEvent(state, event)) states.forget(state.address);
 */
export function applyEvent(state: WalletState, event: ChainEvent): boolean {
  if (state.kind === "undeployed") return false;
  switch (event.kind) {
    case "relayed": {
      const status = event.success ? IntentStatus.Succeeded : IntentStatus.Failed;
      const { blockNumber, transactionHash, relayer } = event;
      state.receipts.set(event.id.toLowerCase(), { status, blockNumber, transactionHash, relayer });
      return true;
    }
    case "canceled":
      const { blockNumber, transactionHash } = event;
      state.receipts.set(event.id.toLowerCase(), {
        status: IntentStatus.Canceled,
        blockNumber,
        transactionHash,
      });
      return true;
    case "invalidated":
      state.intentEpoch = event.epoch;
      return true;
    case "modulesChanged":
      state.modulesChangedAt = event.blockNumber;
      return true;
    default:
      return false;
  }
}

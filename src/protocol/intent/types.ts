import type { WalletAuthorization } from "../wallet/authorization.js";

/** One call of an intent: the wallet calls `to` with `value` wei and `data`. */
export interface Call {
  to: string;
  value: bigint;
  data: string;
}

/** An intent that must have been relayed successfully first; it may live on another wallet. */
export interface Dependency {
  wallet: string;
  id: string;
}

/** The fields an intent's ID is computed from, exactly as the wallet contract takes them. */
export interface Intent {
  calls: Call[];
  dependencies: Dependency[];
  salt: bigint;
  /** Unix seconds from which the intent may be relayed (0: at once). */
  validAfter: bigint;
  /** Unix seconds from which it may no longer be relayed. */
  expiration: bigint;
  maxGasPrice: bigint;
  minGasLimit: bigint;
}

/** Where an intent runs: the wallet, its chain and the wallet's intent epoch (0 until the owner invalidates all). */
export interface IntentDomainParameters {
  wallet: string;
  chainId: bigint;
  epoch?: bigint;
}

/**
 * How the wallet of a signed intent is created when it does not exist yet: `factory`'s
 * `createWalletAndRelay(owner, salt, intent, signature)` deploys it at the CREATE2 address of
 * (factory, the factory's implementation, owner, salt), then relays the intent. Not part of the
 * intent's ID: it only tells a relayer how to reach a wallet that is still counterfactual.
 *
 * @example
 * const create: WalletCreation = { factory, owner: owner.address, salt: 0n }; // a counterfactual WalletClient's `creation`
 */
export interface WalletCreation {
  /** The `WalletFactory` that deploys the wallet. */
  factory: string;
  /** The wallet's first owner, written in its code (and who must sign its first intents). */
  owner: string;
  /** The owner's salt, in [0, 2^256). */
  salt: bigint;
}

/**
 * How a wallet owned by a key set is created when it does not exist yet: `factory`'s
 * `launchWalletWithKeysAndRelay(keys, threshold, salt, intent, signature)` deploys it at the
 * address `walletWithKeysAddress(keys, threshold, salt)` (which commits to the keys and the
 * threshold), hands it to the key set, then relays the intent. Not part of the intent's ID.
 *
 * @example
 * const create: KeySetWalletCreation = { factory, keys: [addressKey(alice), passkey], threshold: 1n, salt: 0n };
 */
export interface KeySetWalletCreation {
  /** The `WalletFactory` that deploys the wallet. */
  factory: string;
  /** The wallet's keys (ERC-7913 signers, see `OwnerKey`), distinct; who signs its first intents. */
  keys: string[];
  /** How many of the keys must sign, from 1 to `keys.length`. */
  threshold: bigint;
  /** The key set's salt, in [0, 2^256). */
  salt: bigint;
}

/**
 * Whether `create` creates a wallet owned by a key set (rather than by one owner).
 *
 * @example
 * const route = isKeySetCreation(create) ? "launchWalletWithKeysAndRelay" : "createWalletAndRelay";
 */
export function isKeySetCreation(
  create: WalletCreation | KeySetWalletCreation,
): create is KeySetWalletCreation {
  return "keys" in create;
}

/** An intent with its ID and relay signature: what a relayer takes. */
export interface SignedIntent {
  intent: Intent;
  wallet: string;
  chainId: bigint;
  /** The wallet's intent epoch the ID was computed for (0 until the owner invalidates all intents). */
  epoch?: bigint;
  id: string;
  /** The relay signature, kind byte included, ready for `relay(intent, signature)`. */
  signature: string;
  /**
   * How to create `wallet` if it does not exist yet (deploy on first use): for one owner or for
   * a key set; not part of `id`.
   */
  create?: WalletCreation | KeySetWalletCreation;
  /**
   * How to make `wallet`, an EOA, a wallet on first use: its EIP-7702 authorization of the
   * implementation, sent with the intent in one type-4 transaction; not part of `id`.
   */
  authorization?: WalletAuthorization;
}

/** EIP-712 types of an intent (format v2), as the wallet hashes them. */
export const INTENT_TYPES = {
  Intent: [
    { name: "calls", type: "Call[]" },
    { name: "dependencies", type: "Dependency[]" },
    { name: "salt", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "expiration", type: "uint256" },
    { name: "maxGasPrice", type: "uint256" },
    { name: "minGasLimit", type: "uint256" },
  ],
  Call: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
  ],
  Dependency: [
    { name: "wallet", type: "address" },
    { name: "id", type: "bytes32" },
  ],
} as const;

/** EIP-712 type of the message an owner signs for the wallet's ERC-1271 `isValidSignature`. */
export const MESSAGE_TYPES = {
  IntentWalletMessage: [{ name: "hash", type: "bytes32" }],
} as const;

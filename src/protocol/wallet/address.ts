import { AbiCoder, concat, getAddress, getCreate2Address, keccak256, toBeHex } from "ethers";
import { InvalidParameterError } from "../errors/invalidParameterError.js";
import { getKeySetHash, type KeySet } from "../keys/keySet.js";

/**
 * The 10-byte constructor of a wallet: it returns the 65 bytes of code after it (OpenZeppelin 5's
 * `Clones` layout with immutable arguments).
 */
const WALLET_CONSTRUCTOR = "0x6100413d81600a3d39f3";

/** The ERC-1167 runtime code before the implementation's address (up to its `PUSH20`). */
const CLONE_RUNTIME_PREFIX = "0x363d3d373d3d3d363d73";

/** The ERC-1167 runtime code after the implementation's address. */
const CLONE_RUNTIME_SUFFIX = "0x5af43d82803e903d91602b57fd5bf3";

/** Bytes of a wallet's code: the 45-byte ERC-1167 proxy, then the 20-byte first owner. */
const WALLET_CODE_BYTES = 65;

export interface GetCloneRuntimeCodeParameters {
  /** The IntentWallet implementation every wallet clone delegates to. */
  implementation: string;
  /** The wallet's first owner, written in its code after the proxy. */
  owner: string;
}

/**
 * The 65-byte runtime code of the wallet of `owner`: the ERC-1167 proxy to `implementation`
 * (45 bytes) followed by the first owner (20 bytes), as `WalletFactory` deploys it.
 *
 * @example
 * const code = getCloneRuntimeCode({ implementation, owner: alice });
 * const isAlicesWallet = (await provider.getCode(wallet)) === code;
 */
export function getCloneRuntimeCode({
  implementation,
  owner,
}: GetCloneRuntimeCodeParameters): string {
  return concat([
    CLONE_RUNTIME_PREFIX,
    getAddress(implementation),
    CLONE_RUNTIME_SUFFIX,
    getAddress(owner),
  ]).toLowerCase();
}

/**
 * The 75-byte creation code of the wallet of `owner`, the code `WalletFactory` deploys with
 * CREATE2: a constructor returning `getCloneRuntimeCode({ implementation, owner })`.
 *
 * @example
 * const initCode = getCloneInitCode({ implementation, owner: alice });
 * // 0x6100413d81600a3d39f3 ‖ 363d3d373d3d3d363d73 ‖ implementation ‖ 5af43d82803e903d91602b57fd5bf3 ‖ owner
 */
export function getCloneInitCode({ implementation, owner }: GetCloneRuntimeCodeParameters): string {
  return concat([WALLET_CONSTRUCTOR, getCloneRuntimeCode({ implementation, owner })]);
}

export interface IsWalletCodeParameters {
  /** Code read from the chain (`provider.getCode(address)`). */
  code: string;
  /** The IntentWallet implementation. */
  implementation: string;
}

/**
 * Whether `code` is the code of a wallet of `implementation`, whoever its owner: a relayer
 * recognises the wallets it serves by it.
 *
 * @example
 * const served = isWalletCode({ code: await provider.getCode(wallet), implementation });
 */
export function isWalletCode({ code, implementation }: IsWalletCodeParameters): boolean {
  const proxy = concat([CLONE_RUNTIME_PREFIX, getAddress(implementation), CLONE_RUNTIME_SUFFIX]);
  const lower = code.toLowerCase();
  return lower.length === 2 + 2 * WALLET_CODE_BYTES && lower.startsWith(proxy.toLowerCase());
}

export interface ComputeWalletAddressParameters {
  /** The `WalletFactory` that deploys the wallet. */
  factory: string;
  /** The factory's `implementation()`. */
  implementation: string;
  /** The wallet's owner. */
  owner: string;
  /** The owner's salt, in [0, 2^256). */
  salt: bigint;
}

/** A checksummed address. */
export type ComputeWalletAddressReturnType = string;

/**
 * The address `factory` deploys the wallet of (`owner`, `salt`) at: CREATE2 with `salt` as the
 * salt and the wallet's creation code (which holds the owner), computed locally with no node
 * round trip, so the wallet can receive funds before it exists. Equals the factory's
 * `walletAddress(owner, salt)`.
 *
 * @example
 * const address = computeWalletAddress({ factory, implementation, owner: alice, salt: 0n });
 * await funder.sendTransaction({ to: address, value: parseEther("1") }); // before deployment
 */
export function computeWalletAddress({
  factory,
  implementation,
  owner,
  salt,
}: ComputeWalletAddressParameters): ComputeWalletAddressReturnType {
  checkSalt(salt);
  return getCreate2Address(
    getAddress(factory),
    toBeHex(salt, 32),
    keccak256(getCloneInitCode({ implementation, owner })),
  );
}

export interface ComputeKeySetWalletAddressParameters extends KeySet {
  /** The `WalletFactory` that deploys the wallet. */
  factory: string;
  /** The factory's `implementation()`. */
  implementation: string;
  /** The key set's salt, in [0, 2^256): one key set may have many wallets. */
  salt: bigint;
}

/** A checksummed address. */
export type ComputeKeySetWalletAddressReturnType = string;

/**
 * The address `factory` deploys the wallet of the key set (`keys`, `threshold`) and `salt` at:
 * CREATE2 of the clone whose code names the factory itself (which hands the wallet to the key
 * set in the same call), with the salt `keccak256(abi.encode(getKeySetHash({ keys, threshold }),
 * salt))`. Computed locally, so the wallet can receive funds before it exists; equals the
 * factory's `walletWithKeysAddress(keys, threshold, salt)`. Throws an `InvalidParameterError` for
 * a key set the contracts refuse (`checkKeySet`) or a salt out of range.
 *
 * @example
 * const keys = [addressKey(laptop.address), addressKey(phone.address), addressKey(recovery.address)];
 * const address = computeKeySetWalletAddress({ factory, implementation, keys, threshold: 2n, salt: 0n });
 */
export function computeKeySetWalletAddress({
  factory,
  implementation,
  keys,
  threshold,
  salt,
}: ComputeKeySetWalletAddressParameters): ComputeKeySetWalletAddressReturnType {
  checkSalt(salt);
  const create2Salt = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "uint256"],
      [getKeySetHash({ keys, threshold }), salt],
    ),
  );
  return getCreate2Address(
    getAddress(factory),
    create2Salt,
    keccak256(getCloneInitCode({ implementation, owner: factory })),
  );
}

/** Throws an `InvalidParameterError` unless `salt` is a uint256. */
function checkSalt(salt: bigint): void {
  if (typeof salt !== "bigint" || salt < 0n || salt >= 2n ** 256n)
    throw new InvalidParameterError({
      parameter: "salt",
      shortMessage: `salt ${String(salt)} is not a uint256`,
    });
}

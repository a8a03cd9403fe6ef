import { AbiCoder, concat, getAddress, getCreate2Address, keccak256 } from "ethers";
import { InvalidParameterError } from "../errors/invalidParameterError.js";

/** The 10-byte constructor of an ERC-1167 clone: it returns the 45-byte runtime code after it. */
const CLONE_CONSTRUCTOR = "0x3d602d80600a3d3981f3";

/** The ERC-1167 runtime code before the implementation's address (up to its `PUSH20`). */
const CLONE_RUNTIME_PREFIX = "0x363d3d373d3d3d363d73";

/** The ERC-1167 runtime code after the implementation's address. */
const CLONE_RUNTIME_SUFFIX = "0x5af43d82803e903d91602b57fd5bf3";

export interface GetCloneInitCodeParameters {
  /** The IntentWallet implementation every wallet clone delegates to. */
  implementation: string;
}

/**
 * The 45-byte runtime code of an ERC-1167 clone of `implementation`: the code every wallet
 * deployed by `WalletFactory` holds (a relayer recognises its wallets by it).
 *
 * @example
 * const isOurWallet = (await provider.getCode(wallet)) === getCloneRuntimeCode({ implementation });
 */
export function getCloneRuntimeCode({ implementation }: GetCloneInitCodeParameters): string {
  return concat([
    CLONE_RUNTIME_PREFIX,
    getAddress(implementation),
    CLONE_RUNTIME_SUFFIX,
  ]).toLowerCase();
}

/**
 * The 55-byte creation code of an ERC-1167 clone of `implementation`, the code `WalletFactory`
 * deploys with CREATE2 (through OpenZeppelin 5's `Clones.cloneDeterministic`).
 *
 * @example
 * const initCode = getCloneInitCode({ implementation });
 * // 0x3d602d80600a3d3981f3363d3d373d3d3d363d73 ‖ implementation ‖ 5af43d82803e903d91602b57fd5bf3
 */
export function getCloneInitCode({ implementation }: GetCloneInitCodeParameters): string {
  return concat([CLONE_CONSTRUCTOR, getCloneRuntimeCode({ implementation })]);
}

export interface GetWalletCreate2SaltParameters {
  /** The wallet's owner. */
  owner: string;
  /** The owner's salt: one owner can have many wallets. */
  salt: bigint;
}

/**
 * The CREATE2 salt `WalletFactory` uses for a wallet: `keccak256(abi.encode(owner, salt))`. The
 * owner is part of it, so nobody can deploy a wallet at your address with another owner.
 *
 * @example
 * const create2Salt = getWalletCreate2Salt({ owner, salt: 0n });
 */
export function getWalletCreate2Salt({ owner, salt }: GetWalletCreate2SaltParameters): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [owner, salt]));
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
 * The address `factory` deploys the wallet of (`owner`, `salt`) at, computed locally with no node
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
  if (salt < 0n || salt >= 2n ** 256n)
    throw new InvalidParameterError({
      parameter: "salt",
      shortMessage: `salt ${salt} is not a uint256`,
    });
  return getCreate2Address(
    getAddress(factory),
    getWalletCreate2Salt({ owner, salt }),
    keccak256(getCloneInitCode({ implementation })),
  );
}

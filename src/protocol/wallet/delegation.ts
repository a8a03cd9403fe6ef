import { concat, getAddress, isHexString } from "ethers";

import { isWalletCode } from "./address.js";

/** The prefix of an EIP-7702 delegation: an EOA whose code is `0xef0100 ‖ address` runs `address`'s code. */
const DELEGATION_PREFIX = "0xef0100";

/** What an address is to a wallet implementation, read from its code. */
export type WalletKind =
  /** A `WalletFactory` clone of the implementation. */
  | "clone"
  /** An EOA delegated to the implementation (EIP-7702): a wallet at its own address. */
  | "delegated"
  /** No code: an EOA not delegated (it may become one with an authorization), or nothing yet. */
  | "none"
  /** Other code: another contract, or an EOA delegated elsewhere. */
  | "other";

/** The address and the implementation whose relation `getWalletKind` reads. */
export interface WalletKindParameters {
  /** Code read from the chain (`provider.getCode(address)`). */
  code: string;
  /** The IntentWallet implementation. */
  implementation: string;
}

/**
 * The 23-byte code of an EOA delegated to `implementation` (EIP-7702): `0xef0100 ‖ implementation`,
 * lower-case.
 *
 * @example
 * const delegated = (await provider.getCode(eoa)) === getDelegationCode(implementation);
 */
export function getDelegationCode(implementation: string): string {
  return concat([DELEGATION_PREFIX, getAddress(implementation)]).toLowerCase();
}

/**
 * What `code` makes of its address for `implementation`: a clone, a delegated EOA, nothing, or
 * other code. A relayer serves clones and delegated EOAs, and an address with no code when its
 * intent carries the EOA's authorization.
 *
 * @example
 * const kind = getWalletKind({ code: await provider.getCode(address), implementation }); // "delegated"
 */
export function getWalletKind({ code, implementation }: WalletKindParameters): WalletKind {
  if (!isHexString(code)) return "other";
  const lower = code.toLowerCase();
  if (lower === "0x") return "none";
  if (lower === getDelegationCode(implementation)) return "delegated";
  return isWalletCode({ code, implementation }) ? "clone" : "other";
}

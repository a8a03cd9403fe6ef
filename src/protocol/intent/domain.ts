import { toBeHex, type TypedDataDomain } from "ethers";

import type { IntentDomainParameters } from "./types.js";

/** The intent format, as the version of the intents' EIP-712 domain. */
export const INTENT_FORMAT_VERSION = "2";

/**
 * The EIP-712 domain of a wallet's intents: it binds the chain, the wallet and the wallet's
 * intent epoch (the domain `salt`), so an intent's ID differs on every wallet and chain.
 *
 * @example
 * const domain = intentDomain({ wallet, chainId: 31337n });
 */
export function intentDomain({
  wallet,
  chainId,
  epoch = 0n,
}: IntentDomainParameters): TypedDataDomain {
  return {
    name: "IntentWallet",
    version: INTENT_FORMAT_VERSION,
    chainId,
    verifyingContract: wallet,
    salt: toBeHex(epoch, 32),
  };
}

/**
 * The EIP-712 domain of the ERC-1271 messages a wallet accepts (no epoch).
 *
 * @example
 * const domain = messageDomain({ wallet, chainId: 31337n });
 */
export function messageDomain({ wallet, chainId }: IntentDomainParameters): TypedDataDomain {
  return { name: "IntentWallet", version: "1", chainId, verifyingContract: wallet };
}

import type { TypedDataDomain } from "ethers";

import type { SessionDomainParameters } from "./types.js";

/**
 * The EIP-712 domain of session grants: the session-key module on one chain. The grant itself
 * names the wallet and the app, so the owner's signing prompt shows both.
 *
 * @example
 * const domain = sessionDomain({ module: sessionModuleAddress, chainId: 31337n });
 */
export function sessionDomain({ module, chainId }: SessionDomainParameters): TypedDataDomain {
  return { name: "IntentWallet Sessions", version: "1", chainId, verifyingContract: module };
}

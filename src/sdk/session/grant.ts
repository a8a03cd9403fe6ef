import type { Signer } from "ethers";

import { assertNoHiddenDangerousFunction } from "../../protocol/session/dangerousSelectors.js";
import { sessionDomain } from "../../protocol/session/domain.js";
import { assertCanonicalSignature } from "../../protocol/session/canonicalSignature.js";
import { getSessionId, mutableGrantTypes } from "../../protocol/session/hash.js";
import type {
  Permission,
  SessionDomainParameters,
  SessionGrant,
  SignedSessionGrant,
} from "../../protocol/session/types.js";

/** The parameters of `buildSessionGrant`; the optional ones default to a session usable at once. */
export interface BuildSessionGrantParameters {
  wallet: string;
  app: string;
  sessionKey: string;
  permissions: Permission[];
  /** Unix seconds, strict: the session is dead from this second on. */
  validUntil: bigint;
  validAfter?: bigint;
  epoch?: bigint;
  salt?: bigint;
}

/**
 * A session grant with defaults: start at once (`validAfter` 0), session epoch 0, salt 0. Throws
 * an `InvalidParameterError` for a permission whose function signature is not canonical
 * (`assertCanonicalSignature`) or hides a dangerous function under another name
 * (`assertNoHiddenDangerousFunction`): the module would refuse the grant, or allow nothing.
 *
 * @example
 * const grant = buildSessionGrant({
 *   wallet, app: "trade.example.com", sessionKey: key.address, validUntil: now + 3600n,
 *   permissions: [{ target: exchange, functionSignature: "placeOrder(uint256,uint256)" }],
 * });
 */
export function buildSessionGrant(parameters: BuildSessionGrantParameters): SessionGrant {
  const { validAfter = 0n, epoch = 0n, salt = 0n, ...required } = parameters;
  required.permissions.forEach(({ functionSignature }) => {
    assertCanonicalSignature(functionSignature);
    assertNoHiddenDangerousFunction(functionSignature);
  });
  return { ...required, validAfter, epoch, salt };
}

/**
 * Signs `grant` as the wallet's owner with EIP-712 typed data (eth_signTypedData_v4): one
 * readable prompt naming the wallet, the app, the key, the actions and the deadline.
 *
 * @example
 * const signedGrant = await signSessionGrant({ signer: owner, grant, module, chainId: 31337n });
 */
export async function signSessionGrant({
  signer,
  grant,
  ...domain
}: { signer: Signer; grant: SessionGrant } & SessionDomainParameters): Promise<SignedSessionGrant> {
  const ownerSignature = await signer.signTypedData(
    sessionDomain(domain),
    mutableGrantTypes(),
    grant,
  );
  return { ...domain, grant, id: getSessionId({ grant, ...domain }), ownerSignature };
}

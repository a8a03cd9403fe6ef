import { assertNoHiddenDangerousFunction } from "../../protocol/session/dangerousSelectors.js";
import { assertCanonicalSignature } from "../../protocol/session/canonicalSignature.js";
import { getSessionId } from "../../protocol/session/hash.js";
import { sessionGrantTypedData } from "../signers/typedData.js";
import { signTypedDataChecked, type TypedDataSignerLike } from "../signers/typedDataSigner.js";
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
 * readable prompt naming the wallet, the app, the key, the actions and the deadline. `signer` is
 * any signer `signIntent` takes (an ethers `Signer`, a viem account or `WalletClient`, a
 * `TypedDataSigner`); a 65-byte signature of another key than the signer's address is refused
 * with an `InvalidParameterError`, before the app relies on a grant the module would refuse.
 *
 * @example
 * const signedGrant = await signSessionGrant({ signer: owner, grant, module, chainId: 31337n });
 */
export async function signSessionGrant({
  signer,
  grant,
  ...domain
}: {
  signer: TypedDataSignerLike;
  grant: SessionGrant;
} & SessionDomainParameters): Promise<SignedSessionGrant> {
  const id = getSessionId({ grant, ...domain });
  const ownerSignature = await signTypedDataChecked(
    signer,
    sessionGrantTypedData({ grant, ...domain }),
    id,
  );
  return { ...domain, grant, id, ownerSignature };
}

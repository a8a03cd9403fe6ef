import { FunctionFragment, TypedDataEncoder, type Signer } from "ethers";

import { assertNoHiddenDangerousFunction } from "./dangerousSelectors.js";
import { sessionDomain } from "./sessionDomain.js";
import {
  SESSION_GRANT_TYPES,
  type Permission,
  type SessionDomainParameters,
  type SessionGrant,
} from "./types.js";
import { InvalidParameterError } from "../errors/invalidParameterError.js";

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

/** A grant with the owner's signature: what an app keeps and carries in its first session intent. */
export interface SignedSessionGrant extends SessionDomainParameters {
  grant: SessionGrant;
  /** The session ID: the grant's EIP-712 digest. */
  id: string;
  /** The owner's signature of `id` (65-byte ECDSA, or ERC-1271 bytes for a contract owner). */
  ownerSignature: string;
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
 * Throws unless `functionSignature` is canonical (`name(type1,type2)`, no spaces, no parameter
 * names): the module derives the selector from its exact bytes, so any other spelling would be
 * a permission that allows nothing.
 *
 * @example
 * assertCanonicalSignature("placeOrder(uint256,uint256)"); // ok
 * assertCanonicalSignature("placeOrder(uint256 price, uint256 amount)"); // throws
 */
export function assertCanonicalSignature(functionSignature: string): void {
  let canonical: string;
  try {
    canonical = FunctionFragment.from(functionSignature).format("sighash");
  } catch {
    throw new InvalidParameterError({
      parameter: "functionSignature",
      shortMessage: `not a function signature: "${functionSignature}"`,
    });
  }
  if (canonical !== functionSignature) {
    throw new InvalidParameterError({
      parameter: "functionSignature",
      shortMessage: `function signature "${functionSignature}" is not canonical: write "${canonical}"`,
    });
  }
}

/**
 * The session ID of `grant`: the EIP-712 digest the owner signs, as the module computes it.
 *
 * @example
 * const id = getSessionId({ grant, module, chainId: 31337n });
 */
export function getSessionId({
  grant,
  ...domain
}: { grant: SessionGrant } & SessionDomainParameters): string {
  return TypedDataEncoder.hash(sessionDomain(domain), mutableGrantTypes(), grant);
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

/**
 * `SESSION_GRANT_TYPES` as the mutable record ethers' typed-data functions take.
 *
 * @example
 * const digest = TypedDataEncoder.hash(sessionDomain({ module, chainId }), mutableGrantTypes(), grant);
 */
export function mutableGrantTypes(): Record<string, { name: string; type: string }[]> {
  return Object.fromEntries(
    Object.entries(SESSION_GRANT_TYPES).map(([name, fields]) => [
      name,
      fields.map((field) => ({ ...field })),
    ]),
  );
}

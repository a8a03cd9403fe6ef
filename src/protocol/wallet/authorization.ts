import {
  Signature,
  getAddress,
  isHexString,
  verifyAuthorization,
  type Authorization,
} from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";

/**
 * An EOA's EIP-7702 authorization, as JSON carries it: the delegate (`address`), the chain it
 * holds on (`chainId`, decimal; "0" would hold on every chain), the EOA's nonce it is good for
 * (decimal) and its signature (`yParity`, `r`, `s`).
 */
export interface WalletAuthorization {
  chainId: string;
  address: string;
  nonce: string;
  yParity: 0 | 1;
  r: string;
  s: string;
}

/** What `checkWalletAuthorization` checks an authorization against. */
export interface CheckWalletAuthorizationParameters {
  /** The authorization, as JSON carries it. */
  authorization: WalletAuthorization;
  /** The EOA that must have signed it: the wallet the intent is for. */
  eoa: string;
  /** The implementation it must delegate to. */
  implementation: string;
  /** The chain it must hold on (an authorization for chain 0 holds on every chain). */
  chainId: bigint;
}

/**
 * An ethers `Authorization` (as `signer.authorize` returns it) as JSON carries it.
 *
 * @example
 * const authorization = toWalletAuthorization(await eoa.authorize({ address: implementation }));
 */
export function toWalletAuthorization(authorization: Authorization): WalletAuthorization {
  return {
    chainId: authorization.chainId.toString(),
    address: getAddress(authorization.address),
    nonce: authorization.nonce.toString(),
    yParity: authorization.signature.yParity,
    r: authorization.signature.r,
    s: authorization.signature.s,
  };
}

/**
 * The ethers `Authorization` of a JSON one, for a type-4 transaction's `authorizationList`.
 * Throws an `InvalidParameterError` for fields that are not what they should be.
 *
 * @example
 * await sender.sendTransaction({ to, data, type: 4, authorizationList: [fromWalletAuthorization(json)] });
 */
export function fromWalletAuthorization(authorization: WalletAuthorization): Authorization {
  const fail = (why: string): never => {
    throw new InvalidParameterError({
      parameter: "authorization",
      shortMessage: `authorization ${why}`,
    });
  };
  if (typeof authorization !== "object" || authorization === null) fail("is not an object");
  const { chainId, address, nonce, yParity, r, s } = authorization;
  if (!/^(0|[1-9][0-9]{0,77})$/.test(String(chainId))) fail("chainId is not a decimal integer");
  if (!/^(0|[1-9][0-9]{0,19})$/.test(String(nonce)) || BigInt(nonce) >= 2n ** 64n)
    fail("nonce is not a 64-bit decimal integer");
  if (!isHexString(address, 20)) fail("address is not 20 bytes of hex");
  if (yParity !== 0 && yParity !== 1) fail("yParity is not 0 or 1");
  if (!isHexString(r, 32) || !isHexString(s, 32)) fail("r or s is not 32 bytes of hex");
  let signature: Signature;
  try {
    signature = Signature.from({ r, s, yParity });
  } catch (cause) {
    throw new InvalidParameterError({
      parameter: "authorization",
      shortMessage: "authorization's signature is malformed",
      cause,
    });
  }
  return {
    chainId: BigInt(chainId),
    address: getAddress(address),
    nonce: BigInt(nonce),
    signature,
  };
}

/**
 * Checks that `authorization` delegates `eoa` to `implementation` on `chainId` (or on every
 * chain, chain ID 0) and that `eoa` signed it. Throws an `InvalidParameterError` naming what is
 * wrong. It does not check the nonce, which only the chain knows.
 *
 * @example
 * checkWalletAuthorization({ authorization, eoa: intentWallet, implementation, chainId });
 */
export function checkWalletAuthorization({
  authorization,
  eoa,
  implementation,
  chainId,
}: CheckWalletAuthorizationParameters): Authorization {
  const parsed = fromWalletAuthorization(authorization);
  const fail = (why: string): never => {
    throw new InvalidParameterError({
      parameter: "authorization",
      shortMessage: `authorization ${why}`,
    });
  };
  if (parsed.address !== getAddress(implementation))
    fail(`delegates to ${parsed.address}, not to the implementation ${getAddress(implementation)}`);
  if (parsed.chainId !== 0n && parsed.chainId !== chainId)
    fail(`is for chain ${parsed.chainId}, not ${chainId}`);
  let signer: string;
  try {
    signer = verifyAuthorization(
      { address: parsed.address, nonce: parsed.nonce, chainId: parsed.chainId },
      parsed.signature,
    );
  } catch (cause) {
    throw new InvalidParameterError({
      parameter: "authorization",
      shortMessage: "authorization's signature recovers no signer",
      cause,
    });
  }
  if (signer !== getAddress(eoa))
    fail(`is signed by ${signer}, not by the wallet ${getAddress(eoa)}`);
  return parsed;
}

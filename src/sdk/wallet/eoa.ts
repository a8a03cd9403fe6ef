import type { AbstractSigner, Provider } from "ethers";

import {
  toWalletAuthorization,
  type WalletAuthorization,
} from "../../protocol/wallet/authorization.js";
import { getWalletKind, type WalletKind } from "../../protocol/wallet/delegation.js";

/** What `signWalletAuthorization` needs. */
export interface SignWalletAuthorizationParameters {
  /** The EOA's signer (an ethers `Wallet`, or any signer that implements `authorize`). */
  signer: AbstractSigner;
  /** The IntentWallet implementation the EOA delegates to. */
  implementation: string;
  /**
   * The chain it holds on: the signer's network's by default. Chain ID 0 would make it hold on
   * every chain; pass `0n` only on purpose.
   */
  chainId?: bigint;
  /** The EOA's nonce it is good for: its next one by default. */
  nonce?: bigint;
}

/**
 * The EOA's EIP-7702 authorization of the implementation, as a submission carries it: with the
 * EOA's first intent, a relayer makes it a wallet at its own address in the same transaction.
 * It holds on the signer's chain unless told otherwise, never on every chain by default.
 *
 * @example
 * const authorization = await signWalletAuthorization({ signer: eoa, implementation });
 * await relayer.submit({ ...signed, authorization });
 */
export async function signWalletAuthorization({
  signer,
  implementation,
  chainId,
  nonce,
}: SignWalletAuthorizationParameters): Promise<WalletAuthorization> {
  return toWalletAuthorization(await signer.authorize({ address: implementation, chainId, nonce }));
}

/**
 * What `address` is to `implementation` on chain: a clone, a delegated EOA, nothing (an EOA not
 * delegated yet) or other code.
 *
 * @example
 * if ((await readWalletKind(provider, eoa, implementation)) === "none") authorization = await signWalletAuthorization(...);
 */
export async function readWalletKind(
  provider: Provider,
  address: string,
  implementation: string,
): Promise<WalletKind> {
  return getWalletKind({ code: await provider.getCode(address), implementation });
}

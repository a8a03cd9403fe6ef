import { getAddress, isHexString } from "ethers";

import { IntentWalletSdkError } from "../../protocol/errors/baseError.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import type { Dependency, Intent } from "../../protocol/intent/types.js";

/**
 * A dependency on a signed intent (or on any `{ wallet, id }`), possibly of another wallet:
 * an intent that lists it can be relayed only once that intent was relayed successfully.
 * The wallet is returned checksummed and the ID lowercase. A dependency is checked on the
 * chain where the depending intent is relayed: depend only on intents of the same chain.
 *
 * @example
 * const approve = await signIntent({ signer: owner, intent: approveIntent, wallet, chainId });
 * const swap = buildIntent({ calls: [swapCall], dependencies: [dependencyOn(approve)] });
 */
export function dependencyOn(signed: SignedIntent | Dependency): Dependency {
  const { wallet, id } = signed;
  if (typeof id !== "string" || !isHexString(id, 32)) {
    throw new IntentWalletSdkError({
      shortMessage: `Invalid dependency: the ID must be 32 bytes of hex (got ${String(id)})`,
    });
  }
  let checksummed: string;
  try {
    checksummed = getAddress(wallet);
  } catch (error) {
    throw new IntentWalletSdkError({
      shortMessage: `Invalid dependency: bad wallet address ${String(wallet)}`,
      cause: error,
    });
  }
  return { wallet: checksummed, id: id.toLowerCase() };
}

/**
 * A copy of `intent` that also depends on `signedIntents` (on any wallets): it can be relayed
 * only after all of them were relayed successfully. The existing dependencies come first;
 * duplicates (the same wallet and ID, whatever the case of their hex) are listed once.
 * Since the dependencies are part of the intent, the result has a new ID: sign it after this.
 *
 * @example
 * // Pay on wallet B only once wallet A's deposit and B's own approval went through.
 * const pay = withDependencies(
 *   buildIntent({ calls: [payCall] }),
 *   signedDepositOnWalletA,
 *   signedApprovalOnWalletB,
 * );
 * const signedPay = await signIntent({ signer: ownerB, intent: pay, wallet: walletB, chainId });
 */
export function withDependencies(
  intent: Intent,
  ...signedIntents: Array<SignedIntent | Dependency>
): Intent {
  const seen = new Set<string>();
  const dependencies: Dependency[] = [];
  const add = (dependency: Dependency, normalized: Dependency) => {
    const key = `${normalized.wallet}:${normalized.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    dependencies.push(dependency);
  };
  for (const dependency of intent.dependencies) add(dependency, dependencyOn(dependency));
  for (const signed of signedIntents) {
    const dependency = dependencyOn(signed);
    add(dependency, dependency);
  }
  return { ...intent, dependencies };
}

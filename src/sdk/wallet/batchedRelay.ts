import { dataSlice } from "ethers";

import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import type { Intent } from "../intent/types.js";

const walletInterface = IntentWallet__factory.createInterface();

/** One entry of `IntentBatcher.relayBatch`: a wallet and the arguments of its `relay`. */
export interface BatchedRelay {
  /** The wallet the intent was signed for. */
  wallet: string;
  /** `abi.encode(intent, signature)`: `relay`'s calldata without its selector. */
  relayArguments: string;
}

/**
 * The `IntentBatcher.relayBatch` entry that relays `intent` on `wallet` with `signature`. The
 * batcher forwards `relayArguments` behind `relay`'s selector without decoding them, so entries
 * cost no re-encoding on-chain.
 *
 * @example
 * const entries = signedIntents.map(toBatchedRelay);
 * await batcher.relayBatch(entries);
 */
export function toBatchedRelay({
  wallet,
  intent,
  signature,
}: {
  wallet: string;
  intent: Intent;
  signature: string;
}): BatchedRelay {
  const calldata = walletInterface.encodeFunctionData("relay", [intent, signature]);
  return { wallet, relayArguments: dataSlice(calldata, 4) };
}

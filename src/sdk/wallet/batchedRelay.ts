import { concat, dataLength, getAddress } from "ethers";

import { encodeVarint, packIntent } from "../intent/packIntent.js";
import type { Intent } from "../intent/types.js";

/** One intent for `IntentBatcher.relayBatch`: the wallet it was signed for, and it signed. */
export interface BatchedRelay {
  /** The wallet the intent was signed for. */
  wallet: string;
  intent: Intent;
  /** The relay signature, as `relay` takes it. */
  signature: string;
}

/**
 * The `entries` argument of `IntentBatcher.relayBatch` that relays each intent, in order: for
 * each, its wallet (20 bytes), the payload's length (varint) and the payload (the packed intent
 * and its signature, as the wallet's `relayPacked()` takes them). The batcher forwards each
 * payload without decoding it.
 *
 * @example
 * await batcher.relayBatch(encodeBatchEntries(signedIntents));
 */
export function encodeBatchEntries(relays: readonly BatchedRelay[]): string {
  return concat(
    relays.flatMap(({ wallet, intent, signature }) => {
      const payload = concat([packIntent(intent), signature]);
      return [getAddress(wallet), encodeVarint(BigInt(dataLength(payload))), payload];
    }),
  );
}

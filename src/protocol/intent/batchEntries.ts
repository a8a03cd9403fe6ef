import { concat, dataLength, getAddress, toBeHex } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";

import { packIntent } from "./packed.js";
import type { Intent } from "./types.js";

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
 * each, its wallet (20 bytes), the payload's length (3 bytes, big-endian) and the payload (the packed intent
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
      const length = dataLength(payload);
      if (length >= 2 ** 24) {
        throw new InvalidParameterError({
          parameter: "relays",
          shortMessage: `a batch entry's payload must be under 16 MiB, got ${length} bytes`,
        });
      }
      return [getAddress(wallet), toBeHex(length, 3), payload];
    }),
  );
}

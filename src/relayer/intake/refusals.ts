import { dataSlice } from "ethers";

import { OWNER_SIGNATURE_KIND } from "../../protocol/intent/signature.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import type { Refusal } from "../refusal.js";
import { recoverSigner } from "./ecdsa.js";

/**
 * The refusals that both ways of deciding a submission give (from the state the relayer keeps,
 * or by asking the node), written once so that both say the same thing.
 */

/**
 * Check 12's refusal, if any: an epoch below the wallet's is `canceled`, above it `invalid_field`.
 *
 * @example
 * const refusal = epochRefusal(signed, state.intentEpoch);
 */
export function epochRefusal(signed: SignedIntent, epoch: bigint): Refusal | undefined {
  const signedEpoch = signed.epoch ?? 0n;
  if (signedEpoch < epoch) {
    return {
      code: "canceled",
      message: `wallet ${signed.wallet} invalidated every intent of epoch ${signedEpoch}: it is at epoch ${epoch} now`,
      details: { reason: "epoch", epoch: epoch.toString() },
    };
  }
  if (signedEpoch > epoch) {
    return {
      code: "invalid_field",
      message: `epoch ${signedEpoch} is ahead of the wallet's epoch ${epoch}`,
      details: { path: "epoch" },
    };
  }
  return undefined;
}

/**
 * Check 13's refusal of an ID the wallet consumed: `canceled`, or `already_relayed` with the
 * block, the relayer and whether its calls succeeded.
 *
 * @example
 * const refusal = consumedRefusal(signed, { outcome: "succeeded", blockNumber: 42n, relayer });
 */
export function consumedRefusal(
  signed: SignedIntent,
  receipt: { outcome: "succeeded" | "failed" | "canceled"; blockNumber?: bigint; relayer?: string },
): Refusal {
  if (receipt.outcome === "canceled") {
    return {
      code: "canceled",
      message: `intent ${signed.id} was canceled by the owner of wallet ${signed.wallet}`,
      details: { reason: "canceled" },
    };
  }
  return {
    code: "already_relayed",
    message: `intent ${signed.id} was already relayed on wallet ${signed.wallet} in block ${receipt.blockNumber} by ${receipt.relayer} (its calls ${receipt.outcome})`,
    details: {
      status: receipt.outcome,
      blockNumber: String(receipt.blockNumber),
      relayer: receipt.relayer,
    },
  };
}

/**
 * Check 14's refusal of a signature that does not authorize the ID, naming who signed it when it
 * is an owner-kind ECDSA signature.
 *
 * @example
 * const refusal = invalidSignatureRefusal(signed, "IntentInvalidSignature(id=0x…)");
 */
export function invalidSignatureRefusal(signed: SignedIntent, why: string): Refusal {
  const signer = ownerSigner(signed);
  return {
    code: "invalid_signature",
    message: `the signature does not authorize intent ${signed.id} for wallet ${signed.wallet}${signer === undefined ? "" : ` (it was signed by ${signer})`}: ${why}`,
    details: signer === undefined ? {} : { signer },
  };
}

/**
 * Check 15's refusal of an intent expired by the chain's time `now`.
 *
 * @example
 * const refusal = expiredRefusal(signed, now);
 */
export function expiredRefusal(signed: SignedIntent, now: bigint): Refusal | undefined {
  if (signed.intent.expiration > now) return undefined;
  return {
    code: "expired",
    message: `intent ${signed.id} expired at ${signed.intent.expiration} (the chain's time is ${now})`,
    details: { expiration: signed.intent.expiration.toString(), now: now.toString() },
  };
}

/**
 * The address an owner-kind relay signature (`0x00 ‖ 65-byte ECDSA`) recovers to, as the wallet
 * recovers it, if it is one.
 *
 * @example
 * const signer = ownerSigner(signed); // "0xf39F…" or undefined
 */
export function ownerSigner(signed: SignedIntent): string | undefined {
  return dataSlice(signed.signature, 0, 1) === OWNER_SIGNATURE_KIND
    ? recoverSigner(signed.id, dataSlice(signed.signature, 1))
    : undefined;
}

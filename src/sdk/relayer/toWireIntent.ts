import type { SignedIntent } from "../../protocol/intent/types.js";
import { WIRE_INTENT_VERSION, type WireSignedIntent } from "../../protocol/relayerApi/types.js";

/**
 * A signed intent, with the wallet's intent epoch it was signed for when that is not 0.
 *
 * @example
 * const body = toWireIntent({ ...signed, epoch: 1n }); // signed for the wallet's epoch 1
 */
export type ToWireIntentParameters = SignedIntent & { epoch?: bigint };

/**
 * The JSON body of `POST /v1/intents` for `signed`: version 2, every on-chain integer as a
 * decimal string (never a JSON number, which would lose precision above 2^53). `epoch` is
 * written only when the signed intent names one.
 *
 * @example
 * const body = JSON.stringify(toWireIntent(signed));
 * // {"version":2,"wallet":"0x…","chainId":"31337","id":"0x…","signature":"0x00…",
 * //  "intent":{"calls":[{"to":"0x…","value":"0","data":"0x…"}],"dependencies":[],"salt":"0",…}}
 */
export function toWireIntent(signed: ToWireIntentParameters): WireSignedIntent {
  const { intent } = signed;
  return {
    version: WIRE_INTENT_VERSION,
    wallet: signed.wallet,
    chainId: signed.chainId.toString(10),
    id: signed.id,
    signature: signed.signature,
    ...(signed.epoch === undefined ? {} : { epoch: signed.epoch.toString(10) }),
    intent: {
      calls: intent.calls.map(({ to, value, data }) => ({ to, value: value.toString(10), data })),
      dependencies: intent.dependencies.map(({ wallet, id }) => ({ wallet, id })),
      salt: intent.salt.toString(10),
      validAfter: intent.validAfter.toString(10),
      expiration: intent.expiration.toString(10),
      maxGasPrice: intent.maxGasPrice.toString(10),
      minGasLimit: intent.minGasLimit.toString(10),
    },
  };
}

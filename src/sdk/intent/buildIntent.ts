import type { Call, Dependency, Intent } from "../../protocol/intent/types.js";
import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";

/** One year, the default lifetime of an intent. */
export const DEFAULT_INTENT_LIFETIME_SECONDS = 365n * 24n * 60n * 60n;

/** 2^256 - 1: no gas price limit. */
export const NO_GAS_PRICE_LIMIT = 2n ** 256n - 1n;

export interface BuildIntentParameters {
  /** One or more calls, executed in order, all or nothing. */
  calls: Array<{ to: string; value?: bigint; data?: string }>;
  dependencies?: Dependency[];
  salt?: bigint;
  /** Unix seconds before which the intent may not be relayed; defaults to 0 (at once). */
  validAfter?: bigint;
  /** Unix seconds; defaults to `now + 365 days`. */
  expiration?: bigint;
  maxGasPrice?: bigint;
  minGasLimit?: bigint;
  /** The "now" the default expiration counts from, in unix seconds; defaults to the local clock. */
  now?: bigint;
}

/**
 * Builds an intent with the defaults: no dependencies, salt 0, valid at once (`validAfter` 0),
 * expiration now + 365 days, no gas price limit, min gas limit 0.
 *
 * @example
 * const intent = buildIntent({ calls: [{ to: token, data: transferData }] });
 */
export function buildIntent(parameters: BuildIntentParameters): Intent {
  if (parameters.calls.length === 0)
    throw new InvalidParameterError({
      parameter: "calls",
      shortMessage: "an intent needs at least one call",
    });
  const now = parameters.now ?? BigInt(Math.floor(Date.now() / 1000));
  const calls: Call[] = parameters.calls.map((call) => ({
    to: call.to,
    value: call.value ?? 0n,
    data: call.data ?? "0x",
  }));
  return {
    calls,
    dependencies: parameters.dependencies ?? [],
    salt: parameters.salt ?? 0n,
    validAfter: parameters.validAfter ?? 0n,
    expiration: parameters.expiration ?? now + DEFAULT_INTENT_LIFETIME_SECONDS,
    maxGasPrice: parameters.maxGasPrice ?? NO_GAS_PRICE_LIMIT,
    minGasLimit: parameters.minGasLimit ?? 0n,
  };
}

import type { Intent } from "../../src/sdk/index.js";
import type { PackedIntentHarness } from "../../typechain-types/index.js";

/** An intent as `PackedIntentHarness.decode` returns it (an ethers `Result`). */
export type DecodedIntent = Awaited<ReturnType<PackedIntentHarness["decode"]>>[0];

/** The harness's decoded intent in the SDK's shape, to compare with the intent that was packed. */
export function fromDecoded(decoded: DecodedIntent): Intent {
  return {
    calls: decoded.calls.map(({ to, value, data }) => ({ to, value, data })),
    dependencies: decoded.dependencies.map(({ wallet, id }) => ({ wallet, id })),
    salt: decoded.salt,
    validAfter: decoded.validAfter,
    expiration: decoded.expiration,
    maxGasPrice: decoded.maxGasPrice,
    minGasLimit: decoded.minGasLimit,
  };
}

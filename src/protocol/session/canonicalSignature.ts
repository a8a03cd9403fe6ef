import { FunctionFragment } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";

/**
 * Throws unless `functionSignature` is canonical (`name(type1,type2)`, no spaces, no parameter
 * names): the module derives the selector from its exact bytes, so any other spelling would be
 * a permission that allows nothing.
 *
 * @example
 * assertCanonicalSignature("placeOrder(uint256,uint256)"); // ok
 * assertCanonicalSignature("placeOrder(uint256 price, uint256 amount)"); // throws
 */
export function assertCanonicalSignature(functionSignature: string): void {
  let canonical: string;
  try {
    canonical = FunctionFragment.from(functionSignature).format("sighash");
  } catch {
    throw new InvalidParameterError({
      parameter: "functionSignature",
      shortMessage: `not a function signature: "${functionSignature}"`,
    });
  }
  if (canonical !== functionSignature) {
    throw new InvalidParameterError({
      parameter: "functionSignature",
      shortMessage: `function signature "${functionSignature}" is not canonical: write "${canonical}"`,
    });
  }
}

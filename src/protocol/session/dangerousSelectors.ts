import { dataSlice, id } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";

/**
 * A well-known function that moves a wallet's assets or lets someone else move them. A session
 * grant may list it under its canonical signature only: any other signature with its selector
 * hides it (the owner would read one function and allow this one).
 */
export interface DangerousFunction {
  /** Its canonical signature, e.g. `"transfer(address,uint256)"`. */
  readonly signature: string;
  /** Its 4-byte selector, e.g. `"0xa9059cbb"`. */
  readonly selector: string;
  /** The standard that defines it and what it does, e.g. `"ERC-20: moves the wallet's tokens to anyone"`. */
  readonly description: string;
}

/** The list as (canonical signature, description) pairs; the selectors are derived. */
const DANGEROUS_SIGNATURES: ReadonlyArray<readonly [signature: string, description: string]> = [
  ["transfer(address,uint256)", "ERC-20: moves the wallet's tokens to anyone"],
  [
    "transferFrom(address,address,uint256)",
    "ERC-20 and ERC-721: moves tokens (or an NFT) of the wallet, or of anyone who approved it",
  ],
  [
    "approve(address,uint256)",
    "ERC-20 and ERC-721: lets a spender take the wallet's tokens (or one NFT)",
  ],
  [
    "increaseAllowance(address,uint256)",
    "ERC-20 (OpenZeppelin before 5.0): raises a spender's allowance",
  ],
  [
    "decreaseAllowance(address,uint256)",
    "ERC-20 (OpenZeppelin before 5.0): changes a spender's allowance",
  ],
  [
    "increaseApproval(address,uint256)",
    "ERC-20 (older OpenZeppelin spelling, still in many tokens): raises an allowance",
  ],
  ["decreaseApproval(address,uint256)", "ERC-20 (the same older spelling): changes an allowance"],
  [
    "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
    "EIP-2612: sets an allowance from a signature",
  ],
  [
    "permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)",
    "DAI-style permit: sets an unlimited allowance (or none) from a signature",
  ],
  ["push(address,uint256)", "DAI: transfer under another name, moves the wallet's DAI"],
  ["move(address,address,uint256)", "DAI: transferFrom under another name"],
  ["safeTransferFrom(address,address,uint256)", "ERC-721: moves an NFT"],
  [
    "safeTransferFrom(address,address,uint256,bytes)",
    "ERC-721: moves an NFT, with data for the receiver",
  ],
  [
    "setApprovalForAll(address,bool)",
    "ERC-721 and ERC-1155: lets an operator take every token of the collection",
  ],
  ["safeTransferFrom(address,address,uint256,uint256,bytes)", "ERC-1155: moves tokens of one ID"],
  [
    "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
    "ERC-1155: moves tokens of several IDs",
  ],
  ["send(address,uint256,bytes)", "ERC-777: moves the wallet's tokens"],
  ["operatorSend(address,address,uint256,bytes,bytes)", "ERC-777: moves tokens as an operator"],
  ["authorizeOperator(address)", "ERC-777: lets an operator move every token of the wallet"],
  [
    "transferAndCall(address,uint256)",
    "ERC-1363: moves the wallet's tokens, then calls the receiver",
  ],
  ["transferAndCall(address,uint256,bytes)", "ERC-1363: the same, with data for the receiver"],
  [
    "transferFromAndCall(address,address,uint256)",
    "ERC-1363: transferFrom, then calls the receiver",
  ],
  [
    "transferFromAndCall(address,address,uint256,bytes)",
    "ERC-1363: the same, with data for the receiver",
  ],
  ["approveAndCall(address,uint256)", "ERC-1363: approves a spender, then calls it"],
  ["approveAndCall(address,uint256,bytes)", "ERC-1363: the same, with data for the spender"],
  [
    "approve(address,address,uint160,uint48)",
    "Permit2: lets a spender take the wallet's tokens through Permit2",
  ],
  [
    "transferFrom(address,address,uint160,address)",
    "Permit2: moves tokens under a Permit2 allowance",
  ],
  ["withdraw(uint256)", "WETH: unwraps the wallet's WETH into ETH"],
  [
    "deposit(uint256,address)",
    "ERC-4626: deposits the wallet's assets into the vault for any receiver",
  ],
  ["mint(uint256,address)", "ERC-4626: the same, counted in shares"],
  ["withdraw(uint256,address,address)", "ERC-4626: takes assets out of the vault to any receiver"],
  ["redeem(uint256,address,address)", "ERC-4626: the same, counted in shares"],
];

/**
 * The well-known functions that move or approve a wallet's assets, in the order of the
 * session-key module's list (`contracts/libraries/DangerousSelectors.sol`, the same set). A grant
 * may list each under its canonical signature only; `buildSessionGrant` and the module refuse
 * any other signature with one of these selectors (`GrantSelectorCollision` on chain).
 *
 * @example
 * const transfer = DANGEROUS_FUNCTIONS.find(({ selector }) => selector === "0xa9059cbb");
 * console.log(transfer?.signature); // "transfer(address,uint256)"
 */
export const DANGEROUS_FUNCTIONS: readonly DangerousFunction[] = Object.freeze(
  DANGEROUS_SIGNATURES.map(([signature, description]) =>
    Object.freeze({ signature, selector: dataSlice(id(signature), 0, 4), description }),
  ),
);

/**
 * The dangerous function that `functionSignature` hides: the one with the same selector, when
 * `functionSignature` is not that function's own signature; `undefined` otherwise (no such
 * selector, or the function itself).
 *
 * @example
 * hiddenDangerousFunction("many_msg_babbage(bytes1)")?.signature; // "transfer(address,uint256)"
 * hiddenDangerousFunction("transfer(address,uint256)"); // undefined: the function itself
 * hiddenDangerousFunction("placeOrder(uint256,uint256)"); // undefined
 */
export function hiddenDangerousFunction(functionSignature: string): DangerousFunction | undefined {
  const selector = dataSlice(id(functionSignature), 0, 4);
  const dangerous = DANGEROUS_FUNCTIONS.find((entry) => entry.selector === selector);
  return dangerous?.signature === functionSignature ? undefined : dangerous;
}

/**
 * Throws an `InvalidParameterError` if `functionSignature` hides a dangerous function
 * (`hiddenDangerousFunction`): the module would refuse the grant with `GrantSelectorCollision`.
 *
 * @example
 * assertNoHiddenDangerousFunction("transfer(address,uint256)"); // ok: the owner reads it
 * assertNoHiddenDangerousFunction("many_msg_babbage(bytes1)"); // throws: it is transfer's 0xa9059cbb
 */
export function assertNoHiddenDangerousFunction(functionSignature: string): void {
  const dangerous = hiddenDangerousFunction(functionSignature);
  if (dangerous === undefined) return;
  throw new InvalidParameterError({
    parameter: "functionSignature",
    shortMessage:
      `function signature "${functionSignature}" has the selector ${dangerous.selector} of ` +
      `${dangerous.signature} (${dangerous.description}): a session key could call that function`,
  });
}

import type { Interface } from "ethers";

import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";
import { SessionKeyModule__factory } from "../../../typechain-types/factories/contracts/modules/SessionKeyModule__factory.js";

/** The ABIs whose custom errors the SDK decodes, by contract name (TypeChain's `as const` ABIs). */
const CONTRACT_ABIS = {
  IntentWallet: IntentWallet__factory.abi,
  SessionKeyModule: SessionKeyModule__factory.abi,
  WalletFactory: WalletFactory__factory.abi,
} as const;

/** The contracts whose custom errors the SDK decodes. */
export type RevertingContract = keyof typeof CONTRACT_ABIS;

/** The ABI items of the custom errors of `Contract`. */
type ErrorItemOf<Contract extends RevertingContract> = Extract<
  (typeof CONTRACT_ABIS)[Contract][number],
  { type: "error" }
>;

/** The name of a custom error of `Contract` (of any of the three contracts by default). */
export type ContractErrorName<Contract extends RevertingContract = RevertingContract> =
  ErrorItemOf<Contract>["name"];

/** The contract that declares the custom error `Name`. */
export type ContractOfError<Name extends ContractErrorName> = {
  [Contract in RevertingContract]: Name extends ContractErrorName<Contract> ? Contract : never;
}[RevertingContract];

/** The TypeScript type ethers decodes a Solidity value of type `SolidityType` to. */
type DecodedValue<SolidityType extends string> = SolidityType extends
  `uint${string}` | `int${string}`
  ? bigint
  : SolidityType extends "bool"
    ? boolean
    : SolidityType extends `${string}]`
      ? readonly unknown[]
      : SolidityType extends `tuple${string}`
        ? unknown
        : string; // address (checksummed), bytes, bytesN and string

/** The ABI inputs of the custom error `Name`. */
type InputsOf<Name extends ContractErrorName> = Extract<
  ErrorItemOf<RevertingContract>,
  { name: Name }
>["inputs"];

/**
 * The arguments of the custom error `Name` by parameter name, e.g. for `IntentExpired`:
 * `{ id: string; expiration: bigint }`.
 */
export type ContractErrorArgs<Name extends ContractErrorName> = Name extends unknown
  ? { readonly [Input in InputsOf<Name>[number] as Input["name"]]: DecodedValue<Input["type"]> }
  : never;

/** The arguments of the custom error `Name` in order, e.g. for `IntentExpired`: `[string, bigint]`. */
export type ContractErrorArgList<Name extends ContractErrorName> = Name extends unknown
  ? InputsOf<Name> extends infer Inputs extends readonly { type: string }[]
    ? { readonly [Index in keyof Inputs]: DecodedValue<Inputs[Index]["type"]> }
    : never
  : never;

/** One contract's name and its ethers `Interface`, for decoding its errors at run time. */
export interface RevertingContractInterface {
  contract: RevertingContract;
  contractInterface: Interface;
}

/**
 * The `Interface`s of the contracts whose errors the SDK decodes, in the order they are tried
 * (their error selectors do not collide).
 *
 * @example
 * for (const { contract, contractInterface } of revertingContractInterfaces()) {
 *   const fragment = contractInterface.getError(selector);
 *   if (fragment) console.log(contract, fragment.name);
 * }
 */
export function revertingContractInterfaces(): readonly RevertingContractInterface[] {
  interfaces ??= [
    { contract: "IntentWallet", contractInterface: IntentWallet__factory.createInterface() },
    {
      contract: "SessionKeyModule",
      contractInterface: SessionKeyModule__factory.createInterface(),
    },
    { contract: "WalletFactory", contractInterface: WalletFactory__factory.createInterface() },
  ];
  return interfaces;
}

let interfaces: RevertingContractInterface[] | undefined;

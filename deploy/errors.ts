import { IntentWalletSdkError } from "../src/protocol/errors/baseError.js";

/** The parameters of `Create2DeployerMissingError`. */
export interface Create2DeployerMissingErrorParameters {
  /** The chain without the deterministic-deployment proxy. */
  chainId: bigint;
  /** The proxy's address. */
  deployer: string;
  /** How to put the proxy on the chain. */
  instructions: string;
}

/**
 * The deterministic-deployment proxy is not on this chain, and the chain is not a local one
 * where the deploy script may install it with `hardhat_setCode`. `details` tells the operator
 * how to deploy it with its presigned transaction.
 *
 * @example
 * try {
 *   await ensureCreate2Deployer(provider);
 * } catch (error) {
 *   if (error instanceof Create2DeployerMissingError) console.error(error.message);
 *   throw error;
 * }
 */
export class Create2DeployerMissingError extends IntentWalletSdkError {
  override readonly name = "Create2DeployerMissingError";
  readonly chainId: bigint;
  readonly deployer: string;

  constructor({ chainId, deployer, instructions }: Create2DeployerMissingErrorParameters) {
    super({
      shortMessage: `No CREATE2 deployer at ${deployer} on chain ${chainId}: deploy it first`,
      details: instructions,
    });
    this.chainId = chainId;
    this.deployer = deployer;
  }
}

/** The parameters of `DeployedCodeMismatchError`. */
export interface DeployedCodeMismatchErrorParameters {
  /** Which contract, e.g. `"WalletFactory"`. */
  contract: string;
  address: string;
  /** What is wrong, e.g. `"no code"` or `"runtime code differs from the artifact at byte 1234"`. */
  reason: string;
}

/**
 * The code at a deterministic address is not the contract the deployment expects: nothing was
 * deployed there, or something else was (a build other than the one the addresses were
 * computed from).
 */
export class DeployedCodeMismatchError extends IntentWalletSdkError {
  override readonly name = "DeployedCodeMismatchError";
  readonly contract: string;
  readonly address: string;
  readonly reason: string;

  constructor({ contract, address, reason }: DeployedCodeMismatchErrorParameters) {
    super({ shortMessage: `${contract} at ${address}: ${reason}` });
    this.contract = contract;
    this.address = address;
    this.reason = reason;
  }
}

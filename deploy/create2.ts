/**
 * The deterministic-deployment proxy (github.com/Arachnid/deterministic-deployment-proxy):
 * one contract at the same address on every EVM chain, which deploys `initCode` with CREATE2
 * when called with `salt ‖ initCode`. Through it a contract's address depends only on the salt
 * and the init code: the same on every chain, whoever deploys.
 */
import {
  concat,
  dataLength,
  getAddress,
  getCreate2Address,
  keccak256,
  type BytesLike,
  type Provider,
  type Signer,
  type TransactionReceipt,
} from "ethers";

import { Create2DeployerMissingError, DeployedCodeMismatchError } from "./errors.js";

/** The deterministic-deployment proxy's address, the same on every chain that has it. */
export const CREATE2_DEPLOYER = getAddress("0x4e59b44847b379578588920ca78fbf26c0b4956c");

/**
 * The proxy's runtime code: `CREATE2(value, calldata[32:], salt = calldata[0:32])`, returns the
 * new address (20 bytes) and reverts if the creation failed (the init code reverted, or there
 * is code at the address already).
 */
export const CREATE2_DEPLOYER_RUNTIME_CODE =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/**
 * The proxy's presigned deployment: a pre-EIP-155 transaction (valid on every chain) from a
 * one-time account whose key nobody knows, with nonce 0, so it creates the proxy at
 * `CREATE2_DEPLOYER` on any chain. Fund `signer` with `cost` wei, then broadcast
 * `rawTransaction`.
 */
export const CREATE2_DEPLOYER_DEPLOYMENT = {
  /** The one-time account that signed `rawTransaction`. */
  signer: getAddress("0x3fab184622dc19b6109349b94811493bf2a45362"),
  /** 100 gwei. */
  gasPrice: 100_000_000_000n,
  gasLimit: 100_000n,
  /** What `signer` must hold: gasPrice × gasLimit = 0.01 ETH. */
  cost: 10_000_000_000_000_000n,
  rawTransaction:
    "0xf8a58085174876e800830186a08080b853604580600e600039806000f350fe7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf31ba02222222222222222222222222222222222222222222222222222222222222222a02222222222222222222222222222222222222222222222222222222222222222",
} as const;

/**
 * Local development chains (Hardhat's in-process networks and `hardhat node`), where the proxy
 * is installed with `hardhat_setCode` when missing.
 */
export const LOCAL_CHAIN_IDS: readonly bigint[] = [31337n, 31338n];

/** A provider that also sends raw JSON-RPC requests (ethers' `JsonRpcProvider`, Hardhat's provider). */
export interface JsonRpcProviderLike extends Provider {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** The result of `ensureCreate2Deployer`. */
export interface EnsureCreate2DeployerReturnType {
  /** `CREATE2_DEPLOYER`. */
  address: string;
  /** Whether this call installed the proxy (with `hardhat_setCode`); false when it was there. */
  installed: boolean;
}

/**
 * Makes sure the deterministic-deployment proxy is on the provider's chain. On a local chain
 * (`LOCAL_CHAIN_IDS`) a missing proxy is installed with `hardhat_setCode`; on any other chain a
 * missing proxy is a `Create2DeployerMissingError` whose message tells the operator how to
 * deploy it with its presigned transaction.
 *
 * @example
 * const { installed } = await ensureCreate2Deployer(ethers.provider);
 */
export async function ensureCreate2Deployer(
  provider: JsonRpcProviderLike,
): Promise<EnsureCreate2DeployerReturnType> {
  const code = await provider.getCode(CREATE2_DEPLOYER);
  if (code === CREATE2_DEPLOYER_RUNTIME_CODE)
    return { address: CREATE2_DEPLOYER, installed: false };
  if (code !== "0x") {
    throw new DeployedCodeMismatchError({
      contract: "CREATE2 deployer",
      address: CREATE2_DEPLOYER,
      reason: "holds code other than the deterministic-deployment proxy's",
    });
  }

  const { chainId } = await provider.getNetwork();
  if (!LOCAL_CHAIN_IDS.includes(chainId)) {
    throw new Create2DeployerMissingError({
      chainId,
      deployer: CREATE2_DEPLOYER,
      instructions: create2DeployerInstructions(),
    });
  }
  await provider.send("hardhat_setCode", [CREATE2_DEPLOYER, CREATE2_DEPLOYER_RUNTIME_CODE]);
  if ((await provider.getCode(CREATE2_DEPLOYER)) !== CREATE2_DEPLOYER_RUNTIME_CODE) {
    throw new DeployedCodeMismatchError({
      contract: "CREATE2 deployer",
      address: CREATE2_DEPLOYER,
      reason: "hardhat_setCode did not install the proxy",
    });
  }
  return { address: CREATE2_DEPLOYER, installed: true };
}

/** How an operator deploys the proxy on a chain that lacks it. */
function create2DeployerInstructions(): string {
  const { signer, cost, rawTransaction } = CREATE2_DEPLOYER_DEPLOYMENT;
  return [
    `deploy the deterministic-deployment proxy with its presigned transaction:`,
    `  1. send ${cost} wei (0.01 ETH) to its one-time signer ${signer};`,
    `  2. broadcast the raw transaction below (eth_sendRawTransaction; e.g. \`cast publish <raw> --rpc-url <url>\`).`,
    `It creates ${CREATE2_DEPLOYER} on any chain; the node must accept pre-EIP-155 transactions`,
    `(geth: --rpc.allow-unprotected-txs). Then run the deploy script again.`,
    `Raw transaction: ${rawTransaction}`,
  ].join("\n");
}

/**
 * The address CREATE2 gives `initCode` deployed by `deployer` with `salt` (32 bytes):
 * `keccak256(0xff ‖ deployer ‖ salt ‖ keccak256(initCode))[12:]`.
 *
 * @example
 * const address = create2Address(CREATE2_DEPLOYER, id("IntentWallet v1"), IntentWallet__factory.bytecode);
 */
export function create2Address(deployer: string, salt: BytesLike, initCode: BytesLike): string {
  assertSalt(salt);
  return getCreate2Address(deployer, salt, keccak256(initCode));
}

/** The parameters of `deployDeterministic`. */
export interface DeployDeterministicParameters {
  /** Sends the deployment transaction; its provider reads the chain. */
  signer: Signer;
  /** The contract's creation code, constructor arguments appended. */
  initCode: BytesLike;
  /** The CREATE2 salt, 32 bytes. */
  salt: BytesLike;
  /** The CREATE2 deployer; `CREATE2_DEPLOYER` by default. */
  deployer?: string;
}

/** The result of `deployDeterministic`. */
export interface DeployDeterministicReturnType {
  /** The contract's CREATE2 address. */
  address: string;
  /** Whether this call deployed it; false when there was code at the address already. */
  deployed: boolean;
  /** The deployment's receipt, or `null` when nothing was deployed. */
  receipt: TransactionReceipt | null;
}

/**
 * Deploys `initCode` at its CREATE2 address through the proxy (calldata `salt ‖ initCode`),
 * unless there is code at that address already: then it sends nothing. The proxy must be on
 * the chain (`ensureCreate2Deployer`).
 *
 * @example
 * const { address, deployed } = await deployDeterministic({ signer, initCode, salt: id("IntentWallet v1") });
 */
export async function deployDeterministic({
  signer,
  initCode,
  salt,
  deployer = CREATE2_DEPLOYER,
}: DeployDeterministicParameters): Promise<DeployDeterministicReturnType> {
  const provider = signer.provider;
  if (provider === null) throw new Error("deployDeterministic: the signer has no provider");
  const address = create2Address(deployer, salt, initCode);
  if ((await provider.getCode(address)) !== "0x")
    return { address, deployed: false, receipt: null };

  const response = await signer.sendTransaction({ to: deployer, data: concat([salt, initCode]) });
  const receipt = await response.wait();
  if (receipt === null || receipt.status !== 1) {
    throw new Error(`deployDeterministic: the deployment of ${address} failed (${response.hash})`);
  }
  if ((await provider.getCode(address)) === "0x") {
    throw new DeployedCodeMismatchError({
      contract: "deterministic deployment",
      address,
      reason: `no code after the deployment transaction ${response.hash}`,
    });
  }
  return { address, deployed: true, receipt };
}

function assertSalt(salt: BytesLike): void {
  if (dataLength(salt) !== 32) throw new Error(`a CREATE2 salt is 32 bytes (got ${salt})`);
}

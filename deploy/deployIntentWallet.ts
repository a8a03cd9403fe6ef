import { relative } from "node:path";

import { dataLength, getAddress, hexlify, id, type Provider, type Signer } from "ethers";

import { DEPLOYMENTS_DIRECTORY, type Deployment } from "../src/protocol/deployments.js";
import { IntentBatcher__factory } from "../typechain-types/factories/contracts/IntentBatcher__factory.js";
import { IntentWallet__factory } from "../typechain-types/factories/contracts/IntentWallet__factory.js";
import { SessionKeyModule__factory } from "../typechain-types/factories/contracts/modules/SessionKeyModule__factory.js";
import { WalletFactory__factory } from "../typechain-types/factories/contracts/WalletFactory__factory.js";
import {
  create2Address,
  CREATE2_DEPLOYER,
  deployDeterministic,
  ensureCreate2Deployer,
  type DeployDeterministicReturnType,
  type JsonRpcProviderLike,
} from "./create2.js";
import { DeployedCodeMismatchError } from "./errors.js";
import { verifyRuntimeCode } from "./verifyRuntimeCode.js";
import { writeDeployment } from "./writeDeployment.js";

/** The CREATE2 salt of the contracts: `keccak256("IntentWallet v1")`. */
export const INTENT_WALLET_SALT = id("IntentWallet v1");

/** The contracts of a deployment, by their key in `Deployment`. */
export type IntentWalletContract = "implementation" | "factory" | "sessionModule" | "batcher";

/** Where each contract is, or whether each was deployed: one value per contract. */
export type PerContract<Value> = Record<IntentWalletContract, Value>;

/** The parameters of `predictIntentWalletAddresses`. */
export interface PredictIntentWalletAddressesParameters {
  /** The CREATE2 salt; `INTENT_WALLET_SALT` by default. */
  salt?: string;
  /** The CREATE2 deployer; `CREATE2_DEPLOYER` by default. */
  deployer?: string;
}

/**
 * Where the implementation, the factory, the session module and the batcher are on every chain,
 * computed off-chain from the compiled creation code: no node needed.
 *
 * @example
 * const { factory, implementation } = predictIntentWalletAddresses();
 */
export function predictIntentWalletAddresses({
  salt = INTENT_WALLET_SALT,
  deployer = CREATE2_DEPLOYER,
}: PredictIntentWalletAddressesParameters = {}): PerContract<string> {
  const codes = initCodes(salt, deployer);
  return {
    implementation: create2Address(deployer, salt, codes.implementation),
    factory: create2Address(deployer, salt, codes.factory),
    sessionModule: create2Address(deployer, salt, codes.sessionModule),
    batcher: create2Address(deployer, salt, codes.batcher),
  };
}

/** The parameters of `deployIntentWallet`. */
export interface DeployIntentWalletParameters {
  /** Pays for the deployments. Its provider must send raw JSON-RPC (to install the CREATE2 deployer on a local chain). */
  signer: Signer;
  /** Receives one readable line per step; silent by default. */
  log?: (line: string) => void;
  /** The CREATE2 salt, 32 bytes; `INTENT_WALLET_SALT` by default. Another salt gives other addresses. */
  salt?: string;
  /** Where to record `<chainId>.json`: the repository's `deployments/` by default; `null` records nothing. */
  directory?: string | null;
}

/**
 * The result of `deployIntentWallet`: the deployment recorded (chain, CREATE2 deployer, salt
 * and the four addresses), plus what this run did.
 */
export interface DeployIntentWalletReturnType extends Deployment {
  /** Which contracts this run deployed; false for those found already deployed. */
  deployed: PerContract<boolean>;
  /** The receipts of this run's deployments; `null` for contracts found already deployed. */
  receipts: PerContract<DeployDeterministicReturnType["receipt"]>;
  /** Whether this run installed the CREATE2 deployer (local chains only). */
  create2DeployerInstalled: boolean;
  /** The deployment file written, or `null` when `directory` was `null`. */
  file: string | null;
}

/** The contracts in deployment order (the factory's constructor needs the implementation's code). */
const CONTRACTS: readonly {
  key: IntentWalletContract;
  contract: string;
  source: string;
  bytecode: string;
  label: string;
}[] = [
  {
    key: "implementation",
    contract: "IntentWallet",
    source: "IntentWallet.sol",
    bytecode: IntentWallet__factory.bytecode,
    label: "IntentWallet (implementation)",
  },
  {
    key: "factory",
    contract: "WalletFactory",
    source: "WalletFactory.sol",
    bytecode: WalletFactory__factory.bytecode,
    label: "WalletFactory",
  },
  {
    key: "sessionModule",
    contract: "SessionKeyModule",
    source: "modules/SessionKeyModule.sol",
    bytecode: SessionKeyModule__factory.bytecode,
    label: "SessionKeyModule",
  },
  {
    key: "batcher",
    contract: "IntentBatcher",
    source: "IntentBatcher.sol",
    bytecode: IntentBatcher__factory.bytecode,
    label: "IntentBatcher",
  },
];

const LABEL_WIDTH = Math.max(...CONTRACTS.map(({ label }) => label.length));

/**
 * Deploys the IntentWallet implementation, the `WalletFactory` (whose constructor takes the
 * implementation's address), the `SessionKeyModule` and the `IntentBatcher` (which relayers use
 * to relay many intents in one transaction) through the CREATE2 deployer with one salt, so they have the same addresses on every EVM chain. Idempotent: a contract already at
 * its address is not deployed again, and a second run sends no transaction. On a local chain
 * the CREATE2 deployer is installed when missing; elsewhere it must have been deployed with its
 * presigned transaction (`Create2DeployerMissingError` says how). Afterwards every address is
 * checked to hold the expected runtime code, and the deployment is recorded in
 * `<directory>/<chainId>.json`.
 *
 * @example
 * const [signer] = await ethers.getSigners();
 * const { factory, implementation, sessionModule, batcher, deployed } = await deployIntentWallet({ signer, log: console.log });
 */
export async function deployIntentWallet({
  signer,
  log = () => {},
  salt = INTENT_WALLET_SALT,
  directory = DEPLOYMENTS_DIRECTORY,
}: DeployIntentWalletParameters): Promise<DeployIntentWalletReturnType> {
  if (dataLength(salt) !== 32)
    throw new Error(`deployIntentWallet: the salt is 32 bytes (got ${salt})`);
  const normalizedSalt = hexlify(salt);
  const provider = jsonRpcProviderOf(signer);
  const { chainId } = await provider.getNetwork();
  log(`Deploying IntentWallet on chain ${chainId} from ${await signer.getAddress()}`);
  log(
    normalizedSalt === INTENT_WALLET_SALT
      ? `Salt ${normalizedSalt} = keccak256("IntentWallet v1")`
      : `Salt ${normalizedSalt}`,
  );

  const { installed } = await ensureCreate2Deployer(provider);
  log(
    installed
      ? `CREATE2 deployer installed at ${CREATE2_DEPLOYER} (hardhat_setCode: a local chain)`
      : `CREATE2 deployer found at ${CREATE2_DEPLOYER}`,
  );

  const codes = initCodes(normalizedSalt, CREATE2_DEPLOYER);
  const addresses = {} as PerContract<string>;
  const deployed = {} as PerContract<boolean>;
  const receipts = {} as DeployIntentWalletReturnType["receipts"];
  for (const { key, contract, source, bytecode, label } of CONTRACTS) {
    const result = await deployDeterministic({
      signer,
      initCode: codes[key],
      salt: normalizedSalt,
    });
    await verifyRuntimeCode({ provider, source, contract, bytecode, address: result.address });
    addresses[key] = result.address;
    deployed[key] = result.deployed;
    receipts[key] = result.receipt;
    log(`${label.padEnd(LABEL_WIDTH)}  ${describeResult(result)}`);
  }
  await verifyFactoryImplementation(provider, addresses);
  log(`Verified: each address holds the expected runtime code`);

  const deployment: Deployment = {
    chainId,
    create2Deployer: CREATE2_DEPLOYER,
    salt: normalizedSalt,
    ...addresses,
  };
  const file = directory === null ? null : await writeDeployment({ deployment, directory });
  if (file !== null) log(`Recorded in ${displayPath(file)}`);

  const count = Object.values(deployed).filter(Boolean).length;
  log(
    count === 0
      ? "Nothing to deploy: every contract was already deployed"
      : `Deployed ${count} of ${CONTRACTS.length} contracts`,
  );
  return { ...deployment, deployed, receipts, create2DeployerInstalled: installed, file };
}

/** The creation code of each contract, constructor arguments appended. */
function initCodes(salt: string, deployer: string): PerContract<string> {
  const implementation = create2Address(deployer, salt, IntentWallet__factory.bytecode);
  return {
    implementation: IntentWallet__factory.bytecode,
    factory: WalletFactory__factory.bytecode.concat(
      WalletFactory__factory.createInterface().encodeDeploy([implementation]).slice(2),
    ),
    sessionModule: SessionKeyModule__factory.bytecode,
    batcher: IntentBatcher__factory.bytecode,
  };
}

function describeResult({ address, deployed, receipt }: DeployDeterministicReturnType): string {
  if (!deployed || receipt === null) return `already deployed at ${address}`;
  return `deployed at ${address} (gas ${receipt.gasUsed.toLocaleString("en-US")}, tx ${receipt.hash})`;
}

/** The factory's `implementation()` is the implementation deployed with it. */
async function verifyFactoryImplementation(
  provider: Provider,
  addresses: PerContract<string>,
): Promise<void> {
  const implementation = await WalletFactory__factory.connect(
    addresses.factory,
    provider,
  ).implementation();
  if (getAddress(implementation) !== addresses.implementation) {
    throw new DeployedCodeMismatchError({
      contract: "WalletFactory",
      address: addresses.factory,
      reason: `its implementation is ${implementation}, not ${addresses.implementation}`,
    });
  }
}

function jsonRpcProviderOf(signer: Signer): JsonRpcProviderLike {
  const provider = signer.provider as Partial<JsonRpcProviderLike> | null;
  if (provider === null || typeof provider.send !== "function") {
    throw new Error("deployIntentWallet: the signer needs a JSON-RPC provider (one with `send`)");
  }
  return provider as JsonRpcProviderLike;
}

/** `file` relative to the working directory when it is inside it, else absolute. */
function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path.startsWith("..") ? file : path;
}

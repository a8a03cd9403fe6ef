import { Contract, getAddress, type Provider } from "ethers";
import { join } from "node:path";

import { deploymentsDirectory, readDeployment } from "../../protocol/deployments.js";
import {
  deployCommandFor,
  describeChain,
  displayPath,
  RelayerStartupError,
  resolveServedImplementation,
  type ChainSource,
} from "../startup.js";

/**
 * The parameters of `resolveServedWallets`.
 *
 * @example
 * const parameters: ResolveServedWalletsParameters = { provider, chainId, rpcUrl, factory: config.RELAYER_FACTORY, implementation: config.RELAYER_IMPLEMENTATION, hasAllowedWallets: false };
 */
export interface ResolveServedWalletsParameters extends ChainSource {
  provider: Provider;
  chainId: bigint;
  /** RELAYER_FACTORY, when set. */
  factory: string | undefined;
  /** RELAYER_IMPLEMENTATION, when set. */
  implementation: string | undefined;
  /** Whether RELAYER_ALLOWED_WALLETS lists wallets (then nothing else is needed). */
  hasAllowedWallets: boolean;
  /** The folder of the deployment records; `deploymentsDirectory()` by default. */
  directory?: string;
}

/**
 * What the relayer serves: clones of `implementation`, only `factory`'s when it has one.
 *
 * @example
 * const { implementation, factory }: ServedWallets = await resolveServedWallets(parameters);
 * const policy = new SpendingPolicy({ implementation, factory, allowedWallets: [], ratePerMinute: 600, gasBudgetWei: 10n ** 18n, budgetPeriodMs: 3_600_000 });
 */
export interface ServedWallets {
  implementation: string | undefined;
  /** The factory whose wallets are served and created on first use; `undefined`: none. */
  factory: string | undefined;
}

/**
 * The factory and implementation of the wallets the relayer serves: RELAYER_FACTORY with its
 * `implementation()`; else RELAYER_IMPLEMENTATION alone (any clone of it, no creation); else
 * the implementation and factory recorded for `chainId` (the deploy script's record); else
 * nothing but the allow-list. Refuses (`RelayerStartupError`) a factory with no code, one that
 * is no WalletFactory, an implementation that is not the factory's, and what
 * `resolveServedImplementation` refuses.
 *
 * @example
 * const { factory, implementation } = await resolveServedWallets({ provider, chainId, rpcUrl, factory: config.RELAYER_FACTORY, implementation: config.RELAYER_IMPLEMENTATION, hasAllowedWallets: false });
 */
export async function resolveServedWallets(
  parameters: ResolveServedWalletsParameters,
): Promise<ServedWallets> {
  const { factory, implementation: configured } = parameters;
  if (factory !== undefined) {
    const implementation = await factoryImplementation(parameters, factory, "RELAYER_FACTORY");
    if (configured !== undefined && getAddress(configured) !== implementation) {
      throw new RelayerStartupError(
        `RELAYER_IMPLEMENTATION=${configured} is not the implementation of RELAYER_FACTORY=${factory} (${implementation}): unset RELAYER_IMPLEMENTATION, or set both to one deployment`,
      );
    }
    return { factory, implementation };
  }
  const implementation = await resolveServedImplementation({ ...parameters, configured });
  if (configured !== undefined || implementation === undefined) {
    return { implementation, factory: undefined };
  }
  return { implementation, factory: await recordedFactory(parameters, implementation) };
}

/** The factory recorded with `implementation` for the chain, checked to be its factory. */
async function recordedFactory(
  parameters: ResolveServedWalletsParameters,
  implementation: string,
): Promise<string | undefined> {
  const { chainId, directory = deploymentsDirectory() } = parameters;
  const recorded = (await readDeployment({ chainId, directory }))?.factory;
  if (recorded === undefined) return undefined;
  const file = displayPath(join(directory, `${chainId}.json`));
  const setting = `the factory recorded in ${file}`;
  const actual = await factoryImplementation(parameters, recorded, setting);
  if (actual === getAddress(implementation)) return getAddress(recorded);
  throw new RelayerStartupError(
    `${setting} (${recorded}) makes clones of ${actual}, not of the recorded implementation ${implementation}: deploy again, or set RELAYER_FACTORY`,
  );
}

/** `factory.implementation()`, after checking that `factory` holds a WalletFactory. */
async function factoryImplementation(
  { provider, chainId, rpcUrl }: ResolveServedWalletsParameters,
  factory: string,
  setting: string,
): Promise<string> {
  const chain = describeChain(chainId, rpcUrl);
  const named =
    setting === "RELAYER_FACTORY" ? `RELAYER_FACTORY=${factory}` : `${setting} (${factory})`;
  if ((await provider.getCode(factory)) === "0x") {
    const deploy = `deploy the contracts to this node with \`${deployCommandFor({ chainId, rpcUrl })}\``;
    throw new RelayerStartupError(
      `${named} has no code on ${chain}: ${deploy}, or set RELAYER_FACTORY`,
    );
  }
  try {
    const contract = new Contract(
      factory,
      ["function implementation() view returns (address)"],
      provider,
    );
    return getAddress((await contract.implementation()) as string);
  } catch (error) {
    throw new RelayerStartupError(
      `${named} is no WalletFactory on ${chain}: it does not answer implementation(); set RELAYER_FACTORY to the WalletFactory deployed there`,
      { cause: error },
    );
  }
}

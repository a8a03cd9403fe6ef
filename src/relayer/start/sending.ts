import { Wallet, type Provider } from "ethers";

import { TransactionSender } from "../chain/TransactionSender.js";
import { relayerKey, type RelayerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { IntentStore } from "../store/IntentStore.js";
import { openStore } from "./store.js";

/**
 * The relayer's account, its store, and the sender of its transactions, resumed.
 *
 * @example
 * const { signer, store, sender } = await openSending({ provider, config, chainId, log });
 */
export interface Sending {
  signer: Wallet;
  store: IntentStore;
  sender: TransactionSender;
}

/**
 * The parameters of `openSending`.
 *
 * @example
 * const parameters: OpenSendingParameters = { provider, config, chainId: 31337n, log };
 */
export interface OpenSendingParameters {
  provider: Provider;
  config: RelayerConfig;
  chainId: bigint;
  log: Logger;
}

/**
 * Opens the store (`openStore`: a fleet's Postgres database, or a SQLite file) and the relayer
 * account's transaction sender, which resumes the transactions it had in flight.
 *
 * @example
 * const { signer, store, sender } = await openSending({ provider, config, chainId, log });
 */
export async function openSending({
  provider,
  config,
  chainId,
  log,
}: OpenSendingParameters): Promise<Sending> {
  const signer = new Wallet(relayerKey(config, chainId), provider);
  const store = await openStore({ config, chainId, holder: signer.address, log });
  const sender = new TransactionSender({
    provider,
    signer,
    store,
    chainId,
    confirmations: config.RELAYER_CONFIRMATIONS,
    replaceAfterMs: config.RELAYER_REPLACE_AFTER_MS,
    feeBumpPercent: config.RELAYER_FEE_BUMP_PERCENT,
    logger: log,
  });
  await sender.init();
  return { signer, store, sender };
}

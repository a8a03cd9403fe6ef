import type { RelayerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { MemoryRateCounter } from "../rates/MemoryRateCounter.js";
import type { RateCounter } from "../rates/RateCounter.js";
import { openRelayerStore, relayerDbPath, RelayerStartupError } from "../startup.js";
import type { IntentStore } from "../store/IntentStore.js";
import { maskDatabaseUrl, PostgresIntentStore } from "../store/PostgresIntentStore.js";

/** How long a connection to a shared database may take to open: submissions wait no longer for a 503. */
const DATABASE_CONNECT_TIMEOUT_MS = 2_000;

/**
 * The relayer's store: the Postgres database at RELAYER_DATABASE_URL, shared by a fleet, with
 * this relayer's leases under its account's address (`holder`); else the SQLite file at
 * RELAYER_DB_PATH (or one per chain under `.relayer/`). A database that cannot be opened is a
 * `RelayerStartupError` naming the setting.
 *
 * @example
 * const store = await openStore({ config, chainId, holder: signer.address, log });
 */
export async function openStore({
  config,
  chainId,
  holder,
  log,
}: {
  config: RelayerConfig;
  chainId: bigint;
  holder: string;
  log: Logger;
}): Promise<IntentStore> {
  const url = config.RELAYER_DATABASE_URL;
  if (url === undefined) {
    const path = relayerDbPath({ configured: config.RELAYER_DB_PATH, chainId });
    const store = await openRelayerStore(path);
    log.info("store opened", { path });
    return store;
  }
  const leaseMs = config.RELAYER_LEASE_MS;
  const connectTimeoutMs = DATABASE_CONNECT_TIMEOUT_MS;
  const store = await PostgresIntentStore.open({ url, holder, leaseMs, connectTimeoutMs }).catch(
    (error: unknown) => {
      throw new RelayerStartupError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    },
  );
  log.info("store opened", { database: maskDatabaseUrl(url), holder, leaseMs });
  return store;
}

/**
 * The counter of the relayer's rates (per client and per wallet, one counter for both): the
 * store's shared one when the store is a fleet's database, so that the limits hold for the
 * fleet as a whole; else one in this process's memory.
 *
 * @example
 * const rates = rateCounterOf(store);
 */
export function rateCounterOf(store: IntentStore): RateCounter {
  return store.rates ?? new MemoryRateCounter();
}

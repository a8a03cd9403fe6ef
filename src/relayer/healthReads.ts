import type { Provider } from "ethers";

import { PENDING_RELAYER_INTENT_STATUSES } from "../protocol/relayerApi/statuses.js";
import type { HealthOutcome } from "./http/RelayerService.js";
import type { RelayerHealthResponse } from "../protocol/relayerApi/types.js";
import { refused, type Outcome, type Refused } from "./refusal.js";
import { RPC_RETRY_AFTER_SECONDS, rpcUnavailable, withDeadline } from "./rpcDeadline.js";
import type { IntentStore } from "./store/IntentStore.js";
import type { FleetBacklog } from "./store/leases.js";

/** The fleet part of `/health`. */
type FleetHealth = NonNullable<RelayerHealthResponse["fleet"]>;

/**
 * The default time `/health` gives its JSON-RPC reads, so that it answers within 1 s.
 *
 * @example
 * await readHealth({ provider, store, chainId, relayerAddress, timeoutMs: DEFAULT_HEALTH_TIMEOUT_MS });
 */
export const DEFAULT_HEALTH_TIMEOUT_MS = 750;

/**
 * What `readHealth` reads, and how long it may wait for the node.
 *
 * @example
 * const parameters: ReadHealthParameters = { provider, store, chainId: 31337n, relayerAddress };
 */
export interface ReadHealthParameters {
  provider: Provider;
  store: Pick<IntentStore, "countByStatus">;
  /** In a fleet: the fleet's backlog (read at most once a second, `memoizeFor`). */
  fleetBacklog?: () => Promise<FleetBacklog>;
  chainId: bigint;
  relayerAddress: string;
  /** Default `DEFAULT_HEALTH_TIMEOUT_MS`. */
  timeoutMs?: number;
}

/**
 * The relayer's health (docs/relayer-api.md, `GET /health`): the chain's ID, latest block and
 * the relayer account's balance, read at once within `timeoutMs`, and the count of pending
 * intents from the store. A node that does not answer in time, answers badly or serves another
 * chain is `unavailable` with `component: "rpc"`; a store that cannot be read
 * `component: "store"`; each with a `reason` and `Retry-After`.
 *
 * @example
 * const outcome = await readHealth({ provider, store, chainId: 31337n, relayerAddress });
 * if (!outcome.ok) console.log(outcome.refusal.details); // { component: "rpc", reason: "…" }
 */
export async function readHealth(parameters: ReadHealthParameters): Promise<HealthOutcome> {
  const chain = await readChainInTime(parameters);
  if (!chain.ok) return chain;
  const pending = await countPending(parameters.store);
  if (!pending.ok) return pending;
  const fleet = await readFleet(parameters);
  if (!fleet.ok) return fleet;
  return {
    ok: true,
    health: {
      status: "ok",
      chainId: parameters.chainId,
      relayer: parameters.relayerAddress,
      blockNumber: BigInt(chain.blockNumber),
      balance: chain.balance,
      nonce: chain.nonce,
      pending: pending.count,
      ...(fleet.health === undefined ? {} : { fleet: fleet.health }),
    },
  };
}

/** What `/health` reads from the node. */
type ChainReads = Outcome<{ blockNumber: number; balance: bigint; nonce: number }>;

/** `readChain` within `timeoutMs`; a node that does not answer in time, or fails, is `unavailable`. */
async function readChainInTime(parameters: ReadHealthParameters): Promise<ChainReads> {
  try {
    return await withDeadline(
      readChain(parameters),
      parameters.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS,
      "the health check's JSON-RPC reads",
    );
  } catch (error) {
    return rpcUnavailable(error);
  }
}

/** How many intents of the store are not final; a store that cannot be read is `unavailable`. */
async function countPending(
  store: ReadHealthParameters["store"],
): Promise<Outcome<{ count: number }>> {
  let counts: Record<string, number>;
  try {
    counts = await store.countByStatus();
  } catch (error) {
    return storeUnreadable(error);
  }
  const count = PENDING_RELAYER_INTENT_STATUSES.reduce(
    (sum, status) => sum + (counts[status] ?? 0),
    0,
  );
  return { ok: true, count };
}

/** In a fleet, this process's leases and the fleet's backlog; `undefined` alone. */
async function readFleet({
  fleetBacklog,
  relayerAddress,
}: ReadHealthParameters): Promise<Outcome<{ health?: FleetHealth }>> {
  if (fleetBacklog === undefined) return { ok: true };
  try {
    const backlog = await fleetBacklog();
    return { ok: true, health: { leases: backlog.byHolder[relayerAddress] ?? 0, ...backlog } };
  } catch (error) {
    return storeUnreadable(error);
  }
}

/** The `unavailable` answer of a store that did not answer. */
function storeUnreadable(error: unknown): Refused {
  const reason = error instanceof Error ? error.name : "unknown error";
  return refused(
    "unavailable",
    `the store cannot be read (${reason})`,
    { component: "store", reason },
    RPC_RETRY_AFTER_SECONDS,
  );
}

/** The chain's ID, latest block and the relayer's balance, read in parallel. */
async function readChain({
  provider,
  chainId,
  relayerAddress,
}: ReadHealthParameters): Promise<ChainReads> {
  const [network, blockNumber, balance, nonce] = await Promise.all([
    provider.getNetwork(),
    provider.getBlockNumber(),
    provider.getBalance(relayerAddress),
    provider.getTransactionCount(relayerAddress, "pending"),
  ]);
  if (network.chainId !== chainId) {
    const reason = `it serves chain ${network.chainId}, not ${chainId}`;
    return refused(
      "unavailable",
      `the JSON-RPC endpoint does not answer as expected: ${reason}`,
      { component: "rpc", reason },
      RPC_RETRY_AFTER_SECONDS,
    );
  }
  return { ok: true, blockNumber, balance, nonce };
}

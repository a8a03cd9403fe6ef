import { RelayerClient } from "../../src/sdk/index.js";
import { HDNodeWallet } from "ethers";

import { HARDHAT_MNEMONIC, hardhatAccountPath } from "./hardhatNode.js";
import type { NodeWorld } from "./nodeWorld.js";
import { startRelayerProcess, type RelayerProcess } from "./relayerProcess.js";

/** The first of the node's default accounts a fleet's members use, one each (#0 deploys, #1 is the lone relayer's). */
const FIRST_FLEET_ACCOUNT = 10;

/**
 * The account of fleet member `index` on a local node: its default account #(10 + index), of
 * Hardhat's test mnemonic, funded by every `hardhat node`.
 *
 * @example
 * const key = fleetMemberAccount(0).privateKey;
 */
export function fleetMemberAccount(index: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(
    HARDHAT_MNEMONIC,
    undefined,
    hardhatAccountPath(FIRST_FLEET_ACCOUNT + index),
  );
}

/**
 * Relayer processes sharing one Postgres database, each with its own funded key, serving the
 * world's wallets.
 */
export interface RelayerFleet {
  /** The running members, by index (a killed one stays until `restart`). */
  members: RelayerProcess[];
  /** Each member's account. */
  keys: { address: string; privateKey: string }[];
  /** A client of member `index`. */
  client(index: number): RelayerClient;
  /** `kill -9` member `index`. */
  kill(index: number): Promise<void>;
  /** Starts member `index` again, on the same port, key and database. */
  restart(index: number): Promise<void>;
  /** Stops every member (SIGTERM). */
  stop(): Promise<void>;
}

/** How `startRelayerFleet` starts the members. */
export interface RelayerFleetParameters {
  world: NodeWorld;
  databaseUrl: string;
  size: number;
  /** RELAYER_LEASE_MS; default 2,000 ms, so that takeovers happen within a test. */
  leaseMs?: number;
  /** More RELAYER_* settings for every member. */
  env?: Record<string, string>;
  /** The accounts of the first members, instead of the node's (say, one with no ether). */
  keys?: { address: string; privateKey: string }[];
}

/**
 * Starts `size` relayer processes on `databaseUrl`, member `i` with the node's default account
 * #(10 + i), all serving `world` (its implementation and batcher), a fast tick and short leases.
 *
 * @example
 * const fleet = await startRelayerFleet({ world, databaseUrl, size: 3 });
 * await fleet.client(0).submit(signed);
 */
export async function startRelayerFleet(parameters: RelayerFleetParameters): Promise<RelayerFleet> {
  const { world, size } = parameters;
  const keys = Array.from(
    { length: size },
    (_, i) => parameters.keys?.[i] ?? fleetMemberAccount(i),
  );
  const envOf = (index: number, port = "0") => memberEnv(parameters, keys[index], port);
  const members = await Promise.all(keys.map((_, i) => startRelayerProcess(envOf(i))));
  return {
    members,
    keys,
    client: (index) => new RelayerClient({ url: members[index].url, timeoutMs: 30_000 }),
    kill: (index) => members[index].kill(),
    async restart(index) {
      members[index] = await startRelayerProcess(envOf(index, new URL(members[index].url).port));
    },
    async stop() {
      await Promise.all(members.map((member) => member.stop()));
    },
  };
}

function memberEnv(
  { world, databaseUrl, leaseMs = 2_000, env = {} }: RelayerFleetParameters,
  key: { privateKey: string },
  port: string,
): Record<string, string> {
  return {
    RELAYER_RPC_URL: world.node.url,
    RELAYER_DATABASE_URL: databaseUrl,
    RELAYER_PRIVATE_KEY: key.privateKey,
    RELAYER_PORT: port,
    RELAYER_LEASE_MS: String(leaseMs),
    RELAYER_IMPLEMENTATION: world.implementation,
    RELAYER_BATCHER: world.batcher,
    RELAYER_POLL_MS: "50",
    RELAYER_HOLD_MS: "1000",
    RELAYER_LOG_LEVEL: "warn",
    ...env,
  };
}

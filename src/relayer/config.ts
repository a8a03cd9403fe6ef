import { getAddress, isAddress, isHexString } from "ethers";
import { z } from "zod";

import { LOG_LEVELS } from "./logger.js";

/**
 * Hardhat's well-known account #1 key. Used only when no key is configured AND the chain is a
 * local development chain (31337): never on a real network.
 */
export const HARDHAT_DEV_RELAYER_KEY =
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const LOCAL_CHAIN_ID = 31337n;

/**
 * The default of `RELAYER_MAX_EXPIRATION_SECONDS`: 366 days.
 *
 * @example
 * const horizon = config.RELAYER_MAX_EXPIRATION_SECONDS ?? DEFAULT_MAX_EXPIRATION_SECONDS;
 */
export const DEFAULT_MAX_EXPIRATION_SECONDS = 366 * 24 * 3_600;

/**
 * The default of `RELAYER_MAX_PENDING_PER_WALLET`.
 *
 * @example
 * const limit = config.RELAYER_MAX_PENDING_PER_WALLET ?? DEFAULT_MAX_PENDING_PER_WALLET;
 */
export const DEFAULT_MAX_PENDING_PER_WALLET = 64;

const address = z
  .string()
  .refine(isAddress, "not an address")
  .transform((value) => getAddress(value));
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);
const wei = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, "not a decimal integer")
  .transform((value) => BigInt(value));

/** The relayer's configuration, read from `RELAYER_*` environment variables and checked at start-up. */
export const relayerConfigSchema = z
  .object({
    RELAYER_RPC_URL: z.string().url().default("http://127.0.0.1:8545"),
    RELAYER_PRIVATE_KEY: z
      .string()
      .refine((value) => isHexString(value, 32), "not a 32-byte hex private key")
      .optional(),
    RELAYER_CHAIN_ID: wei.optional(),
    RELAYER_HOST: z.string().default("127.0.0.1"),
    RELAYER_PORT: integer(0, 65_535).default(8080),
    /** The SQLite file; default: `.relayer/relayer-<chainId>.db` under the working directory. */
    RELAYER_DB_PATH: z.string().min(1).optional(),
    /**
     * A PostgreSQL database (`postgres://user:password@host:port/database`) shared by a fleet of
     * relayers, each with its own key; instead of RELAYER_DB_PATH's SQLite file.
     */
    RELAYER_DATABASE_URL: z
      .string()
      .refine(isPostgresUrl, "not a postgres:// or postgresql:// URL")
      .optional(),
    /** How long a fleet member's lease on an intent lasts unless renewed (with RELAYER_DATABASE_URL). */
    RELAYER_LEASE_MS: integer(300, 600_000).default(15_000),
    RELAYER_CONFIRMATIONS: integer(1, 1_000).default(1),
    RELAYER_POLL_MS: integer(10, 60_000).default(250),
    RELAYER_REPLACE_AFTER_MS: integer(100).default(30_000),
    RELAYER_FEE_BUMP_PERCENT: integer(10, 1_000).default(15),
    RELAYER_HOLD_MS: integer(0).default(60_000),
    /** Wallets served: clones of this implementation (unless RELAYER_FACTORY says otherwise). */
    RELAYER_IMPLEMENTATION: address.optional(),
    /**
     * The WalletFactory whose wallets are served and created on first use (`create`); default:
     * deployments/<chainId>.json's `factory` when RELAYER_IMPLEMENTATION is not set either.
     */
    RELAYER_FACTORY: address.optional(),
    /** The IntentBatcher to relay several ready intents in one transaction; default: deployments/<chainId>.json's `batcher`. */
    RELAYER_BATCHER: address.optional(),
    /** Most intents per batch transaction; 1 turns batching off. */
    RELAYER_MAX_BATCH: integer(1, 64).default(16),
    RELAYER_ALLOWED_WALLETS: z
      .string()
      .default("")
      .transform((value) =>
        value
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ""),
      )
      .pipe(z.array(address)),
    RELAYER_RATE_PER_MINUTE: integer(1).default(600),
    /** Submissions per client address per minute, refused ones included (docs/relayer-api.md). */
    RELAYER_CLIENT_RATE_PER_MINUTE: integer(1).default(300),
    /** Furthest an intent's expiration may be from the chain's time; default 366 days. */
    RELAYER_MAX_EXPIRATION_SECONDS: integer(1).default(DEFAULT_MAX_EXPIRATION_SECONDS),
    /** Most non-final intents one wallet may have at this relayer; default 64. */
    RELAYER_MAX_PENDING_PER_WALLET: integer(1).default(DEFAULT_MAX_PENDING_PER_WALLET),
    RELAYER_GAS_BUDGET_WEI: wei.default(10n ** 18n),
    RELAYER_BUDGET_PERIOD_SECONDS: integer(1).default(3_600),
    RELAYER_BODY_LIMIT_BYTES: integer(1_024, 16 * 1024 * 1024).default(128 * 1024),
    RELAYER_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  })
  .refine((config) => !(config.RELAYER_DB_PATH && config.RELAYER_DATABASE_URL), {
    path: ["RELAYER_DATABASE_URL"],
    message: "set either RELAYER_DATABASE_URL (Postgres) or RELAYER_DB_PATH (SQLite), not both",
  });

/** Whether `value` is a URL with the `postgres:` or `postgresql:` scheme. */
function isPostgresUrl(value: string): boolean {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export type RelayerConfig = z.infer<typeof relayerConfigSchema>;

/** Reads and checks the configuration; throws one error listing every problem. */
export function loadRelayerConfig(
  env: Record<string, string | undefined> = process.env,
): RelayerConfig {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key]) => key.startsWith("RELAYER_")),
  );
  const parsed = relayerConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "config"}: ${issue.message}`,
    );
    throw new Error(`invalid relayer configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

/** The relayer key: the configured one, or Hardhat's dev key on a local chain only. */
export function relayerKey(config: RelayerConfig, chainId: bigint): string {
  if (config.RELAYER_PRIVATE_KEY !== undefined) return config.RELAYER_PRIVATE_KEY;
  if (chainId === LOCAL_CHAIN_ID) return HARDHAT_DEV_RELAYER_KEY;
  throw new Error(
    `RELAYER_PRIVATE_KEY is required on chain ${chainId} (only the local chain 31337 has a default)`,
  );
}

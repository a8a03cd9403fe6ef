import type { Log } from "ethers";

import { SessionKeyModule__factory } from "../../../typechain-types/factories/contracts/modules/SessionKeyModule__factory.js";
import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";
import { walletInterface } from "../chainReads.js";

const factoryInterface = WalletFactory__factory.createInterface();
const sessionInterface = SessionKeyModule__factory.createInterface();
const WALLET_CREATED = factoryInterface.getEvent("WalletCreated")!.topicHash;
const WALLET_CREATED_WITH_KEYS = factoryInterface.getEvent("WalletCreatedWithKeys")!.topicHash;
/** A session module's revocations: they name the wallet, whose module intents must be checked again. */
const SESSION_EVENTS = new Map(
  ["SessionRevoked", "AllSessionsRevoked"].map((name) => [
    sessionInterface.getEvent(name as "SessionRevoked")!.topicHash,
    name,
  ]),
);

/**
 * What one wallet (or factory) log says about the state the relayer keeps: the events the
 * chain follower asks for, decoded. Logs of any address pass the filter; the address a log
 * came from is who said it, so a contract can only speak for itself.
 */
export type WalletEvent =
  | { kind: "relayed"; wallet: string; id: string; relayer: string; success: boolean }
  | { kind: "canceled"; wallet: string; id: string }
  | { kind: "invalidated"; wallet: string; epoch: bigint }
  | { kind: "ownerChanged"; wallet: string; owner: string }
  /** A key joined or left the wallet's key set, or its threshold moved: who may sign changed. */
  | { kind: "keysChanged"; wallet: string }
  | { kind: "modulesChanged"; wallet: string }
  /** `owner` is absent for a wallet created owned by a key set (`WalletCreatedWithKeys`). */
  | { kind: "created"; factory: string; wallet: string; owner?: string; salt: bigint };

/** A decoded event with the block and the transaction it was mined in. */
export type ChainEvent = WalletEvent & { blockNumber: number; transactionHash: string };

const EVENT_NAMES = [
  "IntentRelayed",
  "IntentCanceled",
  "IntentsInvalidated",
  "OwnerChanged",
  "OwnerKeyAdded",
  "OwnerKeyRemoved",
  "OwnerThresholdChanged",
  "ModuleInstalled",
  "ModuleUninstalled",
  "ModuleEpochAdvanced",
] as const;

/**
 * The topic0 of every event the follower reads: the wallets' receipts, epochs, owners, key sets
 * and modules, and the factory's `WalletCreated` and `WalletCreatedWithKeys`.
 *
 * @example
 * const logs = await provider.getLogs({ fromBlock, toBlock, topics: [FOLLOWED_TOPICS] });
 */
export const FOLLOWED_TOPICS: string[] = [
  ...EVENT_NAMES.map((name) => walletInterface.getEvent(name)!.topicHash),
  WALLET_CREATED,
  WALLET_CREATED_WITH_KEYS,
  ...SESSION_EVENTS.keys(),
];

/**
 * The event `log` holds, or `undefined` for a log that is none of the followed events or does
 * not decode (a contract that emits a look-alike with other fields).
 *
 * @example
 * const event = decodeWalletEvent(log); // { kind: "relayed", wallet, id, relayer, success }
 */
export function decodeWalletEvent(log: Log): WalletEvent | undefined {
  try {
    return decode(log);
  } catch {
    return undefined;
  }
}

/** A factory's or a session module's event, else the wallet's own. */
function decode(log: Log): WalletEvent | undefined {
  const wallet = log.address;
  if (log.topics[0] === WALLET_CREATED) {
    const created = factoryInterface.parseLog(log)!;
    const { wallet: address, owner, salt } = created.args;
    return { kind: "created", factory: wallet, wallet: address, owner, salt };
  }
  if (log.topics[0] === WALLET_CREATED_WITH_KEYS) {
    const { wallet: address, salt } = factoryInterface.parseLog(log)!.args;
    return { kind: "created", factory: wallet, wallet: address, salt };
  }
  if (SESSION_EVENTS.has(log.topics[0])) {
    return { kind: "modulesChanged", wallet: sessionInterface.parseLog(log)!.args.wallet };
  }
  return decodeOwnEvent(log);
}

/** An event the wallet itself emits. */
function decodeOwnEvent(log: Log): WalletEvent | undefined {
  const wallet = log.address;
  const parsed = walletInterface.parseLog(log);
  switch (parsed?.name) {
    case "IntentRelayed":
      return {
        kind: "relayed",
        wallet,
        id: parsed.args.id,
        relayer: parsed.args.relayer,
        success: parsed.args.success,
      };
    case "IntentCanceled":
      return { kind: "canceled", wallet, id: parsed.args.id };
    case "IntentsInvalidated":
      return { kind: "invalidated", wallet, epoch: parsed.args.epoch };
    case "OwnerChanged":
      return { kind: "ownerChanged", wallet, owner: parsed.args.newOwner };
    case "OwnerKeyAdded":
    case "OwnerKeyRemoved":
    case "OwnerThresholdChanged":
      return { kind: "keysChanged", wallet };
    case "ModuleInstalled":
    case "ModuleUninstalled":
    case "ModuleEpochAdvanced":
      return { kind: "modulesChanged", wallet };
    default:
      return undefined;
  }
}

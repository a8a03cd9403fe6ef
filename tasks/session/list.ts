import { readSessionState, type SessionGrant, type SessionState } from "../../src/sdk/index.js";
import { SessionKeyModule__factory } from "../../typechain-types/factories/contracts/modules/SessionKeyModule__factory.js";
import type { SessionGrantStructOutput } from "../../typechain-types/contracts/modules/SessionKeyModule.js";
import { connectNetwork } from "../helpers/connect.js";
import { resolveModule, type ContractOptions } from "../helpers/contracts.js";
import { printFields } from "../helpers/output.js";
import { parseAddress } from "../helpers/parse.js";
import { taskAction } from "../helpers/taskAction.js";

interface SessionListArguments extends ContractOptions {
  wallet?: string;
  fromBlock: number;
}

/** One session of the wallet, as `session list` found it. */
export interface ListedSession {
  id: string;
  /** The grant, from its `SessionRegistered` event; `null` for a grant revoked but never registered. */
  grant: SessionGrant | null;
  status: SessionState;
  /** The block of its registration, or of its revocation when it was never registered. */
  blockNumber: number;
}

/** What `session list` found. */
export interface SessionListResult {
  wallet: string;
  module: string;
  /** The wallet's session epoch: grants of an older epoch were revoked by `revoke-all`. */
  epoch: bigint;
  sessions: ListedSession[];
}

/** `session list`: the wallet's sessions from the module's events, each with its current status. */
export default taskAction(async (args: SessionListArguments, hre): Promise<SessionListResult> => {
  if (args.wallet === undefined) throw new Error("--wallet: required");
  const wallet = parseAddress(args.wallet, "--wallet");
  const network = await connectNetwork(hre);
  const module = await resolveModule(network, args);
  const runner = network.ethers.provider;
  const contract = SessionKeyModule__factory.connect(module, runner);
  const [registrations, revocations] = await Promise.all([
    contract.queryFilter(contract.filters.SessionRegistered(wallet), args.fromBlock),
    contract.queryFilter(contract.filters.SessionRevoked(wallet), args.fromBlock),
  ]);
  const sessions = new Map<string, ListedSession>();
  for (const { args: event, blockNumber } of registrations) {
    if (sessions.has(event.sessionId)) continue;
    const grant = toSessionGrant(event.grant);
    const status = await readSessionState({ module, grant, runner });
    sessions.set(event.sessionId, { id: event.sessionId, grant, status, blockNumber });
  }
  for (const { args: event, blockNumber } of revocations) {
    if (sessions.has(event.sessionId)) continue;
    sessions.set(event.sessionId, {
      id: event.sessionId,
      grant: null,
      status: "revoked",
      blockNumber,
    });
  }
  const epoch = await contract.sessionEpoch(wallet);
  const result = { wallet, module, epoch, sessions: [...sessions.values()] };
  print(result);
  return result;
});

function print({ wallet, module, epoch, sessions }: SessionListResult): void {
  printFields({ wallet, module, "session epoch": epoch, sessions: sessions.length });
  for (const { id, grant, status, blockNumber } of sessions) {
    console.log(`\nsession ${id}`);
    const indented = (line: string) => console.log(`  ${line}`);
    if (grant === null) {
      printFields(
        { status: `${status} (never registered)`, "revoked in": `block ${blockNumber}` },
        indented,
      );
      continue;
    }
    printFields(
      {
        status,
        app: grant.app,
        key: grant.sessionKey,
        permissions: grant.permissions
          .map(({ target, functionSignature }) => `${target}:${functionSignature}`)
          .join(", "),
        valid: `from ${grant.validAfter} until ${grant.validUntil} (epoch ${grant.epoch})`,
        registered: `block ${blockNumber}`,
      },
      indented,
    );
  }
}

/** The SDK's grant from the event's struct (a plain object, without ethers' `Result`). */
function toSessionGrant(grant: SessionGrantStructOutput): SessionGrant {
  return {
    wallet: grant.wallet,
    app: grant.app,
    sessionKey: grant.sessionKey,
    permissions: grant.permissions.map(({ target, functionSignature }) => ({
      target,
      functionSignature,
    })),
    validAfter: grant.validAfter,
    validUntil: grant.validUntil,
    epoch: grant.epoch,
    salt: grant.salt,
  };
}

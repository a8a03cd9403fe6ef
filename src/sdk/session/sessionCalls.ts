import type { ContractRunner } from "ethers";

import { SessionKeyModule__factory } from "../../../typechain-types/factories/contracts/modules/SessionKeyModule__factory.js";
import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import type { Call } from "../../protocol/intent/types.js";
import type { SessionGrant } from "../../protocol/session/types.js";
import { sessionState, type SessionState } from "../../protocol/chain/enums.js";

const moduleInterface = SessionKeyModule__factory.createInterface();
const walletInterface = IntentWallet__factory.createInterface();

/**
 * The call that registers `grant` when the wallet makes it: put it in an intent the owner signs
 * (any relayer may relay it) or in the owner's direct `execute`.
 *
 * @example
 * const intent = buildIntent({ calls: [registerSessionCall({ module, grant })] });
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId });
 */
export function registerSessionCall({
  module,
  grant,
}: {
  module: string;
  grant: SessionGrant;
}): Call {
  return {
    to: module,
    value: 0n,
    data: moduleInterface.encodeFunctionData("registerSession", [grant]),
  };
}

/**
 * The call that revokes `grant` (registered or not) when the wallet makes it.
 *
 * @example
 * const intent = buildIntent({ calls: [revokeSessionCall({ module, grant })] });
 */
export function revokeSessionCall({
  module,
  grant,
}: {
  module: string;
  grant: SessionGrant;
}): Call {
  return {
    to: module,
    value: 0n,
    data: moduleInterface.encodeFunctionData("revokeSession", [grant]),
  };
}

/**
 * The call that revokes every session of the wallet at once (it moves the wallet's session epoch).
 *
 * @example
 * const intent = buildIntent({ calls: [revokeAllSessionsCall({ module })] });
 */
export function revokeAllSessionsCall({ module }: { module: string }): Call {
  return { to: module, value: 0n, data: moduleInterface.encodeFunctionData("revokeAllSessions") };
}

/**
 * The calls that end every session for good and then uninstall the module, as one atomic batch.
 * Uninstalling alone only pauses sessions: reinstalling would revive the unexpired ones.
 *
 * @example
 * const intent = buildIntent({ calls: uninstallSessionModuleCalls({ module, wallet }) });
 */
export function uninstallSessionModuleCalls({
  module,
  wallet,
}: {
  module: string;
  wallet: string;
}): Call[] {
  return [
    revokeAllSessionsCall({ module }),
    {
      to: wallet,
      value: 0n,
      data: walletInterface.encodeFunctionData("uninstallModule", [module]),
    },
  ];
}

/**
 * Reads what `grant` is on-chain now.
 *
 * @example
 * if ((await readSessionState({ module, grant, runner: provider })) === "revoked") stopTrading();
 */
export async function readSessionState({
  module,
  grant,
  runner,
}: {
  module: string;
  grant: SessionGrant;
  runner: ContractRunner;
}): Promise<SessionState> {
  const status = await SessionKeyModule__factory.connect(module, runner).sessionStatus(grant);
  return sessionState(status);
}

/**
 * Reads the session epoch new grants of `wallet` must sign (it moves when all sessions are revoked).
 *
 * @example
 * const grant = buildSessionGrant({ ...parameters, epoch: await readSessionEpoch({ module, wallet, runner }) });
 */
export async function readSessionEpoch({
  module,
  wallet,
  runner,
}: {
  module: string;
  wallet: string;
  runner: ContractRunner;
}): Promise<bigint> {
  return SessionKeyModule__factory.connect(module, runner).sessionEpoch(wallet);
}

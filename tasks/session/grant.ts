import {
  buildSessionGrant,
  installModuleCall,
  readSessionEpoch,
  registerSessionCall,
  signSessionGrant,
  WalletClient,
  type Call,
  type SignedSessionGrant,
} from "../../src/sdk/index.js";
import {
  chainNow,
  connectNetwork,
  requireDeployedWallet,
  signerAt,
  type TaskNetwork,
} from "../helpers/connect.js";
import { resolveModule } from "../helpers/contracts.js";
import { writeOrPrintJson } from "../helpers/files.js";
import { note } from "../helpers/output.js";
import { parseAddress, parsePermissions, parseUint } from "../helpers/parse.js";
import { serializeSignedGrant } from "../../src/sdk/index.js";
import { taskAction } from "../helpers/taskAction.js";

interface SessionGrantArguments {
  wallet?: string;
  app?: string;
  key?: string;
  permission?: string;
  validFor?: string;
  validUntil?: string;
  validAfter?: string;
  salt: bigint;
  signer: number;
  module?: string;
  register: boolean;
  out?: string;
}

/** What `session grant` produced: the signed grant, and the registration transaction if any. */
export interface SessionGrantResult {
  signedGrant: SignedSessionGrant;
  registrationHash: string | null;
}

/** `session grant`: builds a session grant, signs it as the owner, prints it; `--register` registers it. */
export default taskAction(async (args: SessionGrantArguments, hre): Promise<SessionGrantResult> => {
  const network = await connectNetwork(hre);
  const { ethers, chainId } = network;
  const wallet = parseAddress(required(args.wallet, "--wallet"), "--wallet");
  const module = await resolveModule(network, args);
  const validAfter =
    args.validAfter === undefined ? 0n : parseUint(args.validAfter, "--valid-after");
  const grant = buildSessionGrant({
    wallet,
    app: required(args.app, "--app"),
    sessionKey: parseAddress(required(args.key, "--key"), "--key"),
    permissions: parsePermissions(required(args.permission, "--permission")),
    validAfter,
    validUntil: await deadline(network, args),
    epoch: await readSessionEpoch({ module, wallet, runner: ethers.provider }),
    salt: args.salt,
  });
  const owner = await signerAt(ethers, args.signer);
  const signedGrant = await signSessionGrant({ signer: owner, grant, module, chainId });
  await writeOrPrintJson(serializeSignedGrant(signedGrant), args.out);
  note(
    `session ${signedGrant.id} for ${grant.app}: key ${grant.sessionKey} until ${grant.validUntil}`,
  );
  const registrationHash = args.register ? await register(network, signedGrant, args.signer) : null;
  return { signedGrant, registrationHash };
});

/** `--valid-until`, or the chain's now plus `--valid-for` seconds (exactly one of them). */
async function deadline(network: TaskNetwork, args: SessionGrantArguments): Promise<bigint> {
  if ((args.validFor === undefined) === (args.validUntil === undefined)) {
    throw new Error("pass exactly one of --valid-for <seconds> and --valid-until <unix seconds>");
  }
  if (args.validUntil !== undefined) return parseUint(args.validUntil, "--valid-until");
  return (await chainNow(network.ethers)) + parseUint(args.validFor, "--valid-for");
}

/**
 * The owner's direct `execute` of `registerSession(grant)`, installing the module first in the
 * same transaction when the wallet does not have it (a session works only through it).
 */
async function register(
  { ethers }: TaskNetwork,
  { grant, module }: SignedSessionGrant,
  signerIndex: number,
): Promise<string> {
  await requireDeployedWallet(ethers, grant.wallet);
  const wallet = WalletClient.at(grant.wallet, await signerAt(ethers, signerIndex));
  const calls: Call[] = [];
  if (!(await wallet.isModuleInstalled(module))) {
    calls.push(installModuleCall({ wallet: grant.wallet, module }));
    note(`installing the session-key module ${module} on the wallet (it was not installed)`);
  }
  calls.push(registerSessionCall({ module, grant }));
  const receipt = await wallet.execute(calls);
  note(`registered in ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`);
  return receipt.hash;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === "") throw new Error(`${option}: required`);
  return value;
}

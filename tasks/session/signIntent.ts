import type { Wallet } from "ethers";

import {
  buildIntent,
  serializeSignedIntent,
  SessionSigner,
  WalletClient,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { chainNow, connectNetwork, requireDeployedWallet } from "../helpers/connect.js";
import { readJsonFile, writeOrPrintJson } from "../helpers/files.js";
import { readIntentInput, type IntentInputArguments } from "../helpers/intentInput.js";
import { checkIntentWindow } from "../helpers/intentWindow.js";
import { note } from "../helpers/output.js";
import { parseAddress } from "../helpers/parse.js";
import { parseSignedGrant } from "../../src/sdk/index.js";
import { readPrivateKeyFile } from "../helpers/signingKeys.js";
import { taskAction } from "../helpers/taskAction.js";

/** The options of `session sign-intent`: the intent (as for `intent sign`, without `--wallet`), the grant and the key. */
export interface SessionSignIntentArguments extends Omit<IntentInputArguments, "wallet"> {
  grant?: string;
  keyFile?: string;
  out?: string;
}

/** What `session sign-intent` produced. */
export interface SessionSignIntentResult {
  signed: SignedIntent;
  /** Whether the relay signature carries the grant (it was not registered yet: the relay registers it). */
  carriesGrant: boolean;
}

/**
 * `session sign-intent`: the app's side of a session. Signs an intent for the grant's wallet with
 * the session key, carrying the grant while it is not registered on-chain. Refuses what could
 * never be relayed: a key that is not the grant's, a revoked or expired session, an intent window
 * that is closed already. The expiration defaults to the session's `validUntil`.
 */
export default taskAction(
  async (args: SessionSignIntentArguments, hre): Promise<SessionSignIntentResult> => {
    if (args.grant === undefined) throw new Error("--grant: required (a signed-grant JSON file)");
    const signedGrant = parseSignedGrant(await readJsonFile(args.grant, "--grant"));
    const { grant, module } = signedGrant;
    const sessionKey = await readSessionKey(args.keyFile);
    if (sessionKey.address !== grant.sessionKey) {
      throw new Error(
        `--key-file: its key's address ${sessionKey.address} is not the grant's session key ${grant.sessionKey}`,
      );
    }
    await requireSameWallet(args.intentFile, grant.wallet);

    const { ethers, chainId } = await connectNetwork(hre);
    if (signedGrant.chainId !== chainId) {
      throw new Error(`--grant: the grant is for chain ${signedGrant.chainId}, not ${chainId}`);
    }
    await requireDeployedWallet(ethers, grant.wallet);
    const session = new SessionSigner({ sessionKey, signedGrant });
    const state = await session.syncRegistration(ethers.provider);
    if (state === "revoked" || state === "expired") {
      throw new Error(
        `the session ${signedGrant.id} is ${state}: the module would refuse its intents`,
      );
    }
    const wallet = WalletClient.at(grant.wallet, ethers.provider);
    if (!(await wallet.isModuleInstalled(module))) {
      note(
        `warning: the session-key module ${module} is not installed on wallet ${grant.wallet}: ` +
          "relays are refused (WalletModuleNotInstalled) until the owner installs it (`session grant --register` does)",
      );
    }

    const { parameters } = await readIntentInput({ ...args, wallet: grant.wallet });
    if (parameters.expiration !== undefined && parameters.expiration > grant.validUntil) {
      note(
        `warning: --expiration ${parameters.expiration} is after the session's end ${grant.validUntil}: ` +
          "the intent cannot be relayed once the session is over",
      );
    }
    const now = await chainNow(ethers);
    const intent = buildIntent({
      ...parameters,
      expiration: parameters.expiration ?? grant.validUntil,
      now,
    });
    checkIntentWindow(intent, now);
    const carriesGrant = !session.registered;
    const signed = await session.signIntent(intent, { epoch: await wallet.epoch() });
    await writeOrPrintJson(serializeSignedIntent(signed), args.out);
    note(
      `signed intent ${signed.id} for wallet ${grant.wallet} with session key ${sessionKey.address}` +
        (carriesGrant ? " (carries the grant: its relay registers the session)" : "") +
        `, expires at ${intent.expiration}`,
    );
    return { signed, carriesGrant };
  },
);

/** The session key from `--key-file`: a text file holding its private key, `0x` and 64 hex digits. */
async function readSessionKey(path: string | undefined): Promise<Wallet> {
  if (path === undefined) {
    throw new Error("--key-file: required (a file holding the session key's private key)");
  }
  return readPrivateKeyFile(path, "--key-file");
}

/** Throws if `--intent-file` names a wallet other than the grant's. */
async function requireSameWallet(intentFile: string | undefined, wallet: string): Promise<void> {
  if (intentFile === undefined) return;
  const document = await readJsonFile(intentFile, "--intent-file");
  const named = (document as { wallet?: unknown } | null)?.wallet;
  if (named === undefined) return;
  const address = parseAddress(String(named), "--intent-file wallet");
  if (address !== wallet) {
    throw new Error(
      `--intent-file: the intent is for wallet ${address}, but the grant is for ${wallet}`,
    );
  }
}

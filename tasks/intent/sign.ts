import {
  buildIntent,
  serializeSignedIntent,
  signIntent,
  WalletClient,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { chainNow, connectNetwork, signerAt } from "../helpers/connect.js";
import { writeOrPrintJson } from "../helpers/files.js";
import { readIntentInput, type IntentInputArguments } from "../helpers/intentInput.js";
import { checkIntentWindow } from "../helpers/intentWindow.js";
import { note } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";

interface IntentSignArguments extends IntentInputArguments {
  signer: number;
  out?: string;
}

/**
 * `intent sign`: builds an intent from the options or a file and signs it as the owner; refuses
 * one that could never be relayed (an expiration in the past, `validAfter` not before it).
 */
export default taskAction(async (args: IntentSignArguments, hre): Promise<SignedIntent> => {
  const { ethers, chainId } = await connectNetwork(hre);
  const { wallet, parameters } = await readIntentInput(args);
  const signer = await signerAt(ethers, args.signer);
  const client = WalletClient.at(wallet, ethers.provider);
  const deployed = await client.isDeployed();
  const epoch = deployed ? await client.epoch() : 0n;
  const owner = deployed ? await client.owner() : undefined;
  if (owner !== undefined && owner !== signer.address) {
    note(`warning: the signer ${signer.address} is not the wallet's owner ${owner}`);
  }
  const now = await chainNow(ethers);
  const intent = buildIntent({ ...parameters, now });
  checkIntentWindow(intent, now);
  const signed = await signIntent({ signer, intent, wallet, chainId, epoch });
  await writeOrPrintJson(serializeSignedIntent(signed), args.out);
  const from = intent.validAfter > now ? `, valid from ${intent.validAfter}` : "";
  note(
    `signed intent ${signed.id} for wallet ${wallet} by ${signer.address}` +
      `${deployed ? "" : " (wallet not deployed yet)"}${from}, expires at ${intent.expiration}`,
  );
  return signed;
});

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
import { note } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";

interface IntentSignArguments extends IntentInputArguments {
  signer: number;
  out?: string;
}

/** `intent sign`: builds an intent from the options or a file and signs it as the owner. */
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
  const intent = buildIntent({ ...parameters, now: await chainNow(ethers) });
  const signed = await signIntent({ signer, intent, wallet, chainId, epoch });
  await writeOrPrintJson(serializeSignedIntent(signed), args.out);
  note(
    `signed intent ${signed.id} for wallet ${wallet} by ${signer.address}` +
      `${deployed ? "" : " (wallet not deployed yet)"}, expires at ${intent.expiration}`,
  );
  return signed;
});

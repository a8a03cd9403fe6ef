import { ZeroAddress } from "ethers";

import {
  buildIntent,
  decodeFailureReason,
  readOwnerKeys,
  secp256k1KeySigner,
  signIntent,
  signIntentWithKeys,
  WalletClient,
  type Call,
  type ReadOwnerKeysReturnType,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { chainNow, requireDeployedWallet, signerAt, type TaskNetwork } from "./connect.js";
import { printKeySet } from "./keys.js";
import { note, printFields } from "./output.js";
import { parseAddress } from "./parse.js";
import { readSigningKeys, type SigningKey, type SigningKeyArguments } from "./signingKeys.js";

/** The options of a task that changes a wallet's keys by an owner intent. */
export interface OwnerIntentArguments extends SigningKeyArguments {
  wallet?: string;
}

/** Who signs for a wallet now: one address (in its clone code), or a key set. */
export interface CurrentOwners extends ReadOwnerKeysReturnType {
  /** The one-address owner; `null` for a wallet owned by a key set. */
  owner: string | null;
}

/** What a key task did: the intent it relayed and the key set the wallet has now. */
export interface OwnerIntentResult {
  wallet: string;
  id: string;
  transactionHash: string;
  keys: string[];
  threshold: bigint;
}

/**
 * The owner intent of a key task, end to end: reads who signs for `--wallet`, builds the calls
 * (`build`, which may refuse a change the wallet would refuse, naming the option), signs the
 * intent with the keys of `--signers` / `--key-files` (the one owner's plain signature for a
 * one-address wallet, the keys' entries combined for a key set, refused here when a key is not
 * in the set or too few sign), relays it as `relayPacked` from the `--signer` account (which
 * pays the gas), and prints the key set the wallet has afterwards.
 *
 * @example
 * return relayOwnerIntent(network, args, ({ keys }) => [addOwnerKeyCall({ wallet, key })]);
 */
export async function relayOwnerIntent(
  network: TaskNetwork,
  args: OwnerIntentArguments,
  build: (wallet: string, owners: CurrentOwners) => Call[],
): Promise<OwnerIntentResult> {
  const wallet = parseAddress(required(args.wallet, "--wallet"), "--wallet");
  const { ethers, chainId } = network;
  await requireDeployedWallet(ethers, wallet);
  const owners = await readOwners(network, wallet);
  const calls = build(wallet, owners);
  const signingKeys = await readSigningKeys(network, args);
  const relayer = await signerAt(ethers, args.signer);
  const client = WalletClient.at(wallet, relayer);
  const intent = buildIntent({ calls, now: await chainNow(ethers) });
  const domain = { intent, wallet, chainId, epoch: await client.epoch() };
  const signed: SignedIntent =
    owners.owner !== null
      ? await signIntent({ signer: oneOwnerKey(signingKeys, owners.owner).signer, ...domain })
      : await signIntentWithKeys({
          signers: keySetSigners(signingKeys, owners, wallet).map(({ signer }) =>
            secp256k1KeySigner(signer),
          ),
          keySet: owners,
          ...domain,
        });
  note(`signed intent ${signed.id} by ${signingKeys.map(({ label }) => label).join(", ")}`);
  const outcome = await client.relay(signed);
  if (!outcome.success) {
    const reason =
      outcome.failure === null
        ? ""
        : `: ${decodeFailureReason(outcome.failure.reason).shortMessage}`;
    throw new Error(
      `intent ${signed.id} was relayed in ${outcome.receipt.hash} but the wallet refused the change${reason}`,
    );
  }
  const after = await readOwners(network, wallet);
  printFields({
    wallet,
    intent: signed.id,
    transaction: outcome.receipt.hash,
    block: outcome.receipt.blockNumber,
    gas: outcome.receipt.gasUsed,
  });
  printKeySet(after);
  return {
    wallet,
    id: signed.id,
    transactionHash: outcome.receipt.hash,
    keys: after.keys,
    threshold: after.threshold,
  };
}

/**
 * Who signs for the deployed `wallet`: its keys, threshold and their descriptions, and its
 * one-address owner (`null` for a key set, whose `owner()` is zero).
 *
 * @example
 * const { owner, keys, threshold } = await readOwners(network, wallet);
 */
export async function readOwners(network: TaskNetwork, wallet: string): Promise<CurrentOwners> {
  const runner = network.ethers.provider;
  const [keySet, owner] = await Promise.all([
    readOwnerKeys({ wallet, runner }),
    WalletClient.at(wallet, runner).owner(),
  ]);
  return { ...keySet, owner: owner === ZeroAddress ? null : owner };
}

/** The one key allowed to sign for a wallet owned by `owner`, or an error that says so. */
function oneOwnerKey(keys: SigningKey[], owner: string): SigningKey {
  const [key, ...others] = keys;
  if (others.length > 0 || key.address !== owner) {
    throw new Error(
      `the wallet is owned by one address, ${owner}: it alone signs (its account with --signer or --signers, or its key with --key-files); got ${keys.map(describeKey).join(", ")}`,
    );
  }
  return key;
}

/** The keys that sign for a key-set wallet, checked: each in the set, at least its threshold. */
function keySetSigners(keys: SigningKey[], owners: CurrentOwners, wallet: string): SigningKey[] {
  const members = new Set(owners.keys);
  for (const key of keys) {
    if (!members.has(key.address.toLowerCase())) {
      throw new Error(`${describeKey(key)} is not a key of wallet ${wallet}`);
    }
  }
  if (BigInt(keys.length) < owners.threshold) {
    throw new Error(
      `${keys.length} key${keys.length === 1 ? "" : "s"} sign${keys.length === 1 ? "s" : ""}, but wallet ${wallet} needs ${owners.threshold} of its ${owners.keys.length}: name more with --signers or --key-files`,
    );
  }
  return keys;
}

function describeKey({ label, address }: SigningKey): string {
  return `${label} (${address})`;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === "") throw new Error(`${option}: required`);
  return value;
}

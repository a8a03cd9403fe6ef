/**
 * Ours, owned by key sets: wallets created by `deployWalletWithKeys` (not measured), each then
 * relaying one funded transfer signed by its keys, sent as `relayPacked` like the owner rows.
 * Their keys and addresses come from their own sequence, so these rows never move the others.
 */
import assert from "node:assert/strict";

import type { Wallet } from "ethers";

import {
  addressKey,
  buildIntent,
  encodeWebAuthnSignature,
  getIntentId,
  toKeySetSignature,
  webAuthnKey,
  type KeySignature,
} from "../../src/sdk/index.js";
import { SoftwarePasskey } from "../../test/helpers/passkey.js";
import { relayPacked, type Ours } from "./ours.js";
import {
  FIXED_EXPIRATION,
  INITIAL_TOKENS,
  type Sequence,
  measureTransfers,
  transferCalls,
} from "./world.js";

/** Signs an intent ID as one key of a set. */
type KeySigner = (id: string) => KeySignature;

/** A key-set wallet, ready to relay: its address and the signers that sign its intents. */
interface KeySetWallet {
  address: string;
  signers: KeySigner[];
}

/** Row "passkey transfer": a wallet whose only key is a WebAuthn passkey. */
export async function passkeyTransfer(ours: Ours, sequence: Sequence): Promise<bigint> {
  const passkey = new SoftwarePasskey(sequence.newKey().privateKey); // fixed, as every key here
  const implementation = await ours.world.ethers.getContractAt(
    "IntentWallet",
    await ours.factory.implementation(),
  );
  const [p256Verifier, webAuthnVerifier] = await implementation.passkeyVerifiers();
  const key = webAuthnKey({
    verifiers: { p256: p256Verifier, webAuthn: webAuthnVerifier },
    publicKey: passkey.publicKey,
  });
  const wallet = await createKeySetWallet(ours, [key], 1n, [
    (id) => ({ key, signature: encodeWebAuthnSignature(passkey.assert(id)) }),
  ]);
  return keySetTransfer(ours, wallet, sequence);
}

/** Row "m of n secp256k1": a wallet of `n` secp256k1 keys with threshold `m`; the first `m` sign. */
export async function secp256k1Transfer(
  ours: Ours,
  sequence: Sequence,
  m: number,
  n: number,
): Promise<bigint> {
  const keys: Wallet[] = Array.from({ length: n }, () => sequence.newKey());
  const signers: KeySigner[] = keys
    .slice(0, m)
    .map((key) => (id) => ({ secp256k1: key.signingKey.sign(id).serialized }));
  const wallet = await createKeySetWallet(
    ours,
    keys.map((key) => addressKey(key.address)),
    BigInt(m),
    signers,
  );
  return keySetTransfer(ours, wallet, sequence);
}

/** Creates the wallet of (`keys`, `threshold`) and mints it its tokens. */
async function createKeySetWallet(
  ours: Ours,
  keys: string[],
  threshold: bigint,
  signers: KeySigner[],
): Promise<KeySetWallet> {
  const { factory, world } = ours;
  const salt = ours.nextWalletSalt++;
  await (await factory.connect(world.relayer).deployWalletWithKeys(keys, threshold, salt)).wait();
  const address = await factory.walletWithKeysAddress(keys, threshold, salt);
  await world.token.mint(address, INITIAL_TOKENS);
  return { address, signers };
}

/** One funded transfer of `wallet`, signed by its signers, relayed and measured. */
async function keySetTransfer(
  ours: Ours,
  wallet: KeySetWallet,
  sequence: Sequence,
): Promise<bigint> {
  const { world } = ours;
  const [to] = await sequence.fundedRecipients(1);
  const intent = buildIntent({
    calls: transferCalls(world, [to]),
    salt: 1n,
    expiration: FIXED_EXPIRATION,
  });
  const id = getIntentId({ intent, wallet: wallet.address, chainId: world.chainId, epoch: 0n });
  const signature = toKeySetSignature(wallet.signers.map((sign) => sign(id)));
  const signed = { intent, wallet: wallet.address, chainId: world.chainId, id, signature };
  const gas = await measureTransfers(world, wallet.address, [to], () => relayPacked(world, signed));
  const contract = await world.ethers.getContractAt("IntentWallet", wallet.address);
  assert.equal(await contract.intentStatus(id), 1n);
  return gas;
}

import type { ContractRunner } from "ethers";

import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import {
  describeOwnerKey,
  type KeyVerifiers,
  type OwnerKey,
  type OwnerKeyDescription,
} from "../../protocol/keys/keys.js";
import { rethrowDecoded } from "./rethrowDecoded.js";

export interface ReadOwnerKeysParameters {
  /** The wallet (deployed) whose owners are read. */
  wallet: string;
  /** A provider, or a signer with one. */
  runner: ContractRunner;
}

/** Who may sign for a wallet, as `readOwnerKeys` reads it. */
export interface ReadOwnerKeysReturnType {
  /** The keys, as the wallet returns them (lower-case hex): `[owner]` for a one-address wallet. */
  keys: OwnerKey[];
  /** How many distinct keys must sign: 1 for a one-address wallet. */
  threshold: bigint;
  /** The deployment's verifiers for P-256 keys and passkeys, which their keys name. */
  verifiers: KeyVerifiers;
  /** What each key is (same order as `keys`): an address, a P-256 key, a passkey, another verifier's key. */
  described: OwnerKeyDescription[];
}

/**
 * Reads who may sign for `wallet`: its keys and threshold (`ownerKeys()`; a wallet owned by one
 * address answers that address and 1), the verifiers its P-256 keys and passkeys name
 * (`passkeyVerifiers()`), and what each key is (`describeOwnerKey`). A revert surfaces as the
 * wallet's custom error.
 *
 * @example
 * const { keys, threshold, described } = await readOwnerKeys({ wallet, runner: provider });
 * const passkeys = described.filter((key) => key.kind === "webAuthn");
 */
export async function readOwnerKeys({
  wallet,
  runner,
}: ReadOwnerKeysParameters): Promise<ReadOwnerKeysReturnType> {
  const contract = IntentWallet__factory.connect(wallet, runner);
  const [[keys, threshold], verifiers] = await Promise.all([
    contract.listKeys().catch(rethrowDecoded),
    readKeyVerifiers({ wallet, runner }),
  ]);
  const lowerKeys = keys.map((key) => key.toLowerCase());
  return {
    keys: lowerKeys,
    threshold,
    verifiers,
    described: lowerKeys.map((key) => describeOwnerKey({ key, verifiers })),
  };
}

/**
 * Reads the ERC-7913 verifiers the keys of `wallet`'s deployment name: OpenZeppelin's P-256
 * verifier and WebAuthn verifier, deployed with the wallet implementation (the same for every
 * wallet of one implementation). What `p256Key` and `webAuthnKey` take.
 *
 * @example
 * const verifiers = await readKeyVerifiers({ wallet, runner: provider });
 * const key = webAuthnKey({ verifiers, publicKey: p256PublicKeyFromSpki(credential.response.getPublicKey()) });
 */
export async function readKeyVerifiers({
  wallet,
  runner,
}: ReadOwnerKeysParameters): Promise<KeyVerifiers> {
  const [p256, webAuthn] = await IntentWallet__factory.connect(wallet, runner)
    .passkeyVerifiers()
    .catch(rethrowDecoded);
  return { p256, webAuthn };
}

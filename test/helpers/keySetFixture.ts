import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  Wallet,
  concat,
  getBytes,
  id as keccakText,
  toBeHex,
  toUtf8String,
  type BaseWallet,
  type Interface,
} from "ethers";

import {
  IntentStatus,
  addressKey,
  buildIntent,
  encodeRelayPacked,
  encodeWebAuthnSignature,
  getIntentId,
  p256Key,
  parseDerSignature,
  P256_ORDER,
  toKeySetSignature,
  webAuthnKey,
  type BuildIntentParameters,
  type Call,
  type Intent,
  type KeySignature,
  type KeyVerifiers,
  type OwnerKey,
  type WebAuthnAssertion,
} from "../../src/sdk/index.js";
import type { ERC1271Owner, IntentWallet } from "../../typechain-types/index.js";
import { SoftwareP256Key, SoftwarePasskey, type AssertionOptions } from "./passkey.js";
import { deployWalletWorld, type WalletWorld } from "./walletFixture.js";

/*
 * A world of wallets owned by key sets, for the contract tests of key sets: a 2-of-3 of
 * secp256k1 keys, a passkey's wallet, a raw P-256 key's, an ERC-1271 contract key's, a mixed
 * 2-of-2 (passkey and secp256k1), and a wallet of one address, all from one factory. Keys are
 * signed with real signatures: ethers for secp256k1, `SoftwarePasskey` for WebAuthn, and
 * `@noble/curves` for raw P-256 digests.
 */

/** Receipt statuses, as in `IIntentWallet.IntentStatus`: the SDK's, for the key-set tests. */
export { IntentStatus };

/** ERC-1271's answers. */
export const ERC1271_VALID = "0x1626ba7e";
export const ERC1271_INVALID = "0xffffffff";

/** Tokens and ETH each key-set wallet of the world holds. */
export const FUNDED_TOKENS = 1_000n * 10n ** 18n;
export const FUNDED_ETH = 10n ** 18n;

/** A wallet owned by a key set, with the set it was created with. */
export interface KeySetWallet {
  wallet: IntentWallet;
  address: string;
  keys: OwnerKey[];
  threshold: bigint;
  salt: bigint;
}

export interface KeySetWorld extends WalletWorld {
  factoryAddress: string;
  targetAddress: string;
  tokenAddress: string;
  verifiers: KeyVerifiers;
  /** Local secp256k1 keys (funded, so they can call wallets directly). */
  alice: Wallet;
  bob: Wallet;
  carol: Wallet;
  /** The signer the ERC-1271 contract key accepts. */
  dave: Wallet;
  /** A funded key in no set. */
  outsider: Wallet;
  passkey: SoftwarePasskey;
  /** A passkey in no set. */
  strangerPasskey: SoftwarePasskey;
  p256Signer: SoftwareP256Key;
  contractKey: ERC1271Owner;
  keys: {
    alice: OwnerKey;
    bob: OwnerKey;
    carol: OwnerKey;
    dave: OwnerKey;
    outsider: OwnerKey;
    passkey: OwnerKey;
    strangerPasskey: OwnerKey;
    p256: OwnerKey;
    contract: OwnerKey;
  };
  /** 2-of-3 of alice, bob and carol (salt 0), funded. */
  multisig: KeySetWallet;
  /** 1-of-1: the passkey. */
  passkeyWallet: KeySetWallet;
  /** 1-of-1: the raw P-256 key. */
  p256Wallet: KeySetWallet;
  /** 1-of-1: the ERC-1271 contract key (which accepts dave's signatures). */
  contractWallet: KeySetWallet;
  /** 2-of-2: the passkey and alice. */
  mixedWallet: KeySetWallet;
  /** A wallet of one address, alice's (salt 0), funded. */
  soloWallet: Pick<KeySetWallet, "wallet" | "address">;
}

/** A local key from a seed, connected to the world's provider. */
function localKey(ethers: HardhatEthers, seed: string): Wallet {
  return new Wallet(keccakText(`IntentWallet key-set test: ${seed}`), ethers.provider);
}

/** Deploys the key-set wallet of (`keys`, `threshold`, `salt`) with the world's factory. */
export async function createKeySetWallet(
  world: Pick<WalletWorld, "ethers" | "factory">,
  keys: OwnerKey[],
  threshold: bigint,
  salt = 0n,
): Promise<KeySetWallet> {
  await world.factory.deployWalletWithKeys(keys, threshold, salt);
  const address = await world.factory.walletWithKeysAddress(keys, threshold, salt);
  const wallet = (await world.ethers.getContractAt(
    "IntentWallet",
    address,
  )) as unknown as IntentWallet;
  return { wallet, address, keys, threshold, salt };
}

/**
 * `deployWalletWorld` (whose one-address wallet is the first signer's), plus local keys, a
 * passkey, a raw P-256 key, an ERC-1271 contract key, and the key-set wallets built of them.
 */
export async function deployKeySetWorld(ethers: HardhatEthers): Promise<KeySetWorld> {
  const world = await deployWalletWorld(ethers);
  const [alice, bob, carol, dave, outsider] = ["alice", "bob", "carol", "dave", "outsider"].map(
    (seed) => localKey(ethers, seed),
  );
  for (const key of [alice, bob, carol, dave, outsider]) {
    await world.owner.sendTransaction({ to: key.address, value: 10n * 10n ** 18n });
  }
  const [p256Verifier, webAuthnVerifier] = await world.implementation.passkeyVerifiers();
  const verifiers: KeyVerifiers = { p256: p256Verifier, webAuthn: webAuthnVerifier };
  const passkey = new SoftwarePasskey();
  const strangerPasskey = new SoftwarePasskey();
  const p256Signer = new SoftwareP256Key(keccakText("IntentWallet key-set test: raw P-256 key"));
  const contractKey = (await ethers.deployContract("ERC1271Owner", [
    dave.address,
  ])) as unknown as ERC1271Owner;
  const keys = {
    alice: addressKey(alice.address),
    bob: addressKey(bob.address),
    carol: addressKey(carol.address),
    dave: addressKey(dave.address),
    outsider: addressKey(outsider.address),
    passkey: webAuthnKey({ verifiers, publicKey: passkey.publicKey }),
    strangerPasskey: webAuthnKey({ verifiers, publicKey: strangerPasskey.publicKey }),
    p256: p256Key({ verifiers, publicKey: p256Signer.publicKey }),
    contract: addressKey(await contractKey.getAddress()),
  };
  const multisig = await createKeySetWallet(world, [keys.alice, keys.bob, keys.carol], 2n);
  const passkeyWallet = await createKeySetWallet(world, [keys.passkey], 1n);
  const p256Wallet = await createKeySetWallet(world, [keys.p256], 1n);
  const contractWallet = await createKeySetWallet(world, [keys.contract], 1n);
  const mixedWallet = await createKeySetWallet(world, [keys.passkey, keys.alice], 2n);
  await world.factory.createWallet(alice.address, 0n);
  const soloAddress = await world.factory.walletAddress(alice.address, 0n);
  const soloWallet = {
    wallet: (await ethers.getContractAt("IntentWallet", soloAddress)) as unknown as IntentWallet,
    address: soloAddress,
  };
  const funded = [multisig, passkeyWallet, p256Wallet, contractWallet, mixedWallet, soloWallet];
  for (const { address } of funded) {
    await world.token.mint(address, FUNDED_TOKENS);
    await world.owner.sendTransaction({ to: address, value: FUNDED_ETH });
  }
  return {
    ...world,
    factoryAddress: await world.factory.getAddress(),
    targetAddress: await world.target.getAddress(),
    tokenAddress: await world.token.getAddress(),
    verifiers,
    alice,
    bob,
    carol,
    dave,
    outsider,
    passkey,
    strangerPasskey,
    p256Signer,
    contractKey,
    keys,
    multisig,
    passkeyWallet,
    p256Wallet,
    contractWallet,
    mixedWallet,
    soloWallet,
  };
}

/*//////////////////////////////////////////////////////////////
                              INTENTS
//////////////////////////////////////////////////////////////*/

/** A call of the target's `ping(x)`, without value. */
export function pingCall(world: Pick<KeySetWorld, "target" | "targetAddress">, x = 7n): Call {
  return {
    to: world.targetAddress,
    value: 0n,
    data: world.target.interface.encodeFunctionData("ping", [x]),
  };
}

/** A call of the token's `transfer(to, amount)`. */
export function transferCall(
  world: Pick<KeySetWorld, "token" | "tokenAddress">,
  to: string,
  amount: bigint,
): Call {
  return {
    to: world.tokenAddress,
    value: 0n,
    data: world.token.interface.encodeFunctionData("transfer", [to, amount]),
  };
}

/** A call of `wallet`'s own function `method` with `args`: what an intent runs to manage the wallet. */
export function walletCall(
  wallet: Pick<KeySetWallet, "wallet" | "address">,
  method: string,
  args: unknown[] = [],
): Call {
  return {
    to: wallet.address,
    value: 0n,
    data: (wallet.wallet.interface as Interface).encodeFunctionData(method, args),
  };
}

/**
 * An intent for `wallet` built with the SDK's defaults ("now" from the chain) and its ID at the
 * wallet's current intent epoch (for a wallet not deployed yet, epoch 0).
 */
export async function keyIntent(
  world: Pick<KeySetWorld, "ethers" | "chainId">,
  wallet: Pick<KeySetWallet, "wallet" | "address">,
  parameters: BuildIntentParameters,
): Promise<{ intent: Intent; id: string }> {
  const block = await world.ethers.provider.getBlock("latest");
  const intent = buildIntent({ now: BigInt(block!.timestamp), ...parameters });
  const deployed = (await world.ethers.provider.getCode(wallet.address)) !== "0x";
  const epoch = deployed ? await wallet.wallet.intentEpoch() : 0n;
  return {
    intent,
    id: getIntentId({ intent, wallet: wallet.address, chainId: world.chainId, epoch }),
  };
}

/*//////////////////////////////////////////////////////////////
                             SIGNATURES
//////////////////////////////////////////////////////////////*/

/** A secp256k1 entry: `signer`'s raw ECDSA signature of `digest` (the key is what it recovers). */
export function secp256k1Entry(signer: BaseWallet, digest: string): KeySignature {
  return { secp256k1: signer.signingKey.sign(digest).serialized };
}

/** A keyed entry for the 20-byte `key` with `signer`'s 65-byte ECDSA signature of `digest`. */
export function addressEntry(key: OwnerKey, signer: BaseWallet, digest: string): KeySignature {
  return { key, signature: signer.signingKey.sign(digest).serialized };
}

/** A keyed entry of a passkey: its WebAuthn assertion of `digest`, as the SDK encodes it. */
export function passkeyEntry(
  passkey: SoftwarePasskey,
  key: OwnerKey,
  digest: string,
  options: AssertionOptions = {},
): KeySignature {
  return { key, signature: encodeWebAuthnSignature(passkey.assert(digest, options)) };
}

/** A keyed entry of a raw P-256 key: `r ‖ s` of `digest`. */
export function p256Entry(signer: SoftwareP256Key, key: OwnerKey, digest: string): KeySignature {
  return { key, signature: signer.sign(digest) };
}

/**
 * A passkey's signature in the wallet's compact form, encoded by hand where the SDK's
 * `encodeWebAuthnSignature` would refuse or fix it: `r ‖ s ‖ authenticatorDataLength (2) ‖
 * authenticatorData ‖ the client data after its challenge`, whatever the client data's start (a
 * `webauthn.create` type passes here), and `s` left in the lower half or moved to the upper one
 * (`highS`).
 */
export function handEncodedWebAuthn(
  assertion: WebAuthnAssertion,
  { highS = false }: { highS?: boolean } = {},
): string {
  const clientData = getBytes(assertion.clientDataJSON as string);
  const authenticatorData = getBytes(assertion.authenticatorData as string);
  const { r, s } = parseDerSignature(assertion.signature);
  const low = s > P256_ORDER / 2n ? P256_ORDER - s : s;
  const challengeAt = toUtf8String(clientData).indexOf('"challenge":"');
  expect(challengeAt, "a challenge in the client data").to.be.at.least(0);
  return concat([
    toBeHex(r, 32),
    toBeHex(highS ? P256_ORDER - low : low, 32),
    toBeHex(authenticatorData.length, 2),
    authenticatorData,
    clientData.subarray(challengeAt + '"challenge":"'.length + 43),
  ]);
}

/*//////////////////////////////////////////////////////////////
                              RELAYING
//////////////////////////////////////////////////////////////*/

/** Relays `intent` on `wallet` from the relayer with the key-set signature of `entries`. */
export function relayWithKeys(
  world: Pick<KeySetWorld, "relayer">,
  wallet: Pick<KeySetWallet, "wallet">,
  intent: Intent,
  entries: KeySignature[],
) {
  return wallet.wallet.connect(world.relayer).relay(intent, toKeySetSignature(entries));
}

/** Relays `intent` with `signature` through `relayPacked`, from the relayer. */
export function relayPackedFrom(
  world: Pick<KeySetWorld, "relayer">,
  wallet: Pick<KeySetWallet, "address">,
  intent: Intent,
  signature: string,
) {
  return world.relayer.sendTransaction({
    to: wallet.address,
    data: encodeRelayPacked({ intent, signature }),
  });
}

/** What a refused relay must leave as it was: pings, the wallet's tokens and ETH. */
export interface WalletSnapshot {
  pings: bigint;
  tokens: bigint;
  eth: bigint;
  keys: string[];
  threshold: bigint;
}

/** The target's pings, `wallet`'s tokens, ETH, keys and threshold. */
export async function snapshotOf(
  world: Pick<KeySetWorld, "ethers" | "target" | "token">,
  wallet: Pick<KeySetWallet, "wallet" | "address">,
): Promise<WalletSnapshot> {
  const [keys, threshold] = await wallet.wallet.listKeys();
  return {
    pings: await world.target.pings(),
    tokens: await world.token.balanceOf(wallet.address),
    eth: await world.ethers.provider.getBalance(wallet.address),
    keys: [...keys],
    threshold,
  };
}

/** Expects intent `id` unrelayed (receipt None) and `wallet` as `before` was. */
export async function expectNothingChanged(
  world: Pick<KeySetWorld, "ethers" | "target" | "token">,
  wallet: Pick<KeySetWallet, "wallet" | "address">,
  id: string,
  before: WalletSnapshot,
): Promise<void> {
  expect(await wallet.wallet.intentStatus(id), "receipt status").to.equal(IntentStatus.None);
  expect(await snapshotOf(world, wallet)).to.deep.equal(before);
}

/** Whether `key` is in `wallet`'s key set, as `listKeys()` returns it (lower-case hex). */
export async function holdsKey(
  wallet: { listKeys(): Promise<[string[], bigint]> },
  key: string,
): Promise<boolean> {
  const [keys] = await wallet.listKeys();
  return keys.map((held) => held.toLowerCase()).includes(key.toLowerCase());
}

import { concat, dataLength, getAddress, getBytes, toBeArray, type BytesLike } from "ethers";

import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { InvalidParameterError } from "../errors/invalidParameterError.js";
import type { Intent } from "./types.js";

const UINT256_MAX = 2n ** 256n - 1n;

/** The selector of the wallet's `relayPacked()`, which the packed intent and signature follow. */
export const RELAY_PACKED_SELECTOR =
  IntentWallet__factory.createInterface().getFunction("relayPacked")!.selector;

/**
 * An unsigned integer as the packed form's varint: one length byte (0 to 32), then that many
 * big-endian bytes, the fewest that hold it (0 is the single byte `0x00`).
 *
 * @example
 * encodeVarint(300n); // "0x02012c"
 */
export function encodeVarint(value: bigint): string {
  if (value < 0n || value > UINT256_MAX) {
    throw new InvalidParameterError({
      parameter: "value",
      shortMessage: `a varint holds 0 to 2^256 - 1, got ${value}`,
    });
  }
  const bytes = value === 0n ? new Uint8Array() : toBeArray(value);
  return concat([new Uint8Array([bytes.length]), bytes]);
}

/**
 * The packed form of an intent (format v2), as the wallet's `relayPacked()` decodes it: salt,
 * validAfter, expiration, `2^256 - 1 - maxGasPrice`, minGasLimit as varints; the calls (count,
 * then each `to` in 20 bytes, its value, its data's length and its data); the dependencies
 * (count, then each wallet in 20 bytes and ID in 32). The defaults cost one byte each.
 *
 * @example
 * const packed = packIntent(buildIntent({ calls: [{ to: token, data: transferData }] }));
 */
export function packIntent(intent: Intent): string {
  return concat([
    encodeVarint(intent.salt),
    encodeVarint(intent.validAfter),
    encodeVarint(intent.expiration),
    encodeVarint(UINT256_MAX - intent.maxGasPrice),
    encodeVarint(intent.minGasLimit),
    encodeVarint(BigInt(intent.calls.length)),
    ...intent.calls.flatMap(({ to, value, data }) => [
      getAddress(to),
      encodeVarint(value),
      encodeVarint(BigInt(getBytes(data).length)),
      data,
    ]),
    encodeVarint(BigInt(intent.dependencies.length)),
    ...intent.dependencies.flatMap(({ wallet, id }) => [getAddress(wallet), bytes32(id)]),
  ]);
}

/** A dependency's ID: exactly 32 bytes, as the intent's EIP-712 type (`bytes32`) takes it. */
function bytes32(id: string): string {
  if (dataLength(id) !== 32) {
    throw new InvalidParameterError({
      parameter: "dependencies[].id",
      shortMessage: `a dependency ID is 32 bytes, got ${dataLength(id)} (${id})`,
    });
  }
  return id;
}

/**
 * The calldata of `relayPacked()` that relays `intent` with `signature`: the selector, the packed
 * intent, then the relay signature. Same intent, ID and checks as `relay(intent, signature)`, in
 * about a quarter of the calldata.
 *
 * @example
 * await relayer.sendTransaction({ to: wallet, data: encodeRelayPacked({ intent, signature }) });
 */
export function encodeRelayPacked({
  intent,
  signature,
}: {
  intent: Intent;
  signature: BytesLike;
}): string {
  return concat([RELAY_PACKED_SELECTOR, packIntent(intent), signature]);
}

import { getAddress, hexlify, ZeroAddress, ZeroHash } from "ethers";

import {
  NO_GAS_PRICE_LIMIT,
  type Call,
  type Dependency,
  type Intent,
} from "../../src/sdk/index.js";

/*
 * Seeded random intents for parity tests (the SDK against the contracts): the same seed gives the
 * same intents on every run, and the values lean towards the edges (0, 1, 2^256 - 1, word
 * boundaries of call data, the zero address, the wallet itself).
 */

const MAX_UINT256 = 2n ** 256n - 1n;

/** mulberry32: a tiny deterministic PRNG, good enough to spread test inputs. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.next32() % (max - min + 1));
  }

  chance(numerator: number, denominator: number): boolean {
    return this.int(1, denominator) <= numerator;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.next32() & 0xff;
    return out;
  }

  /** A uniform integer of `bits` bits. */
  uint(bits: number): bigint {
    const bytes = this.bytes(Math.ceil(bits / 8));
    const value = bytes.length === 0 ? 0n : BigInt(hexlify(bytes));
    return value & ((1n << BigInt(bits)) - 1n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

/** A uint256 that is often an edge value: 0, 1, 2^256-1, 2^256-2, 2^255, or a random width. */
export function randomUint256(rng: Prng): bigint {
  switch (rng.int(0, 9)) {
    case 0:
      return 0n;
    case 1:
      return 1n;
    case 2:
      return MAX_UINT256;
    case 3:
      return MAX_UINT256 - 1n;
    case 4:
      return 1n << 255n;
    case 5:
      return rng.uint(rng.int(1, 64));
    default:
      return rng.uint(256);
  }
}

/** An address that is often an edge value: the zero address, `walletAddress`, or all ones. */
export function randomAddress(rng: Prng, walletAddress: string): string {
  switch (rng.int(0, 9)) {
    case 0:
      return ZeroAddress;
    case 1:
      return walletAddress;
    case 2:
      return getAddress("0xffffffffffffffffffffffffffffffffffffffff");
    default:
      return getAddress(hexlify(rng.bytes(20)));
  }
}

/** A bytes32, zero one time in eight. */
export function randomBytes32(rng: Prng): string {
  return rng.chance(1, 8) ? ZeroHash : hexlify(rng.bytes(32));
}

/**
 * A random intent of 1 to 4 calls (data of 0 to 200 bytes, often around a word boundary) and 0 to
 * 3 dependencies; its addresses are sometimes `walletAddress`, its integers often edge values.
 */
export function randomIntent(rng: Prng, walletAddress: string): Intent {
  const calls: Call[] = Array.from({ length: rng.int(1, 4) }, () => {
    // Data lengths 0..200, often around a word boundary.
    const length = rng.chance(1, 3)
      ? rng.pick([0, 1, 4, 31, 32, 33, 36, 64, 68, 200])
      : rng.int(0, 200);
    return {
      to: randomAddress(rng, walletAddress),
      value: randomUint256(rng),
      data: hexlify(rng.bytes(length)),
    };
  });
  const dependencies: Dependency[] = Array.from({ length: rng.int(0, 3) }, () => ({
    wallet: randomAddress(rng, walletAddress),
    id: randomBytes32(rng),
  }));
  return {
    calls,
    dependencies,
    salt: randomUint256(rng),
    validAfter: rng.chance(1, 3)
      ? 0n
      : rng.chance(1, 2)
        ? BigInt(rng.int(0, 2 ** 31))
        : randomUint256(rng),
    expiration: rng.chance(1, 3) ? BigInt(rng.int(0, 2 ** 31)) : randomUint256(rng),
    maxGasPrice: rng.chance(1, 3) ? NO_GAS_PRICE_LIMIT : randomUint256(rng),
    minGasLimit: rng.chance(1, 3) ? BigInt(rng.int(0, 30_000_000)) : randomUint256(rng),
  };
}

/** `intent` as JSON (integers as decimal strings), for failure messages that let a case be replayed. */
export function formatIntent(intent: Intent): string {
  return JSON.stringify(intent, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

import { expect } from "chai";
import { getAddress, hexlify, TypedDataEncoder } from "ethers";

import { getIntentId, hashIntentStruct, intentDomain, mutableTypes } from "../../src/sdk/index.js";
import { formatIntent, Prng, randomIntent } from "../helpers/randomIntents.js";

/**
 * The protocol's hand-written EIP-712 encoder of intents against ethers' generic
 * `TypedDataEncoder`, over seeded random intents, wallets, chains and epochs: the same digest
 * every time. (test/IntentHashing/parity.test.ts checks the same IDs against the contract.)
 */

const SEED = 0x7e_5712;
const INTENTS = 500;

describe("the intent encoder", () => {
  it("gives ethers' TypedDataEncoder digest for 500 random intents, wallets, chains and epochs", () => {
    const rng = new Prng(SEED);
    for (let index = 0; index < INTENTS; index++) {
      const wallet = getAddress(hexlify(rng.bytes(20)));
      const intent = randomIntent(rng, wallet);
      const chainId = BigInt(rng.int(1, 100_000));
      const epoch = BigInt(rng.int(0, 4));
      const expected = TypedDataEncoder.hash(
        intentDomain({ wallet, chainId, epoch }),
        mutableTypes(),
        intent,
      );
      const context = `intent ${index} (seed ${SEED}): ${formatIntent(intent)}`;
      expect(getIntentId({ intent, wallet, chainId, epoch }), context).to.equal(expected);
      expect(hashIntentStruct(intent), context).to.equal(
        TypedDataEncoder.hashStruct("Intent", mutableTypes(), intent),
      );
    }
  });

  it("refuses a value that is no uint256 instead of hashing it", () => {
    const rng = new Prng(SEED);
    const wallet = getAddress(hexlify(rng.bytes(20)));
    const intent = { ...randomIntent(rng, wallet), salt: 2n ** 256n };
    expect(() => getIntentId({ intent, wallet, chainId: 1n })).to.throw(
      RangeError,
      "not a uint256",
    );
    const negative = { ...intent, salt: -1n };
    expect(() => getIntentId({ intent: negative, wallet, chainId: 1n })).to.throw(RangeError);
  });
});

import { expect } from "chai";
import { dataSlice, getAddress, id as keccakText, verifyTypedData } from "ethers";
import { network } from "hardhat";

import {
  getSessionId,
  mutableGrantTypes,
  sessionDomain,
  signSessionGrant,
  type Permission,
  type SessionGrant,
} from "../../src/sdk/index.js";
import type { SessionKeyModule } from "../../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();

/** How many random grants the property is checked on. */
const GRANTS = 150;

/** The seed of the pseudo-random grants: the same grants on every run. */
const SEED = "IntentWallet session ID parity";

/**
 * A small deterministic pseudo-random generator: the i-th draw is keccak256(seed ‖ ":" ‖ i),
 * so a failing grant can be rebuilt from the seed alone.
 */
class Prng {
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** 256 pseudo-random bits. */
  word(): bigint {
    this.counter += 1;
    return BigInt(keccakText(`${this.seed}:${this.counter}`));
  }

  /** A number in [0, bound). */
  below(bound: bigint): bigint {
    return this.word() % bound;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Number(this.below(BigInt(max - min + 1)));
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** An unsigned integer of `bits` bits, biased towards the edges (0, 1, the maximum). */
  uint(bits: number): bigint {
    const max = (1n << BigInt(bits)) - 1n;
    switch (this.int(0, 5)) {
      case 0:
        return 0n;
      case 1:
        return max;
      case 2:
        return this.below(256n);
      default:
        return this.word() & max;
    }
  }

  /** A checksummed address. */
  address(): string {
    return getAddress(dataSlice(`0x${this.word().toString(16).padStart(64, "0")}`, 12));
  }

  /** A string of 0 to `maxLength` code points: ASCII, accents, CJK, emoji, ZWJ, NUL, quotes. */
  text(maxLength: number): string {
    const pieces = [
      "a",
      "Z",
      "0",
      " ",
      ".",
      "(",
      ")",
      ",",
      '"',
      "\\",
      "\n",
      "\u0000",
      "é",
      "ß",
      "Ω",
      "日本",
      "한",
      "\u200d",
      "🚀",
      "👩‍💻",
      "\u{10ffff}",
    ];
    let text = "";
    for (let length = this.int(0, maxLength); length > 0; length--) text += this.pick(pieces);
    return text;
  }
}

const TYPES = ["uint256", "address", "bytes32", "bool", "uint8", "bytes", "string", "int24"];

/** A readable function signature such as `"fn3(uint256,address)"`, or sometimes any text at all. */
function randomFunctionSignature(prng: Prng): string {
  if (prng.int(0, 4) === 0) return prng.text(12);
  const parameters = Array.from({ length: prng.int(0, 4) }, () => prng.pick(TYPES));
  return `fn${prng.int(0, 999)}(${parameters.join(",")})`;
}

function randomGrant(prng: Prng): SessionGrant {
  const permissions: Permission[] = Array.from({ length: prng.int(1, 5) }, () => ({
    target: prng.address(),
    functionSignature: randomFunctionSignature(prng),
  }));
  return {
    wallet: prng.address(),
    app: prng.pick(["", "trade.example.com", prng.text(24)]),
    sessionKey: prng.address(),
    permissions,
    validAfter: prng.uint(48),
    validUntil: prng.uint(48),
    epoch: prng.uint(32),
    salt: prng.uint(256),
  };
}

describe("SessionKeyModule session ID parity", function () {
  async function fixture() {
    const [owner] = await ethers.getSigners();
    const module = (await ethers.deployContract("SessionKeyModule")) as unknown as SessionKeyModule;
    const { chainId } = await ethers.provider.getNetwork();
    return { owner, module, moduleAddress: await module.getAddress(), chainId };
  }

  it(`computes the same session ID in the SDK and the module for ${GRANTS} seeded random grants, and the owner's signature recovers to the owner`, async function () {
    const { owner, module, moduleAddress, chainId } = await networkHelpers.loadFixture(fixture);
    const prng = new Prng(SEED);
    const grants = Array.from({ length: GRANTS }, () => randomGrant(prng));
    const domain = { module: moduleAddress, chainId };

    const [onChainIds, signedGrants] = await Promise.all([
      Promise.all(grants.map((grant) => module.sessionId(grant))),
      Promise.all(grants.map((grant) => signSessionGrant({ signer: owner, grant, ...domain }))),
    ]);

    grants.forEach((grant, i) => {
      const sdkId = getSessionId({ grant, ...domain });
      const context = `grant ${i}: ${JSON.stringify(grant, (_key, value) =>
        typeof value === "bigint" ? value.toString() : value,
      )}`;
      expect(sdkId, context).to.equal(onChainIds[i]);
      expect(signedGrants[i].id, context).to.equal(sdkId);
      const signer = verifyTypedData(
        sessionDomain(domain),
        mutableGrantTypes(),
        grant,
        signedGrants[i].ownerSignature,
      );
      expect(signer, context).to.equal(owner.address);
    });
  });

  it("covers the edge cases the property is meant to reach: empty and unicode apps, uint48 and uint256 extremes", function () {
    const prng = new Prng(SEED);
    const grants = Array.from({ length: GRANTS }, () => randomGrant(prng));

    expect(grants.some((grant) => grant.app === "")).to.equal(true);
    expect(grants.some((grant) => /[^\x00-\x7f]/.test(grant.app))).to.equal(true);
    expect(
      grants.some((grant) =>
        grant.permissions.some((permission) => /[^\x00-\x7f]/.test(permission.functionSignature)),
      ),
    ).to.equal(true);
    expect(grants.some((grant) => grant.permissions.length === 5)).to.equal(true);
    expect(grants.some((grant) => grant.validUntil === 2n ** 48n - 1n)).to.equal(true);
    expect(grants.some((grant) => grant.epoch === 2n ** 32n - 1n)).to.equal(true);
    expect(grants.some((grant) => grant.salt === 2n ** 256n - 1n)).to.equal(true);
  });
});

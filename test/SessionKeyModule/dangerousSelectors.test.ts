import { readFileSync } from "node:fs";

import { expect } from "chai";
import { FunctionFragment, ZeroHash, concat, dataSlice, id, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  DANGEROUS_FUNCTIONS,
  InvalidParameterError,
  assertNoHiddenDangerousFunction,
  buildSessionGrant,
  hiddenDangerousFunction,
  type Permission,
} from "../../src/sdk/index.js";
import type { DangerousSelectorsHarness } from "../../typechain-types/index.js";
import { MISSING_COLLISIONS, SELECTOR_COLLISIONS } from "../helpers/selectorCollisions.js";

const { ethers, networkHelpers } = await network.create();

/** An address to grant on: any token. */
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** The 4-byte selector of `functionSignature`. */
function selectorOf(functionSignature: string): string {
  return dataSlice(id(functionSignature), 0, 4);
}

/** The error `run` throws; fails the test if it returns. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  expect.fail("expected a throw");
}

/** `buildSessionGrant` of one permission `functionSignature` on the token. */
function grantOf(functionSignature: string) {
  const permissions: Permission[] = [{ target: TOKEN, functionSignature }];
  return buildSessionGrant({
    wallet: "0x8464135c8F25Da09e49BC8782676a84730C318bC",
    app: "trade.example.com",
    sessionKey: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    permissions,
    validUntil: 1_800_000_000n,
  });
}

describe("the selector collision test vectors", function () {
  for (const vector of SELECTOR_COLLISIONS) {
    it(`${vector.signature} is canonical and has the selector ${vector.selector} of ${vector.hides}`, function () {
      expect(keccak256(toUtf8Bytes(vector.signature)).slice(0, 10)).to.equal(vector.selector);
      expect(FunctionFragment.from(vector.signature).format("sighash")).to.equal(vector.signature);
      expect(vector.signature).to.not.equal(vector.hides);
      expect(selectorOf(vector.hides)).to.equal(vector.selector);
    });
  }

  it("covers every dangerous function, but those listed as missing a vector", function () {
    const covered = new Set(SELECTOR_COLLISIONS.map(({ hides }) => hides));
    const uncovered = DANGEROUS_FUNCTIONS.map(({ signature }) => signature).filter(
      (signature) => !covered.has(signature),
    );
    expect(uncovered).to.have.members([...MISSING_COLLISIONS]);
  });
});

describe("the dangerous-function list: the same set in TypeScript and Solidity", function () {
  async function harnessFixture() {
    const harness = await ethers.deployContract("DangerousSelectorsHarness");
    return harness as unknown as DangerousSelectorsHarness;
  }

  /** The canonical signatures the Solidity list hashes: every `keccak256("…")` of the library. */
  function solidityListed(): string[] {
    const source = readFileSync(
      new URL("../../contracts/libraries/DangerousSelectors.sol", import.meta.url),
      "utf8",
    );
    return [...source.matchAll(/keccak256\("([^"]*)"\)/g)].map((match) => match[1]);
  }

  it("lists the same canonical signatures in DANGEROUS_FUNCTIONS and in DangerousSelectors' source", function () {
    const inSolidity = solidityListed();
    const inTypeScript = DANGEROUS_FUNCTIONS.map(({ signature }) => signature);

    expect(inSolidity).to.have.length(inTypeScript.length);
    expect(inSolidity).to.have.members(inTypeScript);
    expect(new Set(inSolidity).size).to.equal(inSolidity.length);
  });

  it("gives each entry its own selector, derived from its canonical signature", function () {
    const selectors = DANGEROUS_FUNCTIONS.map(({ selector }) => selector);
    expect(new Set(selectors).size).to.equal(selectors.length);
    for (const { signature, selector } of DANGEROUS_FUNCTIONS) {
      expect(selectorOf(signature), signature).to.equal(selector);
      expect(FunctionFragment.from(signature).format("sighash")).to.equal(signature);
    }
  });

  it("answers, in the compiled library, each entry's canonical hash for its selector", async function () {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    for (const { signature, selector } of DANGEROUS_FUNCTIONS) {
      expect(await harness.canonicalSignatureHashOf(selector), signature).to.equal(id(signature));
    }
    for (const signature of ["placeOrder(uint256,uint256)", "balanceOf(address)", "deposit()"]) {
      expect(await harness.canonicalSignatureHashOf(selectorOf(signature))).to.equal(ZeroHash);
    }
  });

  it("flags, on chain, every other hash with a listed selector, and never the canonical signature", async function () {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    for (const { signature, selector } of DANGEROUS_FUNCTIONS) {
      const sameSelector = concat([selector, dataSlice(id(`other ${signature}`), 4)]);
      expect(await harness.hidesDangerousFunction(id(signature)), signature).to.equal(false);
      expect(await harness.hidesDangerousFunction(sameSelector), signature).to.equal(true);
    }
  });

  it("flags, on chain, every collision vector, and no ordinary signature", async function () {
    const harness = await networkHelpers.loadFixture(harnessFixture);
    for (const { signature } of SELECTOR_COLLISIONS) {
      expect(await harness.hidesDangerousFunction(id(signature)), signature).to.equal(true);
    }
    for (const signature of ["placeOrder(uint256,uint256)", "balanceOf(address)", "deposit()"]) {
      expect(await harness.hidesDangerousFunction(id(signature)), signature).to.equal(false);
    }
  });

  it("lists every dangerous function, with its selector, in docs/sessions.md", function () {
    const docs = readFileSync(new URL("../../docs/sessions.md", import.meta.url), "utf8");
    for (const { signature, selector } of DANGEROUS_FUNCTIONS) {
      const row = docs.split("\n").find((line) => line.startsWith(`| \`${selector}\` `));
      expect(row, signature).to.not.equal(undefined);
      expect(row, signature).to.include(`\`${signature}\``);
    }
  });
});

describe("the SDK refuses a grant that hides a dangerous function", function () {
  for (const vector of SELECTOR_COLLISIONS) {
    it(`refuses ${vector.signature}, naming it, its selector ${vector.selector} and ${vector.hides}`, function () {
      const error = thrownBy(() => grantOf(vector.signature));

      expect(error).to.be.instanceOf(InvalidParameterError);
      const { parameter, shortMessage } = error as InvalidParameterError;
      expect(parameter).to.equal("functionSignature");
      expect(shortMessage).to.include(`"${vector.signature}"`);
      expect(shortMessage).to.include(vector.selector);
      expect(shortMessage).to.include(vector.hides);
      expect(hiddenDangerousFunction(vector.signature)?.signature).to.equal(vector.hides);
      expect(() => assertNoHiddenDangerousFunction(vector.signature)).to.throw(
        InvalidParameterError,
      );
    });
  }

  it("accepts every dangerous function under its canonical signature", function () {
    for (const { signature } of DANGEROUS_FUNCTIONS) {
      expect(grantOf(signature).permissions[0].functionSignature).to.equal(signature);
      expect(hiddenDangerousFunction(signature)).to.equal(undefined);
      assertNoHiddenDangerousFunction(signature);
    }
  });

  it("accepts an ordinary function, whose selector is on no list", function () {
    expect(hiddenDangerousFunction("placeOrder(uint256,uint256)")).to.equal(undefined);
    expect(grantOf("placeOrder(uint256,uint256)").permissions).to.have.length(1);
  });

  it("checks canonical spelling first: a non-canonical spelling is refused as such", function () {
    const error = thrownBy(() => grantOf("transfer(address to, uint256 amount)"));
    expect(error).to.be.instanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).shortMessage).to.include("not canonical");
  });
});

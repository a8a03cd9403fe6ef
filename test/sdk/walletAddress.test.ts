import { expect } from "chai";
import {
  dataLength,
  dataSlice,
  getAddress,
  id as keccakText,
  keccak256,
  ZeroAddress,
} from "ethers";
import { network } from "hardhat";

import {
  computeWalletAddress,
  InvalidParameterError,
  getCloneInitCode,
  getCloneRuntimeCode,
  isWalletCode,
  WalletClient,
} from "../../src/sdk/index.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** How many random (owner, salt) pairs the property is checked on. */
const PAIRS = 200;

/** The seed of the pseudo-random pairs: the same pairs on every run. */
const SEED = "IntentWallet counterfactual address";

const MAX_UINT256 = 2n ** 256n - 1n;

/** The i-th draw is keccak256(seed ‖ ":" ‖ i), so a failing pair can be rebuilt from the seed alone. */
class Prng {
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** 256 pseudo-random bits. */
  word(): bigint {
    this.counter += 1;
    return BigInt(keccakText(`${this.seed}:${this.counter}`));
  }

  /** A salt biased towards the edges: 0, 1, 2^256 - 1, small, or any 256-bit word. */
  salt(): bigint {
    switch (Number(this.word() % 5n)) {
      case 0:
        return 0n;
      case 1:
        return MAX_UINT256;
      case 2:
        return this.word() % 256n;
      default:
        return this.word();
    }
  }

  /** A checksummed address, now and then the zero or the all-ones address. */
  owner(): string {
    switch (Number(this.word() % 10n)) {
      case 0:
        return ZeroAddress;
      case 1:
        return getAddress("0x" + "ff".repeat(20));
      default:
        return getAddress(dataSlice(`0x${this.word().toString(16).padStart(64, "0")}`, 12));
    }
  }
}

describe("computeWalletAddress", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    return {
      ...world,
      factoryAddress: await world.factory.getAddress(),
      implementationAddress: await world.implementation.getAddress(),
    };
  }

  it(`equals the factory's walletAddress(owner, salt) for ${PAIRS} seeded random pairs, salts 0 and 2^256-1 included`, async function () {
    const { factory, factoryAddress, implementationAddress } =
      await networkHelpers.loadFixture(fixture);
    const prng = new Prng(SEED);
    const pairs = Array.from({ length: PAIRS }, () => ({ owner: prng.owner(), salt: prng.salt() }));
    const salts = new Set(pairs.map((pair) => pair.salt));
    expect(salts.has(0n) && salts.has(MAX_UINT256), "the edge salts are drawn").to.equal(true);

    for (const [index, { owner, salt }] of pairs.entries()) {
      const local = computeWalletAddress({
        factory: factoryAddress,
        implementation: implementationAddress,
        owner,
        salt,
      });
      expect(local, `pair ${index} (seed "${SEED}"): owner ${owner}, salt ${salt}`).to.equal(
        await factory.walletAddress(owner, salt),
      );
    }
  });

  it("equals the address the factory actually deploys the wallet at, for salts 0, 1, 2^256-1 and 6 seeded random pairs", async function () {
    const { factory, factoryAddress, implementationAddress, stranger } =
      await networkHelpers.loadFixture(fixture);
    const prng = new Prng(`${SEED} deployed`);
    const pairs = [
      ...[0n, 1n, MAX_UINT256].map((salt) => ({ owner: stranger.address, salt })),
      ...Array.from({ length: 6 }, () => ({ owner: prng.owner(), salt: prng.salt() })).filter(
        (pair) => pair.owner !== ZeroAddress, // the wallet refuses the zero owner
      ),
    ];

    for (const { owner, salt } of pairs) {
      const predicted = computeWalletAddress({
        factory: factoryAddress,
        implementation: implementationAddress,
        owner,
        salt,
      });
      expect(await ethers.provider.getCode(predicted)).to.equal("0x");

      await expect(factory.createWallet(owner, salt))
        .to.emit(factory, "WalletCreated")
        .withArgs(predicted, owner, salt);
      const wallet = await ethers.getContractAt("IntentWallet", predicted);
      expect(await wallet.owner()).to.equal(owner);
    }
  });

  it("equals the address of the wallet the fixture deployed for the owner with salt 0", async function () {
    const { walletAddress, owner, factoryAddress, implementationAddress } =
      await networkHelpers.loadFixture(fixture);
    expect(
      computeWalletAddress({
        factory: factoryAddress,
        implementation: implementationAddress,
        owner: owner.address,
        salt: 0n,
      }),
    ).to.equal(walletAddress);
  });

  it("gives different addresses for another salt, another owner, another factory or another implementation", async function () {
    const { owner, stranger, factoryAddress, implementationAddress } =
      await networkHelpers.loadFixture(fixture);
    const base = {
      factory: factoryAddress,
      implementation: implementationAddress,
      owner: owner.address,
      salt: 0n,
    };
    const addresses = new Set([
      computeWalletAddress(base),
      computeWalletAddress({ ...base, salt: 1n }),
      computeWalletAddress({ ...base, owner: stranger.address }),
      computeWalletAddress({ ...base, factory: implementationAddress }),
      computeWalletAddress({ ...base, implementation: factoryAddress }),
    ]);
    expect(addresses.size).to.equal(5);
  });

  it("is the CREATE2 of the 75-byte creation code whose last 65 bytes (proxy, owner) the wallet runs", async function () {
    const { walletAddress, implementationAddress, owner } =
      await networkHelpers.loadFixture(fixture);
    const initCode = getCloneInitCode({
      implementation: implementationAddress,
      owner: owner.address,
    });

    expect(dataLength(initCode)).to.equal(75);
    // The 10-byte constructor returns the 65 bytes after it: exactly the code the wallet holds.
    const code = await ethers.provider.getCode(walletAddress);
    expect(code).to.equal(dataSlice(initCode, 10));
    expect(code).to.equal(
      getCloneRuntimeCode({ implementation: implementationAddress, owner: owner.address }),
    );
    expect(isWalletCode({ code, implementation: implementationAddress })).to.equal(true);
  });

  it("recognises wallet code of any owner, and nothing else, with isWalletCode", async function () {
    const { walletAddress, implementationAddress, factoryAddress, stranger } =
      await networkHelpers.loadFixture(fixture);
    const implementation = implementationAddress;
    const strangers = getCloneRuntimeCode({ implementation, owner: stranger.address });
    expect(isWalletCode({ code: strangers, implementation })).to.equal(true);
    const code = await ethers.provider.getCode(walletAddress);
    expect(isWalletCode({ code, implementation: factoryAddress })).to.equal(false);
    expect(isWalletCode({ code: dataSlice(code, 0, 45), implementation })).to.equal(false);
    expect(isWalletCode({ code: `${code}00`, implementation })).to.equal(false);
    expect(isWalletCode({ code: "0x", implementation })).to.equal(false);
  });

  it("refuses a salt outside uint256", async function () {
    const { owner, factoryAddress, implementationAddress } =
      await networkHelpers.loadFixture(fixture);
    const base = {
      factory: factoryAddress,
      implementation: implementationAddress,
      owner: owner.address,
    };
    expect(() => computeWalletAddress({ ...base, salt: -1n })).to.throw(
      InvalidParameterError,
      /uint256/,
    );
    expect(() => computeWalletAddress({ ...base, salt: 2n ** 256n })).to.throw(
      InvalidParameterError,
      /uint256/,
    );
  });

  it("gives a counterfactual WalletClient the same address, before deployment", async function () {
    const { stranger, factoryAddress, implementationAddress } =
      await networkHelpers.loadFixture(fixture);
    const parameters = {
      factory: factoryAddress,
      implementation: implementationAddress,
      owner: stranger.address,
      salt: 42n,
    };
    const client = WalletClient.counterfactual({ ...parameters, runner: ethers.provider });
    expect(client.address).to.equal(computeWalletAddress(parameters));
    expect(await client.isDeployed()).to.equal(false);
  });
});

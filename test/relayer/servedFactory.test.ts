import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress, type Provider } from "ethers";
import { network } from "hardhat";

import {
  resolveServedWallets,
  type ResolveServedWalletsParameters,
} from "../../src/relayer/creation/servedFactory.js";
import { RelayerStartupError } from "../../src/relayer/startup.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/*
 * Which factory and implementation the relayer serves, as it resolves them at start-up from
 * RELAYER_FACTORY, RELAYER_IMPLEMENTATION and the deployment record, refusing a setting that
 * names no WalletFactory, or a factory of another implementation, with an error that says so.
 */
describe("resolveServedWallets: the factory and implementation the relayer serves", function () {
  const folders: string[] = [];

  after(async function () {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const implementation = await world.implementation.getAddress();
    const factory = await world.factory.getAddress();
    const otherImplementation = await (await ethers.deployContract("IntentWallet")).getAddress();
    const otherFactory = await (
      await ethers.deployContract("WalletFactory", [otherImplementation])
    ).getAddress();
    return { implementation, factory, otherFactory, target: await world.target.getAddress() };
  }
  type World = Awaited<ReturnType<typeof fixture>>;

  /** A deployment folder holding a record of `implementation` and `factory` for chain 31337. */
  async function recordOf(implementation: string, factory: string): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), "served-factory-"));
    folders.push(directory);
    const record = { chainId: "31337", implementation, factory, batcher: factory };
    await writeFile(join(directory, "31337.json"), JSON.stringify(record));
    return directory;
  }

  async function resolve(parameters: Partial<ResolveServedWalletsParameters>) {
    return resolveServedWallets({
      provider: ethers.provider as unknown as Provider,
      chainId: 31337n,
      rpcUrl: undefined,
      factory: undefined,
      implementation: undefined,
      hasAllowedWallets: false,
      directory: await recordOf(
        getAddress("0x" + "00".repeat(20)),
        getAddress("0x" + "00".repeat(20)),
      ),
      ...parameters,
    });
  }

  async function refusal(parameters: Partial<ResolveServedWalletsParameters>): Promise<string> {
    const error = await resolve(parameters).then(
      () => expect.fail("it resolved"),
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(RelayerStartupError);
    return (error as Error).message;
  }

  it("serves RELAYER_FACTORY with the implementation it answers", async function () {
    const world: World = await networkHelpers.loadFixture(fixture);

    const served = await resolve({ factory: world.factory });

    expect(served).to.deep.equal({ factory: world.factory, implementation: world.implementation });
  });

  it("refuses a RELAYER_FACTORY with no code, naming it and the chain", async function () {
    const nothing = getAddress("0x" + "00".repeat(19) + "aa");

    expect(await refusal({ factory: nothing })).to.match(
      new RegExp(`^RELAYER_FACTORY=${nothing} has no code on chain 31337: deploy the contracts`),
    );
  });

  it("refuses a RELAYER_FACTORY that is no WalletFactory", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    expect(await refusal({ factory: world.target })).to.include(
      `RELAYER_FACTORY=${world.target} is no WalletFactory on chain 31337: it does not answer implementation()`,
    );
  });

  it("refuses a RELAYER_IMPLEMENTATION that is not RELAYER_FACTORY's", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    expect(
      await refusal({ factory: world.otherFactory, implementation: world.implementation }),
    ).to.include(
      `RELAYER_IMPLEMENTATION=${world.implementation} is not the implementation of RELAYER_FACTORY=${world.otherFactory}`,
    );
  });

  it("serves clones of RELAYER_IMPLEMENTATION alone, with no factory, even with a record", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const directory = await recordOf(world.implementation, world.factory);

    const served = await resolve({ implementation: world.implementation, directory });

    expect(served).to.deep.equal({ implementation: world.implementation, factory: undefined });
  });

  it("serves the factory recorded with the implementation when nothing is configured", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const directory = await recordOf(world.implementation, world.factory);

    const served = await resolve({ directory });

    expect(served).to.deep.equal({ implementation: world.implementation, factory: world.factory });
  });

  it("refuses a record whose factory makes clones of another implementation", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const directory = await recordOf(world.implementation, world.otherFactory);

    expect(await refusal({ directory })).to.match(
      /^the factory recorded in .*31337\.json \(0x[0-9a-fA-F]{40}\) makes clones of 0x[0-9a-fA-F]{40}, not of the recorded implementation/,
    );
  });
});

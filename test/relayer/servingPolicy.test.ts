import { expect } from "chai";
import { id as keccakText, Wallet, type Provider } from "ethers";
import { network } from "hardhat";

import { SpendingPolicy, type SpendingPolicyParameters } from "../../src/relayer/policy.js";
import { computeWalletAddress } from "../../src/sdk/index.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/*
 * The serving policy with a factory: a deployed wallet is served when the factory created it
 * (its WalletCreated log, looked up once), or when it is on the allow-list; a clone of the same
 * implementation made by another factory is not; a wallet with no code is told to send `create`.
 */
describe("SpendingPolicy.checkServed: the served factory's wallets", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const implementation = await world.implementation.getAddress();
    const factory = await world.factory.getAddress();
    const other = await ethers.deployContract("WalletFactory", [implementation]);
    const owner = new Wallet(keccakText("serving policy owner")).address;
    await other.createWallet(owner, 0n);
    const foreignClone = await other.walletAddress(owner, 0n);
    const undeployed = computeWalletAddress({ factory, implementation, owner, salt: 9n });
    return { ...world, implementation, factoryAddress: factory, foreignClone, undeployed };
  }
  type World = Awaited<ReturnType<typeof fixture>>;

  function policyOf(world: World, parameters: Partial<SpendingPolicyParameters> = {}) {
    return new SpendingPolicy({
      implementation: world.implementation,
      factory: world.factoryAddress,
      allowedWallets: [],
      ratePerMinute: 600,
      gasBudgetWei: 10n ** 18n,
      budgetPeriodMs: 3_600_000,
      ...parameters,
    });
  }

  /** The node, counting its `eth_getLogs` reads. */
  function countingLogs(): Provider & { logReads: number } {
    const provider = ethers.provider as unknown as Provider;
    const counting = {
      logReads: 0,
      getCode: (address: string) => provider.getCode(address),
      getLogs: (filter: Parameters<Provider["getLogs"]>[0]) => {
        counting.logReads++;
        return provider.getLogs(filter);
      },
    };
    return counting as unknown as Provider & { logReads: number };
  }

  it("serves a wallet the factory created, looking its WalletCreated log up once", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const provider = countingLogs();
    const policy = policyOf(world);

    expect(await policy.checkServed(world.walletAddress, provider)).to.equal(undefined);
    expect(await policy.checkServed(world.walletAddress, provider)).to.equal(undefined);
    expect(provider.logReads).to.equal(1);
  });

  it("refuses a clone of the same implementation that another factory made", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    const refusal = await policyOf(world).checkServed(world.foreignClone, ethers.provider);

    expect(refusal).to.deep.equal({
      code: "wallet_not_served",
      message: `this relayer does not serve wallet ${world.foreignClone}`,
      details: { wallet: world.foreignClone },
    });
  });

  it("serves any clone of the implementation when it has no factory (RELAYER_IMPLEMENTATION alone)", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    const policy = policyOf(world, { factory: undefined });

    expect(await policy.checkServed(world.foreignClone, ethers.provider)).to.equal(undefined);
    expect(policy.servedFactory).to.equal(undefined);
  });

  it("serves an allow-listed wallet whoever made it", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    const policy = policyOf(world, { allowedWallets: [world.foreignClone.toLowerCase()] });

    expect(await policy.checkServed(world.foreignClone, ethers.provider)).to.equal(undefined);
  });

  it("refuses a wallet with no code, telling how to send create to the served factory", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    const refusal = await policyOf(world).checkServed(world.undeployed, ethers.provider);

    expect(refusal?.code).to.equal("wallet_not_served");
    expect(refusal?.message).to.equal(
      `this relayer does not serve wallet ${world.undeployed}: it has no code (not deployed yet); submit the intent with \`create\` ({ factory: ${world.factoryAddress}, owner, salt }, or { factory: ${world.factoryAddress}, keys, threshold, salt } for a key set) and this relayer deploys it with its first intent; for an EOA, submit its first intent with its \`authorization\` of ${world.implementation} (EIP-7702) and this relayer delegates it with that intent`,
    );
  });

  it("refuses a wallet with no code without a factory, saying it creates none", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    const refusal = await policyOf(world, { factory: undefined }).checkServed(
      world.undeployed,
      ethers.provider,
    );

    expect(refusal?.message).to.match(
      /it has no code \(not deployed yet\); this relayer creates no wallets: deploy it first; for an EOA, submit its first intent with its `authorization` of 0x[0-9a-fA-F]{40} \(EIP-7702\)/,
    );
  });

  it("names its factory and implementation as the one to create wallets with", async function () {
    const world = await networkHelpers.loadFixture(fixture);

    expect(policyOf(world).servedFactory).to.deep.equal({
      factory: world.factoryAddress,
      implementation: world.implementation,
    });
  });
});

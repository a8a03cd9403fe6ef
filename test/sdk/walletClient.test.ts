import { expect } from "chai";
import { network } from "hardhat";

import {
  buildIntent,
  cancelCall,
  changeOwnerCall,
  encodeRelayPacked,
  installModuleCall,
  invalidateAllIntentsCall,
  signIntent,
  uninstallModuleCall,
  WalletClient,
  type Call,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { targetCall } from "../helpers/intents.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** The message `promise` is rejected with (or "resolved" if it is not). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "resolved",
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

describe("WalletClient", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const signers = await ethers.getSigners();
    const newOwner = signers[3];
    const validator = await ethers.deployContract("MockValidator");
    const factoryAddress = await world.factory.getAddress();
    const implementationAddress = await world.implementation.getAddress();
    /** The fixture's wallet as the owner sees it: owner actions are sent by the owner. */
    const ownerClient = WalletClient.counterfactual({
      factory: factoryAddress,
      implementation: implementationAddress,
      owner: world.owner.address,
      salt: 0n,
      runner: world.owner,
    });
    return {
      ...world,
      newOwner,
      validatorAddress: await validator.getAddress(),
      factoryAddress,
      implementationAddress,
      ownerClient,
      relayerClient: ownerClient.connect(world.relayer),
    };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** Builds `calls` into an intent ("now" from the chain) and signs it as the owner with the SDK. */
  async function signCalls(
    world: World,
    calls: Call[],
    options: { expiration?: bigint; epoch?: bigint; wallet?: string } = {},
  ): Promise<SignedIntent> {
    const now = BigInt(await networkHelpers.time.latest());
    const intent = buildIntent({ calls, now, expiration: options.expiration });
    return signIntent({
      signer: world.owner,
      intent,
      wallet: options.wallet ?? world.walletAddress,
      chainId: world.chainId,
      epoch: options.epoch,
    });
  }

  async function signPing(world: World, options: { expiration?: bigint } = {}) {
    return signCalls(world, [await targetCall(world, "ping", [7n])], options);
  }

  describe("counterfactual wallets and deploy", function () {
    async function strangerWallet(world: World, salt = 5n) {
      return WalletClient.counterfactual({
        factory: world.factoryAddress,
        implementation: world.implementationAddress,
        owner: world.stranger.address,
        salt,
        runner: world.relayer,
      });
    }

    it("answers for a wallet not deployed yet: no code, its future owner, epoch 0, no modules, pending intents", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const client = await strangerWallet(world);

      expect(await client.isDeployed()).to.equal(false);
      expect(await client.owner()).to.equal(world.stranger.address);
      expect(await client.epoch()).to.equal(0n);
      expect(await client.isModuleInstalled(world.validatorAddress)).to.equal(false);
      expect((await client.receipt(ethers.ZeroHash)).status).to.equal("none");
      expect(await client.intentState({ id: ethers.ZeroHash })).to.deep.equal({
        status: "pending",
      });
    });

    it("deploys through the factory once, then reports alreadyDeployed without sending a transaction", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const client = await strangerWallet(world);

      const first = await client.deploy();
      expect(first.alreadyDeployed).to.equal(false);
      expect(first.address).to.equal(client.address);
      const created = first.receipt!.logs.map((log) => world.factory.interface.parseLog(log));
      expect(created.map((event) => event?.name)).to.include("WalletCreated");
      expect(await client.isDeployed()).to.equal(true);
      expect(await client.owner()).to.equal(world.stranger.address);

      const blockAfterDeploy = await ethers.provider.getBlockNumber();
      const nonceAfterDeploy = await ethers.provider.getTransactionCount(world.relayer.address);
      const second = await client.deploy();
      expect(second).to.deep.equal({
        address: client.address,
        alreadyDeployed: true,
        receipt: null,
      });
      // A fresh client (no cached knowledge) also finds the code and sends nothing.
      const fresh = await strangerWallet(world);
      expect((await fresh.deploy()).alreadyDeployed).to.equal(true);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockAfterDeploy);
      expect(await ethers.provider.getTransactionCount(world.relayer.address)).to.equal(
        nonceAfterDeploy,
      );
    });

    it("opened with at on an address without code: reports intents pending, refuses to read the owner, epoch or modules", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const empty = WalletClient.at((await strangerWallet(world)).address, world.relayer);

      expect(await empty.intentState({ id: ethers.ZeroHash })).to.deep.equal({ status: "pending" });
      expect(await rejection(empty.owner())).to.match(/no wallet is deployed at 0x/);
      expect(await rejection(empty.epoch())).to.match(/no wallet is deployed at 0x/);
      expect(await rejection(empty.isModuleInstalled(world.validatorAddress))).to.match(
        /no wallet is deployed at 0x/,
      );
    });

    it("reports alreadyDeployed for a deployed wallet opened with at, and refuses to deploy an empty address it has no deployment for", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const deployed = WalletClient.at(world.walletAddress, world.relayer);
      expect((await deployed.deploy()).alreadyDeployed).to.equal(true);

      const empty = WalletClient.at((await strangerWallet(world)).address, world.relayer);
      expect(await rejection(empty.deploy())).to.match(/WalletClient\.counterfactual/);
    });

    it("deploys the wallet and relays its first intent in one transaction (createWalletAndRelay)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const client = WalletClient.counterfactual({
        factory: world.factoryAddress,
        implementation: world.implementationAddress,
        owner: world.owner.address,
        salt: 9n,
        runner: world.relayer,
      });
      const signed = await signCalls(world, [await targetCall(world, "ping", [1n])], {
        wallet: client.address,
      });

      const result = await client.relay(signed);

      expect(result.deployed).to.equal(true);
      expect(result.success).to.equal(true);
      expect(await client.isDeployed()).to.equal(true);
      expect(await world.target.lastCaller()).to.equal(client.address);
      expect(await client.intentState(signed)).to.deep.equal({
        status: "relayed",
        relayer: await world.factory.getAddress(), // the factory called relay
        blockNumber: BigInt(result.receipt.blockNumber),
      });
    });
  });

  describe("relay and intentState", function () {
    it("relays an SDK-signed intent from any relayer, as relayPacked calldata: pending, then relayed by that relayer in that block", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signed = await signPing(world);
      // Any account may relay, through a client opened on the address alone.
      const relayer = WalletClient.at(world.walletAddress, world.stranger);

      expect(await relayer.intentState(signed)).to.deep.equal({ status: "pending" });
      const result = await relayer.relay(signed);

      expect(result).to.include({ id: signed.id, success: true, failure: null, deployed: false });
      expect(await world.target.pings()).to.equal(1n);
      const transaction = await ethers.provider.getTransaction(result.receipt.hash);
      expect(transaction!.data).to.equal(encodeRelayPacked(signed));
      const relayed = {
        status: "relayed",
        relayer: world.stranger.address,
        blockNumber: BigInt(result.receipt.blockNumber),
      };
      expect(await relayer.intentState(signed)).to.deep.equal(relayed);
      // With the ID alone, the answer is the same.
      expect(await world.ownerClient.intentState({ id: signed.id })).to.deep.equal(relayed);
      expect(await world.ownerClient.receipt(signed.id)).to.deep.equal(relayed);
    });

    it("reports scheduled before the intent's validAfter, and pending from that second", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const now = BigInt(await networkHelpers.time.latest());
      const validAfter = now + 100n;
      const intent = buildIntent({
        calls: [await targetCall(world, "ping", [7n])],
        now,
        validAfter,
      });
      const signed = await signIntent({
        signer: world.owner,
        intent,
        wallet: world.walletAddress,
        chainId: world.chainId,
      });

      expect(await world.relayerClient.intentState(signed)).to.deep.equal({
        status: "scheduled",
        validAfter,
      });
      await networkHelpers.time.increaseTo(validAfter);
      expect(await world.relayerClient.intentState(signed)).to.deep.equal({ status: "pending" });
    });

    it("reports failed, with the failing call's index and revert data, when the intent's call reverts (CallTarget.fail)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signed = await signCalls(world, [
        await targetCall(world, "ping", [1n]),
        await targetCall(world, "fail", [42n]),
      ]);

      const result = await world.relayerClient.relay(signed);

      expect(result.success).to.equal(false);
      expect(result.failure).to.deep.include({
        callIndex: 1n,
        revertData: world.target.interface.encodeErrorResult("TargetFailed", [42n]),
      });
      expect(await world.target.pings()).to.equal(0n); // the batch was undone
      expect(await world.relayerClient.intentState(signed)).to.deep.equal({
        status: "failed",
        relayer: world.relayer.address,
        blockNumber: BigInt(result.receipt.blockNumber),
      });
    });

    it("reports canceled after the owner cancels directly, and the intent can no longer be relayed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signed = await signPing(world);

      const receipt = await world.ownerClient.cancel([signed.id]);

      expect(await world.relayerClient.intentState(signed)).to.deep.equal({
        status: "canceled",
        relayer: world.owner.address,
        blockNumber: BigInt(receipt.blockNumber),
      });
      expect(await rejection(world.relayerClient.relay(signed))).to.include(
        `IntentIsCanceled(id=${signed.id})`,
      );
    });

    it("reports canceled after a cancel intent (cancelCall) the owner signs and the relayer relays", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const order = await signPing(world);
      const cancelOrder = await signCalls(world, [
        cancelCall({ wallet: world.walletAddress, ids: [order.id] }),
      ]);
      const ownerBalance = await ethers.provider.getBalance(world.owner.address);

      const result = await world.relayerClient.relay(cancelOrder);

      expect(result.success).to.equal(true);
      expect(await world.relayerClient.intentState(order)).to.deep.equal({
        status: "canceled",
        relayer: world.walletAddress, // the wallet canceled it, running the owner's intent
        blockNumber: BigInt(result.receipt.blockNumber),
      });
      expect(await ethers.provider.getBalance(world.owner.address)).to.equal(ownerBalance);
    });

    it("reports expired once the latest block reaches the expiration; with the ID alone it stays pending", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const now = BigInt(await networkHelpers.time.latest());
      const signed = await signPing(world, { expiration: now + 100n });

      await networkHelpers.time.increaseTo(now + 99n);
      expect(await world.relayerClient.intentState(signed)).to.deep.equal({ status: "pending" });

      await networkHelpers.time.increaseTo(now + 100n);
      expect(await world.relayerClient.intentState(signed)).to.deep.equal({
        status: "expired",
        expiration: now + 100n,
      });
      expect(
        await world.relayerClient.intentState({ id: signed.id, expiration: now + 100n }),
      ).to.deep.equal({ status: "expired", expiration: now + 100n });
      expect(await world.relayerClient.intentState({ id: signed.id })).to.deep.equal({
        status: "pending",
      });
      expect(await rejection(world.relayerClient.relay(signed))).to.include(
        `IntentExpired(id=${signed.id}, expiration=${now + 100n})`,
      );
    });

    it("reports a relayed intent as relayed even after its expiration", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const now = BigInt(await networkHelpers.time.latest());
      const signed = await signPing(world, { expiration: now + 100n });
      await world.relayerClient.relay(signed);

      await networkHelpers.time.increaseTo(now + 1000n);
      expect((await world.relayerClient.intentState(signed)).status).to.equal("relayed");
    });

    it("refuses, before sending anything, an intent signed for another wallet", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const elsewhere = await signCalls(world, [await targetCall(world, "ping", [1n])], {
        wallet: world.factoryAddress,
      });
      expect(await rejection(world.relayerClient.relay(elsewhere))).to.match(/not 0x/);
      expect(await rejection(world.relayerClient.intentState(elsewhere))).to.match(/not 0x/);
    });
  });

  describe("owner actions sent directly by the owner", function () {
    it("changes the owner", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      await world.ownerClient.changeOwner(world.newOwner.address);
      expect(await world.ownerClient.owner()).to.equal(world.newOwner.address);
    });

    it("installs and uninstalls a module", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      await world.ownerClient.installModule(world.validatorAddress);
      expect(await world.ownerClient.isModuleInstalled(world.validatorAddress)).to.equal(true);

      await world.ownerClient.uninstallModule(world.validatorAddress);
      expect(await world.ownerClient.isModuleInstalled(world.validatorAddress)).to.equal(false);
    });

    it("invalidates all intents: the epoch moves, an intent signed before fails as IntentInvalidSignature, one signed for the new epoch relays", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const before = await signPing(world);

      await world.ownerClient.invalidateAllIntents();

      const epoch = await world.ownerClient.epoch();
      expect(epoch).to.equal(1n);
      expect(await rejection(world.relayerClient.relay(before))).to.match(
        /IntentInvalidSignature\(id=0x[0-9a-f]{64}\)/,
      );
      const after = await signCalls(world, [await targetCall(world, "ping", [2n])], { epoch });
      expect((await world.relayerClient.relay(after)).success).to.equal(true);
    });

    it("executes calls from the wallet, the owner paying the gas and the value", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const ping = await targetCall(world, "ping", [3n]);

      await world.ownerClient.execute([{ ...ping, value: 5n }], { value: 5n });

      expect(await world.target.lastCaller()).to.equal(world.walletAddress);
      expect(await ethers.provider.getBalance(await world.target.getAddress())).to.equal(5n);
    });
  });

  describe("owner actions as intents relayed by anyone", function () {
    it("changes the owner by a changeOwnerCall intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signed = await signCalls(world, [
        changeOwnerCall({ wallet: world.walletAddress, newOwner: world.newOwner.address }),
      ]);

      expect((await world.relayerClient.relay(signed)).success).to.equal(true);
      expect(await world.relayerClient.owner()).to.equal(world.newOwner.address);
    });

    it("installs and uninstalls a module by installModuleCall and uninstallModuleCall intents", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const wallet = world.walletAddress;
      const module = world.validatorAddress;

      const install = await signCalls(world, [installModuleCall({ wallet, module })]);
      expect((await world.relayerClient.relay(install)).success).to.equal(true);
      expect(await world.relayerClient.isModuleInstalled(module)).to.equal(true);

      const uninstall = await signCalls(world, [uninstallModuleCall({ wallet, module })]);
      expect((await world.relayerClient.relay(uninstall)).success).to.equal(true);
      expect(await world.relayerClient.isModuleInstalled(module)).to.equal(false);
    });

    it("invalidates all intents by an invalidateAllIntentsCall intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const pending = await signPing(world);
      const invalidate = await signCalls(world, [
        invalidateAllIntentsCall({ wallet: world.walletAddress }),
      ]);

      expect((await world.relayerClient.relay(invalidate)).success).to.equal(true);
      expect(await world.relayerClient.epoch()).to.equal(1n);
      expect(await rejection(world.relayerClient.relay(pending))).to.match(
        /IntentInvalidSignature/,
      );
    });

    it("reports a failed owner intent with the wallet's own error as revert data (installing a module twice)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      await world.ownerClient.installModule(world.validatorAddress);
      const again = await signCalls(world, [
        installModuleCall({ wallet: world.walletAddress, module: world.validatorAddress }),
      ]);

      const result = await world.relayerClient.relay(again);

      expect(result.success).to.equal(false);
      expect(result.failure?.revertData).to.equal(
        world.wallet.interface.encodeErrorResult("WalletModuleAlreadyInstalled", [
          world.validatorAddress,
        ]),
      );
    });
  });

  describe("reverts surface with the wallet's custom error", function () {
    it("names WalletUnauthorized and the stranger when a stranger tries to change the owner", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const asStranger = world.ownerClient.connect(world.stranger);

      expect(await rejection(asStranger.changeOwner(world.stranger.address))).to.include(
        `WalletUnauthorized(caller=${world.stranger.address})`,
      );
      expect(await world.ownerClient.owner()).to.equal(world.owner.address);
    });

    it("names IntentAlreadyRelayed and the ID when an intent is relayed twice", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signed = await signPing(world);
      await world.relayerClient.relay(signed);

      expect(await rejection(world.relayerClient.relay(signed))).to.include(
        `IntentAlreadyRelayed(id=${signed.id})`,
      );
    });

    it("names WalletModuleAlreadyInstalled and the module when the owner installs it twice", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      await world.ownerClient.installModule(world.validatorAddress);

      expect(await rejection(world.ownerClient.installModule(world.validatorAddress))).to.include(
        `WalletModuleAlreadyInstalled(module=${world.validatorAddress})`,
      );
    });

    it("names WalletCallReverted with the index and the call's revert data when a direct execute fails", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const revertData = world.target.interface.encodeErrorResult("TargetFailed", [9n]);

      expect(
        await rejection(
          world.ownerClient.execute([
            await targetCall(world, "ping", [1n]),
            await targetCall(world, "fail", [9n]),
          ]),
        ),
      ).to.include(`WalletCallReverted(index=1, reason=${revertData})`);
    });

    it("keeps the original ethers error as the cause", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const error = await world.ownerClient
        .connect(world.stranger)
        .cancel([ethers.ZeroHash])
        .then(
          () => null,
          (thrown: unknown) => thrown,
        );

      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.include("WalletUnauthorized");
      expect((error as Error).cause).to.be.instanceOf(Error);
    });
  });
});

import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { Wallet, id as keccakId } from "ethers";
import hre from "hardhat";

import { loadRelayerConfig } from "../../src/relayer/config.js";
import { createLogger } from "../../src/relayer/logger.js";
import { startRelayer } from "../../src/relayer/startRelayer.js";
import {
  buildIntent,
  encodeRelayPacked,
  parseSignedIntent,
  RELAY_PACKED_SELECTOR,
  SessionSigner,
  WalletClient,
  type IntentState,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { serializeDeployment } from "../../deploy/writeDeployment.js";
import { requireDeployment, resolveFactory } from "../../tasks/helpers/contracts.js";
import { parseSignedGrant } from "../../src/sdk/index.js";
import { runTask, taskFailure } from "../helpers/taskRunner.js";
import type { IntentCancelResult } from "../../tasks/intent/cancel.js";
import type { IntentRelayResult } from "../../tasks/intent/relay.js";
import type { SessionGrantResult } from "../../tasks/session/grant.js";
import type { SessionListResult } from "../../tasks/session/list.js";
import type { SessionRevokeResult } from "../../tasks/session/revoke.js";
import type { SessionRevokeAllResult } from "../../tasks/session/revokeAll.js";
import type { WalletAddressResult } from "../../tasks/wallet/address.js";
import type { WalletCreateResult } from "../../tasks/wallet/create.js";

// The tasks use the HRE's shared connection (`getOrCreate`): this test deploys on the same chain.
const { ethers, networkHelpers } = await hre.network.getOrCreate();

const PLACE_ORDER = "placeOrder(uint256,uint256)";
const CANCEL_ORDER = "cancelOrder(uint256)";

describe("Hardhat tasks", function () {
  async function deployContracts() {
    const [owner, relayer, stranger] = await ethers.getSigners();
    const implementation = await ethers.deployContract("IntentWallet");
    const factory = await ethers.deployContract("WalletFactory", [
      await implementation.getAddress(),
    ]);
    const module = await ethers.deployContract("SessionKeyModule");
    const target = await ethers.deployContract("CallTarget");
    const exchange = await ethers.deployContract("MockExchange");
    const contracts = {
      factory: await factory.getAddress(),
      implementation: await implementation.getAddress(),
    };
    const moduleAddress = await module.getAddress();
    const directory = await mkdtemp(join(tmpdir(), "intent-wallet-tasks-"));
    return {
      owner,
      relayer,
      stranger,
      factory,
      contracts,
      moduleAddress,
      target,
      targetAddress: await target.getAddress(),
      exchangeAddress: await exchange.getAddress(),
      directory,
      /** The path of a new file in the test's temporary folder. */
      file: (name: string) => join(directory, name),
    };
  }

  type World = Awaited<ReturnType<typeof deployContracts>>;

  /** The contracts, plus the first account's wallet (salt 0) created by `wallet create`. */
  async function withWallet() {
    const world = await networkHelpers.loadFixture(deployContracts);
    const created = await runTask<WalletCreateResult>(["wallet", "create"], world.contracts);
    return { ...world, wallet: created.value.address };
  }

  /** `intent sign` of a `ping(x)` call on the target, written to `out`. */
  async function signPing(world: World & { wallet: string }, x: bigint, out: string, salt = x) {
    const data = world.target.interface.encodeFunctionData("ping", [x]);
    return runTask<SignedIntent>(["intent", "sign"], {
      wallet: world.wallet,
      to: world.targetAddress,
      data,
      salt: salt.toString(),
      out,
    });
  }

  /** `session grant` of place/cancel order on the exchange for an hour, written to `out`. */
  async function grantSession(
    world: World & { wallet: string },
    out: string,
    { salt = 0n, register = true } = {},
  ) {
    const sessionKey = new Wallet(keccakId(`tasks test session key ${salt}`));
    const granted = await runTask<SessionGrantResult>(["session", "grant"], {
      wallet: world.wallet,
      app: "trade.example.com",
      key: sessionKey.address,
      permission: `${world.exchangeAddress}:${PLACE_ORDER}, ${world.exchangeAddress}:${CANCEL_ORDER}`,
      validFor: "3600",
      salt,
      module: world.moduleAddress,
      register,
      out,
    });
    return { ...granted, sessionKey };
  }

  describe("wallet address", function () {
    it("prints the factory's counterfactual address of (owner, salt) and sends nothing", async function () {
      const { stranger, factory, contracts } = await networkHelpers.loadFixture(deployContracts);
      const blockBefore = await ethers.provider.getBlockNumber();

      const { value, stdout } = await runTask<WalletAddressResult>(["wallet", "address"], {
        owner: stranger.address,
        salt: 7n,
        factory: contracts.factory, // the implementation is read from the factory
      });

      const expected = await factory.walletAddress(stranger.address, 7n);
      expect(value).to.deep.equal({
        address: expected,
        owner: stranger.address,
        salt: 7n,
        deployed: false,
      });
      expect(stdout)
        .to.include(expected)
        .and.to.match(/deployed\s+no/);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });

    it("defaults the owner to the --signer account", async function () {
      const { relayer, factory, contracts } = await networkHelpers.loadFixture(deployContracts);

      const { value } = await runTask<WalletAddressResult>(["wallet", "address"], {
        ...contracts,
        signer: 1,
      });

      expect(value.owner).to.equal(relayer.address);
      expect(value.address).to.equal(await factory.walletAddress(relayer.address, 0n));
    });
  });

  describe("wallet create", function () {
    it("deploys the wallet once; a second run sends nothing and says so", async function () {
      const { owner, factory, contracts } = await networkHelpers.loadFixture(deployContracts);
      const expected = await factory.walletAddress(owner.address, 0n);

      const first = await runTask<WalletCreateResult>(["wallet", "create"], contracts);
      expect(first.value.address).to.equal(expected);
      expect(first.value.alreadyDeployed).to.equal(false);
      expect(first.value.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(await ethers.provider.getCode(expected)).to.not.equal("0x");

      const blockBefore = await ethers.provider.getBlockNumber();
      const second = await runTask<WalletCreateResult>(["wallet", "create"], contracts);
      expect(second.value).to.deep.equal({
        address: expected,
        alreadyDeployed: true,
        transactionHash: null,
      });
      expect(second.stdout).to.include("already deployed: nothing sent");
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });
  });

  describe("intent sign, relay and receipt", function () {
    it("signs a ping, relays it as relayPacked from the --signer account, and the receipt shows it relayed", async function () {
      const world = await withWallet();
      const signedFile = world.file("ping.json");

      const signed = await signPing(world, 42n, signedFile);
      const fromFile = parseSignedIntent(await readFile(signedFile, "utf8"));
      expect(fromFile.id).to.equal(signed.value.id);
      expect(fromFile.wallet).to.equal(world.wallet);

      const relayed = await runTask<IntentRelayResult>(["intent", "relay"], {
        file: signedFile,
        signer: 1,
      });
      expect(relayed.value).to.include({ via: "direct", id: signed.value.id, success: true });
      expect(relayed.stdout).to.include("relayed: the calls succeeded");
      if (relayed.value.via !== "direct") expect.fail("relayed through a relayer");
      const transaction = await ethers.provider.getTransaction(relayed.value.transactionHash);
      expect(transaction!.data.startsWith(RELAY_PACKED_SELECTOR)).to.equal(true);
      expect(transaction!.data).to.equal(encodeRelayPacked(fromFile));
      expect(await world.target.pings()).to.equal(1n);
      expect(await world.target.lastCaller()).to.equal(world.wallet);

      const byFile = await runTask<IntentState>(["intent", "receipt"], { file: signedFile });
      expect(byFile.value).to.include({ status: "relayed", relayer: world.relayer.address });
      const byId = await runTask<IntentState>(["intent", "receipt"], {
        wallet: world.wallet,
        id: signed.value.id,
      });
      expect(byId.value).to.deep.equal(byFile.value);
      expect(byId.stdout).to.include(`relayed by ${world.relayer.address}`);
    });

    it("prints the signed intent as JSON on stdout when no --out is given", async function () {
      const world = await withWallet();

      const { value, stdout, stderr } = await runTask<SignedIntent>(["intent", "sign"], {
        wallet: world.wallet,
        to: world.targetAddress,
        value: "5",
      });

      expect(parseSignedIntent(stdout)).to.deep.equal(value);
      expect(value.intent.calls).to.deep.equal([
        { to: world.targetAddress, value: 5n, data: "0x" },
      ]);
      expect(stderr).to.include(`signed intent ${value.id}`);
    });

    it("builds the intent from --intent-file, the options overriding its fields", async function () {
      const world = await withWallet();
      const intentFile = world.file("intent.json");
      await writeFile(
        intentFile,
        JSON.stringify({
          wallet: world.wallet,
          calls: [{ to: world.targetAddress, value: "0", data: "0x" }],
          salt: "5",
          validAfter: "3000000000",
          expiration: "4000000000",
        }),
      );

      const { value } = await runTask<SignedIntent>(["intent", "sign"], {
        intentFile,
        salt: "6",
        out: world.file("from-file.json"),
      });

      expect(value.wallet).to.equal(world.wallet);
      expect(value.intent).to.deep.include({
        salt: 6n,
        validAfter: 3_000_000_000n,
        expiration: 4_000_000_000n,
      });
    });

    it("signs with --valid-after; relaying it is refused (IntentNotYetValid) until the chain reaches it, then succeeds", async function () {
      const world = await withWallet();
      const validAfter = BigInt(await networkHelpers.time.latest()) + 600n;
      const signedFile = world.file("scheduled.json");

      const signed = await runTask<SignedIntent>(["intent", "sign"], {
        wallet: world.wallet,
        to: world.targetAddress,
        data: world.target.interface.encodeFunctionData("ping", [11n]),
        validAfter: validAfter.toString(),
        out: signedFile,
      });
      expect(signed.value.intent.validAfter).to.equal(validAfter);
      expect(signed.stderr).to.include(`valid from ${validAfter}`);

      expect(await taskFailure(["intent", "relay"], { file: signedFile })).to.include(
        `IntentNotYetValid(id=${signed.value.id}, validAfter=${validAfter})`,
      );
      await networkHelpers.time.increaseTo(validAfter);
      const relayed = await runTask<IntentRelayResult>(["intent", "relay"], { file: signedFile });
      expect(relayed.value).to.include({ via: "direct", success: true });
      expect(await world.target.pings()).to.equal(1n);
    });

    /** The chain's time named by the refusal of `--expiration expiration`; fails on any other message. */
    function chainTimeIn(message: string, expiration: bigint): bigint {
      const refusal = new RegExp(
        `^--expiration ${expiration} is not after the chain's time (\\d+): the intent could never be relayed$`,
      );
      const match = refusal.exec(message);
      expect(match, message).to.not.equal(null);
      return BigInt(match![1]);
    }

    it("refuses to sign an expiration the chain's clock has passed while its latest block is older (an idle node), naming both times", async function () {
      const world = await withWallet();
      const latest = BigInt(await networkHelpers.time.latest());
      // An idle node: its clock runs on, and mines the next block at its time, not the latest's.
      await ethers.provider.send("evm_increaseTime", [3_600]);
      const expiration = latest + 60n;

      const message = await taskFailure(["intent", "sign"], {
        wallet: world.wallet,
        to: world.targetAddress,
        expiration: expiration.toString(),
      });

      expect(chainTimeIn(message, expiration)).to.be.greaterThanOrEqual(latest + 3_600n);
    });

    it("refuses to sign an intent that could never be relayed: an expiration in the past, a validAfter not before the expiration", async function () {
      const world = await withWallet();
      const now = BigInt(await networkHelpers.time.latest());
      const ping = { wallet: world.wallet, to: world.targetAddress };
      const intentFile = world.file("never.json");
      await writeFile(
        intentFile,
        JSON.stringify({
          wallet: world.wallet,
          calls: [{ to: world.targetAddress }],
          validAfter: (now + 900n).toString(),
          expiration: (now + 900n).toString(),
        }),
      );

      const past = await taskFailure(["intent", "sign"], {
        ...ping,
        expiration: (now - 1n).toString(),
      });
      expect(chainTimeIn(past, now - 1n)).to.be.greaterThanOrEqual(now);
      expect(
        await taskFailure(["intent", "sign"], {
          ...ping,
          validAfter: (now + 600n).toString(),
          expiration: (now + 600n).toString(),
        }),
      ).to.equal(
        `--valid-after ${now + 600n} is not before the expiration ${now + 600n}: the intent could never be relayed`,
      );
      expect(await taskFailure(["intent", "sign"], { intentFile })).to.include(
        `--valid-after ${now + 900n} is not before the expiration ${now + 900n}`,
      );
    });

    it("deploys a counterfactual wallet in the relay transaction when given its --owner", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const { value: counterfactual } = await runTask<WalletAddressResult>(["wallet", "address"], {
        ...world.contracts,
        salt: 3n,
      });
      const signedFile = world.file("first.json");
      await signPing({ ...world, wallet: counterfactual.address }, 1n, signedFile);

      const refused = await taskFailure(["intent", "relay"], { file: signedFile, signer: 1 });
      expect(refused).to.include("is not deployed: pass --owner");

      const relayed = await runTask<IntentRelayResult>(["intent", "relay"], {
        ...world.contracts,
        file: signedFile,
        signer: 1,
        owner: world.owner.address,
        walletSalt: 3n,
      });
      expect(relayed.value).to.include({ via: "direct", success: true, deployed: true });
      expect(await ethers.provider.getCode(counterfactual.address)).to.not.equal("0x");
    });

    it("takes the calls from --calls-file and a dependency from --depends-on", async function () {
      const world = await withWallet();
      const firstFile = world.file("first.json");
      const first = await signPing(world, 1n, firstFile);
      const callsFile = world.file("calls.json");
      const ping = (x: bigint) => world.target.interface.encodeFunctionData("ping", [x]);
      await writeFile(
        callsFile,
        JSON.stringify([
          { to: world.targetAddress, data: ping(2n) },
          { to: world.targetAddress, value: "0", data: ping(3n) },
        ]),
      );
      const secondFile = world.file("second.json");
      const second = await runTask<SignedIntent>(["intent", "sign"], {
        wallet: world.wallet,
        callsFile,
        dependsOn: first.value.id,
        salt: "2",
        out: secondFile,
      });
      expect(second.value.intent.calls).to.have.length(2);
      expect(second.value.intent.dependencies).to.deep.equal([
        { wallet: world.wallet, id: first.value.id },
      ]);

      const early = await taskFailure(["intent", "relay"], { file: secondFile });
      expect(early).to.include("IntentDependencyNotMet");

      await runTask(["intent", "relay"], { file: firstFile });
      const relayed = await runTask<IntentRelayResult>(["intent", "relay"], { file: secondFile });
      expect(relayed.value).to.include({ success: true });
      expect(await world.target.pings()).to.equal(3n);
    });

    it("submits to a relayer with --relayer-url and follows it to relayed with --wait", async function () {
      const world = await withWallet();
      const signedFile = world.file("via-relayer.json");
      const signed = await signPing(world, 9n, signedFile);
      const relayer = await startRelayer(
        loadRelayerConfig({
          RELAYER_IMPLEMENTATION: world.contracts.implementation,
          RELAYER_PORT: "0",
          RELAYER_DB_PATH: ":memory:",
          RELAYER_POLL_MS: "20",
        }),
        { provider: ethers.provider, logger: createLogger({ level: "silent" }) },
      );
      try {
        const { value, stdout } = await runTask<IntentRelayResult>(["intent", "relay"], {
          file: signedFile,
          relayerUrl: relayer.url,
          wait: true,
        });
        expect(value).to.include({ via: "relayer", id: signed.value.id, status: "relayed" });
        expect(stdout).to.match(/final\s+relayed/);
      } finally {
        await relayer.stop();
      }
      const state = await runTask<IntentState>(["intent", "receipt"], { file: signedFile });
      expect(state.value).to.include({ status: "relayed", relayer: relayer.relayerAddress });
    });
  });

  describe("intent cancel", function () {
    it("cancels an unrelayed intent: the receipt shows it canceled and a relay is refused", async function () {
      const world = await withWallet();
      const signedFile = world.file("to-cancel.json");
      const signed = await signPing(world, 5n, signedFile);

      const canceled = await runTask<IntentCancelResult>(["intent", "cancel"], {
        wallet: world.wallet,
        ids: signed.value.id,
      });
      expect(canceled.value).to.include({ wallet: world.wallet });
      expect(canceled.value.ids).to.deep.equal([signed.value.id]);

      const state = await runTask<IntentState>(["intent", "receipt"], { file: signedFile });
      expect(state.value).to.include({ status: "canceled", relayer: world.owner.address });
      expect(await taskFailure(["intent", "relay"], { file: signedFile })).to.include(
        "IntentIsCanceled",
      );
    });

    it("refuses to cancel from an account that is not the owner", async function () {
      const world = await withWallet();
      const signed = await signPing(world, 6n, world.file("not-owner.json"));

      const message = await taskFailure(["intent", "cancel"], {
        wallet: world.wallet,
        ids: signed.value.id,
        signer: 2,
      });
      expect(message).to.include("WalletUnauthorized");
    });
  });

  describe("session grant, list, revoke and revoke-all", function () {
    it("grant --register installs the module and registers the grant; list shows it active", async function () {
      const world = await withWallet();
      const grantFile = world.file("grant.json");

      const { value, sessionKey } = await grantSession(world, grantFile);
      expect(value.registrationHash).to.match(/^0x[0-9a-f]{64}$/);
      const signedGrant = parseSignedGrant(JSON.parse(await readFile(grantFile, "utf8")));
      expect(signedGrant).to.deep.equal(value.signedGrant);
      expect(signedGrant.grant.permissions).to.deep.equal([
        { target: world.exchangeAddress, functionSignature: PLACE_ORDER },
        { target: world.exchangeAddress, functionSignature: CANCEL_ORDER },
      ]);
      const wallet = WalletClient.at(world.wallet, world.relayer);
      expect(await wallet.isModuleInstalled(world.moduleAddress)).to.equal(true);

      const listed = await runTask<SessionListResult>(["session", "list"], {
        wallet: world.wallet,
        module: world.moduleAddress,
      });
      expect(listed.value.sessions).to.have.length(1);
      expect(listed.value.sessions[0]).to.deep.include({ id: signedGrant.id, status: "active" });
      expect(listed.value.sessions[0].grant).to.deep.equal(signedGrant.grant);
      expect(listed.stdout)
        .to.include(`session ${signedGrant.id}`)
        .and.to.include("trade.example.com");

      // The session key can trade with the registered grant alone.
      const session = new SessionSigner({ sessionKey, signedGrant, registered: true });
      const exchange = await ethers.getContractAt("MockExchange", world.exchangeAddress);
      const placeOrder = exchange.interface.encodeFunctionData("placeOrder", [100n, 2n]);
      const order = await session.signIntent(
        buildIntent({ calls: [{ to: world.exchangeAddress, data: placeOrder }] }),
      );
      expect((await wallet.relay(order)).success).to.equal(true);
    });

    it("revoke revokes one grant; list shows it revoked", async function () {
      const world = await withWallet();
      const grantFile = world.file("grant.json");
      const { value } = await grantSession(world, grantFile);

      const revoked = await runTask<SessionRevokeResult>(["session", "revoke"], {
        file: grantFile,
      });
      expect(revoked.value).to.include({ id: value.signedGrant.id, status: "revoked" });

      const listed = await runTask<SessionListResult>(["session", "list"], {
        wallet: world.wallet,
        module: world.moduleAddress,
      });
      expect(listed.value.sessions.map(({ id, status }) => ({ id, status }))).to.deep.equal([
        { id: value.signedGrant.id, status: "revoked" },
      ]);
    });

    it("revoke works on a grant never registered; list shows it revoked", async function () {
      const world = await withWallet();
      const grantFile = world.file("unregistered.json");
      const { value } = await grantSession(world, grantFile, { register: false });
      expect(value.registrationHash).to.equal(null);

      await runTask<SessionRevokeResult>(["session", "revoke"], { file: grantFile });

      const listed = await runTask<SessionListResult>(["session", "list"], {
        wallet: world.wallet,
        module: world.moduleAddress,
      });
      expect(listed.value.sessions).to.deep.equal([
        {
          id: value.signedGrant.id,
          grant: null,
          status: "revoked",
          blockNumber: await ethers.provider.getBlockNumber(),
        },
      ]);
    });

    it("revoke-all revokes every session and moves the session epoch", async function () {
      const world = await withWallet();
      const first = await grantSession(world, world.file("first.json"), { salt: 0n });
      const second = await grantSession(world, world.file("second.json"), { salt: 1n });

      const revoked = await runTask<SessionRevokeAllResult>(["session", "revoke-all"], {
        wallet: world.wallet,
        module: world.moduleAddress,
      });
      expect(revoked.value).to.include({ wallet: world.wallet, epoch: 1n });

      const listed = await runTask<SessionListResult>(["session", "list"], {
        wallet: world.wallet,
        module: world.moduleAddress,
      });
      expect(listed.value.epoch).to.equal(1n);
      expect(listed.value.sessions.map(({ id, status }) => ({ id, status }))).to.deep.equal([
        { id: first.value.signedGrant.id, status: "revoked" },
        { id: second.value.signedGrant.id, status: "revoked" },
      ]);
    });
  });

  describe("addresses and options", function () {
    it("says how to fix a missing deployment record on a node: the command that deploys to that network", async function () {
      const { directory } = await networkHelpers.loadFixture(deployContracts);
      const localhost = { chainId: 31337n, networkName: "localhost", simulated: false };

      const message = await requireDeployment(localhost, "--factory", { directory }).then(
        () => "resolved",
        (error: Error) => error.message,
      );
      expect(message).to.equal(
        "no deployment recorded for chain 31337: deploy to localhost with `npx hardhat run deploy/deploy.ts --network localhost`, or pass --factory",
      );
    });

    it("says, on the in-process network, to deploy to a node and pass --network localhost: nothing deployed in-process outlives the command", async function () {
      const { directory } = await networkHelpers.loadFixture(deployContracts);
      const inProcess = { chainId: 31337n, networkName: "default", simulated: true };

      const message = await requireDeployment(inProcess, "--module", { directory }).then(
        () => "resolved",
        (error: Error) => error.message,
      );
      expect(message).to.equal(
        "no deployment recorded for chain 31337: default is Hardhat's in-process network, empty on every command: start a node (`npx hardhat node`), deploy to it (`npx hardhat run deploy/deploy.ts --network localhost`) and pass `--network localhost`, or pass --module",
      );
    });

    it("says how to fix a recorded factory with no code (a restarted node): deploy to that network again, not `npm run deploy`", async function () {
      const directory = await mkdtemp(join(tmpdir(), "intent-wallet-tasks-stale-"));
      const factory = Wallet.createRandom().address;
      await writeFile(
        join(directory, "31337.json"),
        serializeDeployment({
          chainId: 31337n,
          create2Deployer: factory,
          salt: keccakId("stale"),
          implementation: factory,
          factory,
          sessionModule: factory,
          batcher: factory,
        }),
      );
      const localhost = { ethers, chainId: 31337n, networkName: "localhost", simulated: false };

      const message = await resolveFactory(localhost, {}, { directory }).then(
        () => "resolved",
        (error: Error) => error.message,
      );
      expect(message).to.equal(
        `the factory ${factory} recorded for chain 31337 has no code on this chain (a restarted local node forgets its contracts: deploy to localhost with \`npx hardhat run deploy/deploy.ts --network localhost\` again)`,
      );
      expect(message).to.not.include("npm run deploy");
    });

    it("names the bad option in its error", async function () {
      const world = await withWallet();

      expect(
        await taskFailure(["intent", "sign"], { wallet: world.wallet, to: "0x1234" }),
      ).to.include("--to: not an address");
      expect(
        await taskFailure(["intent", "sign"], { wallet: world.wallet, value: "1" }),
      ).to.include("exactly one of --to");
      expect(
        await taskFailure(["session", "grant"], {
          wallet: world.wallet,
          app: "x",
          key: world.stranger.address,
          permission: `${world.exchangeAddress}:placeOrder(uint256 price, uint256 amount)`,
          validFor: "60",
          module: world.moduleAddress,
        }),
      ).to.include('write "placeOrder(uint256,uint256)"');
      expect(
        await taskFailure(["wallet", "address"], { factory: world.stranger.address }),
      ).to.include("has no code on this chain");
    });
  });
});

describe("Hardhat tasks against a network where no node answers", function () {
  this.timeout(60_000);

  /** A port nothing listens on right now. */
  async function deadPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it("names the network, its URL and how to start a node, not a bare connection error", async function () {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const hardhat = fileURLToPath(new URL("../../node_modules/.bin/hardhat", import.meta.url));
    const args = [hardhat, "wallet", "address", "--network", "localhost"];

    const { code, stderr } = await promisify(execFile)(process.execPath, args, {
      cwd: fileURLToPath(new URL("../../", import.meta.url)),
      env: { ...process.env, FORCE_COLOR: "0", RPC_URL: url },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(code, stderr).to.equal(1);
    expect(stderr).to.include(
      `--network localhost (${url}): no node answers (ECONNREFUSED); start one with \`npx hardhat node\``,
    );
  });
});

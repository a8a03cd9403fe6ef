import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet, id as keccakId, type AbstractSigner } from "ethers";
import hre from "hardhat";

import { getDelegationCode, type SignedIntent } from "../../src/sdk/index.js";
import { snapshotRepositoryRecord } from "../helpers/deploymentRecord.js";
import { runTask, taskFailure } from "../helpers/taskRunner.js";
import { authorizeImplementation } from "../../tasks/helpers/eoa.js";
import type { IntentRelayResult } from "../../tasks/intent/relay.js";
import type { WalletCreateResult } from "../../tasks/wallet/create.js";
import type { WalletDelegateResult } from "../../tasks/wallet/delegate.js";
import type { WalletKindResult } from "../../tasks/wallet/kind.js";

/*
 * The EIP-7702 tasks: `wallet delegate` makes an EOA a wallet at its own address, paid by another
 * account, and `wallet kind` tells what an address is to the implementation. A delegated EOA
 * then signs and relays intents with the `intent` tasks like any wallet.
 */

// The tasks use the HRE's shared connection (`getOrCreate`): this test deploys on the same chain.
const { ethers, networkHelpers } = await hre.network.getOrCreate();

/** The account the tests delegate by its index. */
const EOA_ACCOUNT = 7;

describe("Hardhat EOA tasks (EIP-7702)", function () {
  /** The temporary folders of the fixtures, deleted at the end. */
  const directories: string[] = [];
  after(async function () {
    await Promise.all(directories.map((path) => rm(path, { recursive: true, force: true })));
  });

  /**
   * The contracts, a call target, a key file of an EOA that has never held ETH, and account #7
   * emptied of its ETH.
   */
  async function deployContracts() {
    const accounts = await ethers.getSigners();
    const implementation = await ethers.deployContract("IntentWallet");
    const otherImplementation = await ethers.deployContract("IntentWallet");
    const factory = await ethers.deployContract("WalletFactory", [
      await implementation.getAddress(),
    ]);
    const target = await ethers.deployContract("CallTarget");
    const directory = await mkdtemp(join(tmpdir(), "intent-wallet-eoa-tasks-"));
    directories.push(directory);
    const fileEoa = new Wallet(keccakId("EOA tasks test: the EOA in a key file"));
    const keyFile = join(directory, "eoa.key");
    await writeFile(keyFile, `${fileEoa.privateKey}\n`);
    const accountEoa = accounts[EOA_ACCOUNT];
    await networkHelpers.setBalance(accountEoa.address, 0n);
    return {
      accounts,
      accountEoa,
      fileEoa,
      keyFile,
      target,
      factoryAddress: await factory.getAddress(),
      implementation: await implementation.getAddress(),
      otherImplementation: await otherImplementation.getAddress(),
      file: (name: string) => join(directory, name),
    };
  }

  type World = Awaited<ReturnType<typeof deployContracts>>;

  function kindOf(world: World, address: string, implementation = world.implementation) {
    return runTask<WalletKindResult>(["wallet", "kind"], { address, implementation });
  }

  describe("wallet delegate", function () {
    it("delegates an EOA with no ETH, named by its key file, in a type-4 transaction paid by --signer", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const payer = world.accounts[5];
      const payerBalance = await ethers.provider.getBalance(payer.address);

      const { value, stdout } = await runTask<WalletDelegateResult>(["wallet", "delegate"], {
        keyFile: world.keyFile,
        implementation: world.implementation,
        signer: 5,
      });

      const code = getDelegationCode(world.implementation);
      expect(value).to.deep.include({
        address: world.fileEoa.address,
        implementation: world.implementation,
        code,
        alreadyDelegated: false,
      });
      expect(await ethers.provider.getCode(world.fileEoa.address)).to.equal(code);
      expect(await ethers.provider.getBalance(world.fileEoa.address)).to.equal(0n);
      const transaction = await ethers.provider.getTransaction(value.transactionHash!);
      expect(transaction).to.include({ from: payer.address, type: 4 });
      expect(await ethers.provider.getBalance(payer.address)).to.be.lessThan(payerBalance);
      expect(stdout).to.match(new RegExp(`^eoa\\s+${world.fileEoa.address}$`, "m"));
      expect(stdout).to.match(new RegExp(`^code\\s+${code}$`, "m"));
      expect(stdout).to.match(
        new RegExp(
          `^status\\s+delegated in ${value.transactionHash} .*, paid by ${payer.address}$`,
          "m",
        ),
      );
    });

    it("does nothing, and says so, when the EOA is delegated to the implementation already", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const options = { eoa: String(EOA_ACCOUNT), implementation: world.implementation };
      await runTask<WalletDelegateResult>(["wallet", "delegate"], options);
      const blockBefore = await ethers.provider.getBlockNumber();

      const { value, stdout } = await runTask<WalletDelegateResult>(
        ["wallet", "delegate"],
        options,
      );

      expect(value).to.deep.include({ alreadyDelegated: true, transactionHash: null });
      expect(stdout).to.match(/status\s+already delegated: nothing sent/);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });

    it("moves an EOA delegated to another contract back to the implementation", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      await runTask(["wallet", "delegate"], {
        keyFile: world.keyFile,
        implementation: world.otherImplementation,
      });

      const { value } = await runTask<WalletDelegateResult>(["wallet", "delegate"], {
        keyFile: world.keyFile,
        implementation: world.implementation,
      });

      expect(value.alreadyDelegated).to.equal(false);
      expect(await ethers.provider.getCode(world.fileEoa.address)).to.equal(
        getDelegationCode(world.implementation),
      );
    });

    it("refuses, sending nothing, an EOA named twice or not at all, a bad index, the EOA paying for itself, an implementation with no code and a contract", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const delegate = (options: Record<string, unknown>) =>
        taskFailure(["wallet", "delegate"], { implementation: world.implementation, ...options });
      const blockBefore = await ethers.provider.getBlockNumber();
      const oneOf =
        "name the EOA with exactly one of --eoa (an account index) or --key-file (a file holding its private key)";

      expect(await delegate({})).to.equal(oneOf);
      expect(await delegate({ eoa: "7", keyFile: world.keyFile })).to.equal(oneOf);
      expect(await delegate({ eoa: "seven" })).to.equal(
        '--eoa: "seven" is not an account index (0, 1, ...)',
      );
      expect(await delegate({ eoa: "99" })).to.match(/^--eoa 99: no such account on this network/);
      expect(await delegate({ eoa: "7", signer: EOA_ACCOUNT })).to.equal(
        `--signer ${EOA_ACCOUNT} is the EOA itself: another account sends the delegation and pays for it`,
      );
      const empty = Wallet.createRandom().address;
      expect(await delegate({ eoa: "7", implementation: empty })).to.equal(
        `--implementation ${empty} has no code on this chain`,
      );
      // Without a record of chain 31337 (a developer's node may have left one: set it aside).
      const record = await snapshotRepositoryRecord();
      await rm(record.file, { force: true });
      try {
        expect(await taskFailure(["wallet", "delegate"], { eoa: "7" })).to.match(
          /^no deployment recorded for chain 31337: .*, or pass --implementation$/,
        );
      } finally {
        await record.restore();
      }
      await networkHelpers.setCode(
        world.fileEoa.address,
        await ethers.provider.getCode(await world.target.getAddress()),
      );
      expect(await delegate({ keyFile: world.keyFile })).to.equal(
        `key file ${world.keyFile} (${world.fileEoa.address}) has contract code (not a delegation): only an EOA can be delegated`,
      );
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });
  });

  describe("authorizeImplementation", function () {
    it("says to use a key file when the network holds the account's key and signs no authorization", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      // What an account of `--network localhost` (remote accounts) answers.
      const remote = {
        authorize: () => Promise.reject(new Error("HHE20014: remote accounts")),
      } as unknown as AbstractSigner;
      const eoa = {
        signer: remote,
        address: world.accountEoa.address,
        label: "account #7",
        option: "--eoa 7",
      };

      let message = "";
      await authorizeImplementation(eoa, world.implementation).catch((error: Error) => {
        message = error.message;
      });

      expect(message).to.equal(
        `--eoa 7: the network holds the key of account #7 (${world.accountEoa.address}) and signs no EIP-7702 authorization with it: write the key to a file and pass --key-file instead (HHE20014: remote accounts)`,
      );
    });
  });

  describe("an intent on a delegated EOA, with the intent tasks", function () {
    it("signs with the EOA's account and relays from another, the EOA holding no ETH", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      await runTask(["wallet", "delegate"], {
        eoa: String(EOA_ACCOUNT),
        implementation: world.implementation,
      });
      const signedFile = world.file("eoa-intent.json");

      const { value: signed } = await runTask<SignedIntent>(["intent", "sign"], {
        wallet: world.accountEoa.address,
        to: await world.target.getAddress(),
        data: world.target.interface.encodeFunctionData("ping", [42n]),
        signer: EOA_ACCOUNT,
        out: signedFile,
      });
      const { value: relayed } = await runTask<IntentRelayResult>(["intent", "relay"], {
        file: signedFile,
        signer: 3,
      });

      expect(signed.wallet).to.equal(world.accountEoa.address);
      expect(relayed).to.include({ via: "direct", id: signed.id, success: true, deployed: false });
      expect(await world.target.lastCaller()).to.equal(world.accountEoa.address);
      expect(await world.target.pings()).to.equal(1n);
      expect(await ethers.provider.getBalance(world.accountEoa.address)).to.equal(0n);
    });
  });

  describe("wallet kind", function () {
    it("tells a clone, a delegated EOA, an EOA with no code, an EOA delegated elsewhere and another contract apart", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const { value: clone } = await runTask<WalletCreateResult>(["wallet", "create"], {
        factory: world.factoryAddress,
      });
      await runTask(["wallet", "delegate"], {
        eoa: String(EOA_ACCOUNT),
        implementation: world.implementation,
      });
      await runTask(["wallet", "delegate"], {
        keyFile: world.keyFile,
        implementation: world.otherImplementation,
      });

      const kinds: string[] = [];
      // One at a time: each run captures the console.
      for (const address of [
        clone.address,
        world.accountEoa.address,
        world.accounts[8].address,
        world.fileEoa.address,
        world.factoryAddress,
      ]) {
        kinds.push((await kindOf(world, address)).value.kind);
      }

      expect(kinds).to.deep.equal(["clone", "delegated", "none", "other", "other"]);
      const { stdout } = await kindOf(world, world.accountEoa.address);
      expect(stdout).to.match(
        new RegExp(`^address\\s+${world.accountEoa.address}\\nkind\\s+delegated$`, "m"),
      );
      const elsewhere = await kindOf(world, world.fileEoa.address, world.otherImplementation);
      expect(elsewhere.value.kind).to.equal("delegated");
    });

    it("refuses a missing or malformed address", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const kind = (address?: string) =>
        taskFailure(["wallet", "kind"], { address, implementation: world.implementation });

      expect(await kind()).to.equal("--address: required");
      expect(await kind("0x1234")).to.match(/^--address: /);
    });
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet, id as keccakId } from "ethers";
import hre from "hardhat";

import { addressKey, readKeyVerifiers, type KeyVerifiers } from "../../src/sdk/index.js";
import { softwarePasskey } from "../helpers/keySigners.js";
import { runTask, taskFailure } from "../helpers/taskRunner.js";
import type { OwnerIntentResult } from "../../tasks/helpers/ownerIntent.js";
import type { KeySetWalletAddressResult } from "../../tasks/wallet/address.js";
import type { WalletCreateResult } from "../../tasks/wallet/create.js";
import type { WalletKeysResult } from "../../tasks/wallet/keys.js";

/*
 * The key tasks: `wallet create --keys --threshold` (and `wallet address` of a key set),
 * `wallet keys`, and `wallet add-key`, `remove-key`, `threshold`, each an owner intent signed by
 * the wallet's keys and relayed from the --signer account. The other tasks are tested in
 * tasks.test.ts.
 */

// The tasks use the HRE's shared connection (`getOrCreate`): this test deploys on the same chain.
const { ethers, networkHelpers } = await hre.network.getOrCreate();

describe("Hardhat key tasks", function () {
  /** The temporary folders of the fixtures, deleted at the end. */
  const directories: string[] = [];
  after(async function () {
    await Promise.all(directories.map((path) => rm(path, { recursive: true, force: true })));
  });

  /**
   * The contracts, and a 2-of-3 key set: accounts #0 and #1, and a key held in a file (its
   * address in lower case, as a reader may paste it).
   */
  async function deployContracts() {
    const accounts = await ethers.getSigners();
    const implementation = await ethers.deployContract("IntentWallet");
    const factory = await ethers.deployContract("WalletFactory", [
      await implementation.getAddress(),
    ]);
    const contracts = {
      factory: await factory.getAddress(),
      implementation: await implementation.getAddress(),
    };
    const verifiers: KeyVerifiers = await readKeyVerifiers({
      wallet: contracts.implementation,
      runner: ethers.provider,
    });
    const directory = await mkdtemp(join(tmpdir(), "intent-wallet-key-tasks-"));
    directories.push(directory);
    const fileKey = new Wallet(keccakId("key tasks test file key"));
    const keyFile = join(directory, "third.key");
    await writeFile(keyFile, `${fileKey.privateKey}\n`);
    const members = [accounts[0].address, accounts[1].address, fileKey.address];
    return {
      accounts,
      factory,
      contracts,
      verifiers,
      fileKey,
      keyFile,
      members,
      keysOption: `${members[0]}, ${members[1]}, ${members[2].toLowerCase()}`,
      file: (name: string) => join(directory, name),
    };
  }

  /** The contracts, and the 2-of-3 wallet made by `wallet create --keys --threshold 2`. */
  async function withKeySetWallet() {
    const world = await networkHelpers.loadFixture(deployContracts);
    const { value } = await runTask<WalletCreateResult>(["wallet", "create"], {
      ...world.contracts,
      keys: world.keysOption,
      threshold: "2",
    });
    return { ...world, wallet: value.address };
  }

  /** The wallet's keys and threshold as `wallet keys` reads them. */
  async function keysOf(wallet: string) {
    const { value } = await runTask<WalletKeysResult>(["wallet", "keys"], { wallet });
    return { keys: value.keys, threshold: value.threshold };
  }

  describe("wallet create and wallet address with --keys", function () {
    it("creates the 2-of-3 wallet at the factory's walletWithKeysAddress, which wallet address printed before", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const keys = world.members.map(addressKey);
      const expected = await world.factory.walletWithKeysAddress(keys, 2n, 5n);
      const options = { ...world.contracts, keys: world.keysOption, threshold: "2", salt: 5n };

      const before = await runTask<KeySetWalletAddressResult>(["wallet", "address"], options);
      expect(before.value).to.deep.equal({
        address: expected,
        keys,
        threshold: 2n,
        salt: 5n,
        deployed: false,
      });
      expect(before.stdout).to.match(/threshold\s+2 of 3 keys/);

      const created = await runTask<WalletCreateResult>(["wallet", "create"], options);
      expect(created.value).to.include({ address: expected, alreadyDeployed: false });
      expect(await keysOf(expected)).to.deep.equal({ keys, threshold: 2n });
      const again = await runTask<WalletCreateResult>(["wallet", "create"], options);
      expect(again.value).to.deep.equal({
        address: expected,
        alreadyDeployed: true,
        transactionHash: null,
      });
    });

    it("refuses a bad key, a threshold of 0 or above the keys' number, and half a key set, naming the option", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const create = (options: Record<string, unknown>) =>
        taskFailure(["wallet", "create"], { ...world.contracts, ...options });
      const blockBefore = await ethers.provider.getBlockNumber();

      expect(await create({ keys: `${world.members[0]},0x1234`, threshold: "1" })).to.equal(
        "--keys entry 2: \"0x1234\" is not a key: give an address, or the key's full hex (a verifier's address then its public key)",
      );
      expect(await create({ keys: "0xnothex", threshold: "1" })).to.include(
        '--keys entry 1: "0xnothex" is not a key',
      );
      expect(await create({ keys: world.keysOption, threshold: "0" })).to.equal(
        "--threshold 0: at least one key must sign (a threshold is 1 or more)",
      );
      expect(await create({ keys: world.keysOption, threshold: "4" })).to.equal(
        "--threshold 4: more than the 3 keys that could sign",
      );
      expect(await create({ keys: world.keysOption })).to.equal(
        "--threshold: required with --keys (how many of the 3 keys must sign)",
      );
      expect(await create({ threshold: "1" })).to.equal(
        "--threshold counts keys of a key set: give the keys with --keys",
      );
      expect(
        await create({ keys: `${world.members[0]},${world.members[0]}`, threshold: "1" }),
      ).to.equal(`--keys: entries 1 and 2 are the same key ${addressKey(world.members[0])}`);
      expect(
        await create({ keys: world.keysOption, threshold: "1", owner: world.members[0] }),
      ).to.include("either --owner");
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });
  });

  describe("wallet keys", function () {
    it("prints each key with its kind, and the threshold", async function () {
      const world = await withKeySetWallet();

      const { value, stdout } = await runTask<WalletKeysResult>(["wallet", "keys"], {
        wallet: world.wallet,
      });

      expect(value).to.deep.include({
        wallet: world.wallet,
        ownedBy: "keySet",
        keys: world.members.map(addressKey),
        threshold: 2n,
      });
      expect(stdout).to.match(/owned by\s+a key set/);
      expect(stdout).to.match(/threshold\s+2 of 3 keys/);
      expect(stdout).to.match(new RegExp(`key 1\\s+address\\s+${world.members[0]}`));
      expect(stdout).to.match(new RegExp(`key 3\\s+address\\s+${world.fileKey.address}`));
    });

    it("shows a wallet owned by one address as its one key, threshold 1", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const { value: created } = await runTask<WalletCreateResult>(
        ["wallet", "create"],
        world.contracts,
      );

      const { value, stdout } = await runTask<WalletKeysResult>(["wallet", "keys"], {
        wallet: created.address,
      });

      expect(value).to.deep.include({
        ownedBy: "address",
        keys: [addressKey(world.members[0])],
        threshold: 1n,
      });
      expect(stdout).to.match(/owned by\s+one address/);
      expect(stdout).to.match(/threshold\s+1 of 1 key$/m);
    });

    it("refuses a wallet that is not deployed", async function () {
      const stranger = Wallet.createRandom().address;
      expect(await taskFailure(["wallet", "keys"], { wallet: stranger })).to.include(
        `wallet ${stranger} is not deployed`,
      );
    });
  });

  describe("wallet add-key, remove-key and threshold", function () {
    it("adds a passkey by its full hex, signed by two keys (an account and a key file), relayed and paid by --signer", async function () {
      const world = await withKeySetWallet();
      const passkey = softwarePasskey(world.verifiers);
      const relayer = world.accounts[5];

      const { value, stdout } = await runTask<OwnerIntentResult>(["wallet", "add-key"], {
        wallet: world.wallet,
        key: passkey.key.toUpperCase().replace("0X", "0x"),
        signers: "1",
        keyFiles: world.keyFile,
        signer: 5,
      });

      const keys = [...world.members.map(addressKey), passkey.key];
      expect(value).to.deep.include({ wallet: world.wallet, keys, threshold: 2n });
      expect(await keysOf(world.wallet)).to.deep.equal({ keys, threshold: 2n });
      expect(stdout).to.match(/threshold\s+2 of 4 keys/);
      expect(stdout).to.match(new RegExp(`key 4\\s+webAuthn\\s+${passkey.key}$`, "m"));
      const transaction = await ethers.provider.getTransaction(value.transactionHash);
      expect(transaction!.from).to.equal(relayer.address);
    });

    it("removes a key, lowers the threshold to 1 and raises it back to 2, each signed by as many keys as the wallet needs", async function () {
      const world = await withKeySetWallet();

      const removed = await runTask<OwnerIntentResult>(["wallet", "remove-key"], {
        wallet: world.wallet,
        key: world.members[1],
        signers: "0,1",
      });
      const remaining = [world.members[0], world.fileKey.address].map(addressKey);
      expect(removed.value).to.deep.include({ threshold: 2n });
      expect([...removed.value.keys].sort()).to.deep.equal([...remaining].sort());

      expect(
        await taskFailure(["wallet", "threshold"], {
          wallet: world.wallet,
          threshold: "1",
          signers: "0,1",
        }),
      ).to.equal(`account #1 (${world.members[1]}) is not a key of wallet ${world.wallet}`);
      const lowered = await runTask<OwnerIntentResult>(["wallet", "threshold"], {
        wallet: world.wallet,
        threshold: "1",
        signers: "0",
        keyFiles: world.keyFile,
      });
      expect(lowered.value.threshold).to.equal(1n);
      expect(lowered.stdout).to.match(/threshold\s+1 of 2 keys/);

      // Threshold 1: the key file alone signs now.
      const raised = await runTask<OwnerIntentResult>(["wallet", "threshold"], {
        wallet: world.wallet,
        threshold: "2",
        keyFiles: world.keyFile,
      });
      expect(await keysOf(world.wallet)).to.deep.equal({ keys: raised.value.keys, threshold: 2n });
    });

    it("turns a wallet owned by one address into the key set {owner, key}, threshold 1, signed by the owner alone", async function () {
      const world = await networkHelpers.loadFixture(deployContracts);
      const { value: created } = await runTask<WalletCreateResult>(
        ["wallet", "create"],
        world.contracts,
      );
      const newKey = world.members[1];

      expect(
        await taskFailure(["wallet", "add-key"], {
          wallet: created.address,
          key: newKey,
          signers: "1",
        }),
      ).to.equal(
        `the wallet is owned by one address, ${world.members[0]}: it alone signs (its account with --signer or --signers, or its key with --key-files); got account #1 (${world.members[1]})`,
      );
      const { value } = await runTask<OwnerIntentResult>(["wallet", "add-key"], {
        wallet: created.address,
        key: newKey,
      });

      expect(value).to.deep.include({
        keys: [addressKey(world.members[0]), addressKey(newKey)],
        threshold: 1n,
      });
      const after = await runTask<WalletKeysResult>(["wallet", "keys"], {
        wallet: created.address,
      });
      expect(after.value.ownedBy).to.equal("keySet");
    });

    it("refuses, before signing, too few keys, a threshold of 0 or above the keys, a bad key, a key added twice or a removal below the threshold", async function () {
      const world = await withKeySetWallet();
      const change = (task: string, options: Record<string, unknown>) =>
        taskFailure(["wallet", task], { wallet: world.wallet, signers: "0,1", ...options });
      const blockBefore = await ethers.provider.getBlockNumber();

      expect(
        await taskFailure(["wallet", "add-key"], {
          wallet: world.wallet,
          key: Wallet.createRandom().address,
        }),
      ).to.equal(
        `1 key signs, but wallet ${world.wallet} needs 2 of its 3: name more with --signers or --key-files`,
      );
      expect(await change("threshold", { threshold: "0" })).to.equal(
        "--threshold 0: at least one key must sign (a threshold is 1 or more)",
      );
      expect(await change("threshold", { threshold: "4" })).to.equal(
        "--threshold 4: more than the 3 keys that could sign",
      );
      expect(await change("threshold", { threshold: "2" })).to.equal(
        `--threshold 2: wallet ${world.wallet} has that threshold already`,
      );
      expect(await change("add-key", { key: "0xabcdef" })).to.equal(
        "--key: \"0xabcdef\" is not a key: give an address, or the key's full hex (a verifier's address then its public key)",
      );
      expect(await change("add-key", { key: world.members[1] })).to.equal(
        `--key ${addressKey(world.members[1])}: already a key of wallet ${world.wallet}`,
      );
      expect(await change("remove-key", { key: Wallet.createRandom().address })).to.include(
        `not a key of wallet ${world.wallet}`,
      );
      expect(
        await change("add-key", { key: Wallet.createRandom().address, signers: "0,0" }),
      ).to.equal(
        `account #0 and account #0 are the same key ${world.members[0]}: each key signs once`,
      );
      expect(
        await change("add-key", { key: Wallet.createRandom().address, signers: "0,x" }),
      ).to.equal('--signers: "x" is not an account index (0, 1, ...)');

      await runTask(["wallet", "threshold"], {
        wallet: world.wallet,
        threshold: "3",
        signers: "0,1",
      });
      const blockAfterRaise = await ethers.provider.getBlockNumber();
      expect(
        await change("remove-key", { key: world.members[0], keyFiles: world.keyFile }),
      ).to.equal(
        "--key: removing it would leave 2 keys, fewer than the threshold 3: lower it first with `wallet threshold`",
      );
      expect(blockAfterRaise).to.equal(blockBefore + 1);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockAfterRaise);
    });
  });
});

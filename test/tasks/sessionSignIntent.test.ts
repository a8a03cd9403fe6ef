import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet, dataLength, id as keccakId } from "ethers";
import hre from "hardhat";

import {
  installModuleCall,
  parseSignedIntent,
  readSessionState,
  WalletClient,
} from "../../src/sdk/index.js";
import { runTask, taskFailure } from "../helpers/taskRunner.js";
import type { IntentRelayResult } from "../../tasks/intent/relay.js";
import type { SessionGrantResult } from "../../tasks/session/grant.js";
import type { SessionSignIntentResult } from "../../tasks/session/signIntent.js";
import type { WalletCreateResult } from "../../tasks/wallet/create.js";

/*
 * `session sign-intent`, the app's side of a session: the session key signs an intent for the
 * grant's wallet, carrying the grant until it is registered, and refuses what could never be
 * relayed. The other tasks are tested in tasks.test.ts.
 */

// The tasks use the HRE's shared connection (`getOrCreate`): this test deploys on the same chain.
const { ethers, networkHelpers } = await hre.network.getOrCreate();

const PLACE_ORDER = "placeOrder(uint256,uint256)";

describe("Hardhat task session sign-intent", function () {
  /** The temporary folders of the fixtures, deleted at the end. */
  const directories: string[] = [];
  after(async function () {
    await Promise.all(directories.map((path) => rm(path, { recursive: true, force: true })));
  });

  /** A wallet made by `wallet create`, a session granted on the exchange, its key in a file. */
  async function grantedSession() {
    const [owner] = await ethers.getSigners();
    const implementation = await ethers.deployContract("IntentWallet");
    const factory = await ethers.deployContract("WalletFactory", [
      await implementation.getAddress(),
    ]);
    const module = await ethers.deployContract("SessionKeyModule");
    const exchange = await ethers.deployContract("MockExchange");
    const contracts = {
      factory: await factory.getAddress(),
      implementation: await implementation.getAddress(),
    };
    const moduleAddress = await module.getAddress();
    const exchangeAddress = await exchange.getAddress();
    const directory = await mkdtemp(join(tmpdir(), "intent-wallet-session-sign-"));
    directories.push(directory);
    const file = (name: string) => join(directory, name);

    const { value: created } = await runTask<WalletCreateResult>(["wallet", "create"], contracts);
    const sessionKey = new Wallet(keccakId("session sign-intent test key"));
    const keyFile = file("session.key");
    await writeFile(keyFile, `${sessionKey.privateKey}\n`);
    const grantFile = file("grant.json");
    const { value: granted } = await runTask<SessionGrantResult>(["session", "grant"], {
      wallet: created.address,
      app: "trade.example.com",
      key: sessionKey.address,
      permission: `${exchangeAddress}:${PLACE_ORDER}`,
      validFor: "3600",
      module: moduleAddress,
      out: grantFile,
    });
    return {
      owner,
      wallet: created.address,
      module,
      moduleAddress,
      exchange,
      exchangeAddress,
      sessionKey,
      keyFile,
      grantFile,
      signedGrant: granted.signedGrant,
      file,
      placeOrder: (price: bigint) =>
        exchange.interface.encodeFunctionData("placeOrder", [price, 1n]),
    };
  }

  /** The session above, with the module installed on the wallet by the owner's direct execute. */
  async function withModuleInstalled() {
    const world = await networkHelpers.loadFixture(grantedSession);
    await WalletClient.at(world.wallet, world.owner).execute([
      installModuleCall({ wallet: world.wallet, module: world.moduleAddress }),
    ]);
    return world;
  }

  it("carries the grant while it is unregistered; the relay registers it, and the next intent is signed without it", async function () {
    const world = await withModuleInstalled();
    const firstFile = world.file("first.json");

    const first = await runTask<SessionSignIntentResult>(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      to: world.exchangeAddress,
      data: world.placeOrder(100n),
      out: firstFile,
    });
    expect(first.value.carriesGrant).to.equal(true);
    expect(first.stderr).to.include("carries the grant");
    const fromFile = parseSignedIntent(await readFile(firstFile, "utf8"));
    expect(fromFile.id).to.equal(first.value.signed.id);
    expect(fromFile.wallet).to.equal(world.wallet);
    expect(fromFile.signature.startsWith(`0x01${world.moduleAddress.slice(2).toLowerCase()}`)).to.be
      .true;

    const relayed = await runTask<IntentRelayResult>(["intent", "relay"], {
      file: firstFile,
      signer: 1,
    });
    expect(relayed.value).to.include({ via: "direct", success: true });
    expect(await world.exchange.orderCount()).to.equal(1n);
    const grant = world.signedGrant.grant;
    expect(
      await readSessionState({ module: world.moduleAddress, grant, runner: ethers.provider }),
    ).to.equal("active");

    const secondFile = world.file("second.json");
    const second = await runTask<SessionSignIntentResult>(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      to: world.exchangeAddress,
      data: world.placeOrder(101n),
      out: secondFile,
    });
    expect(second.value.carriesGrant).to.equal(false);
    // 0x01, the module's 20 bytes and the session key's 65-byte signature, nothing more.
    expect(dataLength(second.value.signed.signature)).to.equal(86);
    await runTask(["intent", "relay"], { file: secondFile, signer: 1 });
    expect(await world.exchange.orderCount()).to.equal(2n);
  });

  it("makes the session's end the intent's expiration unless --expiration is given", async function () {
    const world = await withModuleInstalled();
    const validUntil = world.signedGrant.grant.validUntil;

    const byDefault = await runTask<SessionSignIntentResult>(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      to: world.exchangeAddress,
      data: world.placeOrder(1n),
    });
    expect(byDefault.value.signed.intent.expiration).to.equal(validUntil);

    const later = await runTask<SessionSignIntentResult>(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      to: world.exchangeAddress,
      data: world.placeOrder(1n),
      expiration: (validUntil + 60n).toString(),
    });
    expect(later.value.signed.intent.expiration).to.equal(validUntil + 60n);
    expect(later.stderr).to.include(`is after the session's end ${validUntil}`);
  });

  it("warns that relays are refused while the module is not installed on the wallet", async function () {
    const world = await networkHelpers.loadFixture(grantedSession);

    const { stderr } = await runTask<SessionSignIntentResult>(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      to: world.exchangeAddress,
      data: world.placeOrder(1n),
    });

    expect(stderr).to.include(
      `the session-key module ${world.moduleAddress} is not installed on wallet ${world.wallet}`,
    );
  });

  it("refuses a key file whose key is not the grant's session key, without printing the file", async function () {
    const world = await withModuleInstalled();
    const otherKey = new Wallet(keccakId("another key"));
    const otherFile = world.file("other.key");
    await writeFile(otherFile, otherKey.privateKey);
    const notAKey = world.file("not-a-key.txt");
    await writeFile(notAKey, "correct horse battery staple");
    const call = { grant: world.grantFile, to: world.exchangeAddress, data: world.placeOrder(1n) };

    expect(await taskFailure(["session", "sign-intent"], { ...call, keyFile: otherFile })).to.equal(
      `--key-file: its key's address ${otherKey.address} is not the grant's session key ${world.sessionKey.address}`,
    );
    const message = await taskFailure(["session", "sign-intent"], { ...call, keyFile: notAKey });
    expect(message).to.equal(`--key-file ${notAKey}: expected a private key, 0x and 64 hex digits`);
  });

  it("refuses to sign for a revoked session", async function () {
    const world = await withModuleInstalled();
    await runTask(["session", "revoke"], { file: world.grantFile });

    const message = await taskFailure(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      to: world.exchangeAddress,
      data: world.placeOrder(1n),
    });

    expect(message).to.equal(
      `the session ${world.signedGrant.id} is revoked: the module would refuse its intents`,
    );
  });

  it("refuses an --intent-file for another wallet than the grant's", async function () {
    const world = await withModuleInstalled();
    const intentFile = world.file("elsewhere.json");
    const elsewhere = Wallet.createRandom().address;
    await writeFile(
      intentFile,
      JSON.stringify({ wallet: elsewhere, calls: [{ to: world.exchangeAddress, data: "0x" }] }),
    );

    const message = await taskFailure(["session", "sign-intent"], {
      grant: world.grantFile,
      keyFile: world.keyFile,
      intentFile,
    });

    expect(message).to.equal(
      `--intent-file: the intent is for wallet ${elsewhere}, but the grant is for ${world.wallet}`,
    );
  });
});

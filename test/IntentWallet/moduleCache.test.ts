import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { toModuleSignature } from "../../src/sdk/index.js";
import type { MockValidator } from "../../typechain-types/index.js";
import { buildIntentNow, deployWalletWorld } from "../helpers/walletFixture.js";
import { targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/** MockValidator authorizes when its data starts with 0x01. */
const AUTHORIZE = "0x01";

/**
 * The wallet keeps one installed module in its header slot, so that relays it validates read no
 * module mapping. These tests walk install/uninstall orders that move, clear and refill that cache
 * and check, after every step, that the wallet's answers are exactly those of the mapping.
 */
describe("IntentWallet module cache", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const modules: MockValidator[] = [];
    for (let i = 0; i < 3; i++) {
      modules.push((await ethers.deployContract("MockValidator")) as unknown as MockValidator);
    }
    const addresses = await Promise.all(modules.map((module) => module.getAddress()));
    return { ...world, modules, addresses };
  }

  type World = Awaited<ReturnType<typeof fixture>>;
  let salt = 0n;

  /** Whether relaying an intent of `calls` validated by `module` would go through. */
  async function relayOutcome(world: World, module: string, calls: { to: string; data: string }[]) {
    const intent = await buildIntentNow(world, { calls, salt: ++salt });
    const relay = world.wallet
      .connect(world.relayer)
      .relay.staticCall(intent, toModuleSignature(module, AUTHORIZE));
    return relay.then(
      () => "relayed",
      (error: unknown) => {
        const data = (error as { data?: string }).data;
        return data === undefined ? "reverted" : world.wallet.interface.parseError(data)!.name;
      },
    );
  }

  /** Checks every module as validator and as call target against `installed`, the expected set. */
  async function expectAnswersMatch(world: World, installed: Set<string>, step: string) {
    const ping = await targetCall(world, "ping", [1n]);
    for (const address of world.addresses) {
      expect(await world.wallet.isModuleInstalled(address), `${step}: ${address}`).to.equal(
        installed.has(address),
      );
    }
    // As validator: exactly the installed modules are accepted; the zero address never is.
    for (const address of [...world.addresses, ZeroAddress]) {
      const expected = installed.has(address) ? "relayed" : "WalletModuleNotInstalled";
      expect(await relayOutcome(world, address, [ping]), `${step}: validator ${address}`).to.equal(
        expected,
      );
    }
    // As call target of a module-validated intent: every installed module is forbidden.
    for (const validator of installed) {
      for (const [k, address] of world.addresses.entries()) {
        const call = {
          to: address,
          data: world.modules[k].interface.encodeFunctionData("lastAuthorized"),
        };
        const expected = installed.has(address) ? "IntentTargetForbidden" : "relayed";
        expect(
          await relayOutcome(world, validator, [ping, call]),
          `${step}: validator ${validator} calling ${address}`,
        ).to.equal(expected);
      }
    }
  }

  it("accepts exactly the installed modules as validators and forbids calls to each of them, through every install and uninstall order", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, owner, addresses } = world;
    const [a, b, c] = addresses;
    const steps: Array<["install" | "uninstall", string, string]> = [
      ["install", a, "install A (cached)"],
      ["install", b, "install B (A stays cached)"],
      ["uninstall", a, "uninstall A (cache cleared, B left)"],
      ["install", c, "install C (cached again)"],
      ["uninstall", b, "uninstall B (C alone, cached)"],
      ["uninstall", c, "uninstall C (none)"],
      ["install", b, "install B again"],
    ];
    const installed = new Set<string>();
    await expectAnswersMatch(world, installed, "nothing installed");
    for (const [action, module, step] of steps) {
      if (action === "install") {
        await wallet.connect(owner).installModule(module);
        installed.add(module);
      } else {
        await wallet.connect(owner).uninstallModule(module);
        installed.delete(module);
      }
      await expectAnswersMatch(world, installed, step);
    }
  });

  it("refuses a module signature naming the zero address, with no module installed (the empty cache)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const ping = await targetCall(world, "ping", [1n]);
    expect(await relayOutcome(world, ZeroAddress, [ping])).to.equal("WalletModuleNotInstalled");
  });
});

import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { IntentStatus } from "../../src/sdk/index.js";
import { expect } from "chai";
import { Wallet, concat } from "ethers";
import hre, { network } from "hardhat";

import type { Intent, SignedIntent } from "../../src/sdk/index.js";
import { deployWalletWorld, type WalletWorld } from "../helpers/walletFixture.js";
import { signedIntent, targetCall } from "../helpers/intents.js";

const { ethers, networkHelpers } = await network.create();

/**
 * Coverage instruments the contracts with markers that cost gas between the wallet's gas check
 * and its CALL, so the gas-exact threshold tests only mean something on uninstrumented code.
 */
const itGasExact = hre.globalOptions.coverage === true ? it.skip : it;

/** What the wallet reserves for the CALL itself, as IIntentWallet documents it. */
const CALL_COST_WITHOUT_VALUE = 3_600n;
const CALL_COST_WITH_VALUE = 37_600n;

/** The gas the wallet demands at its check: minGasLimit + minGasLimit/63 + the CALL's own cost. */
function requiredGas(minGasLimit: bigint, withValue: boolean): bigint {
  return (
    minGasLimit + minGasLimit / 63n + (withValue ? CALL_COST_WITH_VALUE : CALL_COST_WITHOUT_VALUE)
  );
}

/** The largest minGasLimit a relay can promise: above it, no relay is possible. */
const MAX_MIN_GAS_LIMIT = 2n ** 64n - 1n;

/**
 * The smallest minGasLimit whose requirement, minGasLimit + minGasLimit/63 + 3,600, passes 2^256:
 * computed modulo 2^256, it would come to a few gas.
 */
function wrappingMinGasLimit(): bigint {
  let minGasLimit = ((2n ** 256n - CALL_COST_WITHOUT_VALUE) * 63n) / 64n;
  while (requiredGas(minGasLimit, false) < 2n ** 256n) minGasLimit += 1n;
  expect(requiredGas(minGasLimit, false) - 2n ** 256n).to.be.lessThan(100n);
  return minGasLimit;
}

/**
 * Runtime `GAS PUSH0 SSTORE STOP`: stores the gas left at its very first opcode in slot 0, and
 * accepts ETH. It measures what a call is given more precisely than a Solidity function can.
 */
const GAS_PROBE_RUNTIME = "0x5a5f5500";
const GAS_PROBE_INIT = concat(["0x6004600a5f3960045ff3", GAS_PROBE_RUNTIME]);
/** The GAS opcode's own cost, charged before it reads gasleft. */
const GAS_OPCODE_COST = 2n;

type Outcome = "reverted" | "succeeded" | "failed";

interface RelayResult {
  outcome: Outcome;
  status: bigint;
  gasAtEntry: bigint;
  minedAndPaid: boolean;
}

describe("IntentWallet minGasLimit", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const deployment = await world.owner.sendTransaction({ data: GAS_PROBE_INIT });
    const probe = (await deployment.wait())!.contractAddress!;
    expect(await ethers.provider.getCode(probe)).to.equal(GAS_PROBE_RUNTIME);
    return { ...world, probe };
  }

  async function signedRecordGas(
    world: WalletWorld,
    gasToBurn: bigint,
    minGasLimit: bigint,
  ): Promise<SignedIntent> {
    const { signed } = await signedIntent(world, {
      calls: [await targetCall(world, "recordGas", [gasToBurn])],
      minGasLimit,
    });
    return signed;
  }

  /** Gas a probe call saw, read from the probe's slot 0. */
  async function probeGas(probe: string): Promise<bigint> {
    return BigInt(await ethers.provider.getStorage(probe, 0n));
  }

  /**
   * Sends `relay` from the relayer with exactly `gasLimit`, on a snapshot it then restores, and
   * reports the outcome: the tx reverted, or it was mined with the intent Succeeded or Failed.
   */
  async function relayWithGas(
    world: WalletWorld,
    signed: SignedIntent,
    gasLimit: bigint,
    measure: () => Promise<bigint> = () => world.target.gasAtEntry(),
  ): Promise<RelayResult> {
    const { wallet, relayer } = world;
    const snapshot = await networkHelpers.takeSnapshot();
    try {
      const nonceBefore = await ethers.provider.getTransactionCount(relayer.address);
      let reverted = false;
      try {
        const tx = await wallet
          .connect(relayer)
          .relay(signed.intent, signed.signature, { gasLimit });
        const receipt = await tx.wait();
        expect(receipt!.status).to.equal(1);
      } catch {
        reverted = true;
      }
      const minedAndPaid =
        (await ethers.provider.getTransactionCount(relayer.address)) === nonceBefore + 1;
      const status = await wallet.intentStatus(signed.id);
      const gasAtEntry = await measure();
      const outcome: Outcome = reverted
        ? "reverted"
        : status === IntentStatus.Succeeded
          ? "succeeded"
          : "failed";
      return { outcome, status, gasAtEntry, minedAndPaid };
    } finally {
      await snapshot.restore();
    }
  }

  /** The decoded custom error of a `relay` simulated with `gasLimit`, or undefined if it would succeed. */
  async function simulatedError(
    world: WalletWorld,
    intent: Intent,
    signature: string,
    gasLimit: bigint,
  ) {
    try {
      await world.wallet.connect(world.relayer).relay.staticCall(intent, signature, { gasLimit });
      return undefined;
    } catch (error) {
      const data = (error as { data?: string }).data;
      return (
        (data && data !== "0x" ? world.wallet.interface.parseError(data) : null) ?? {
          name: "(no data)",
          args: [],
        }
      );
    }
  }

  /** The lowest gas limit for which `passes` holds, assuming it is monotonic on [low, high]. */
  async function lowestPassing(
    low: bigint,
    high: bigint,
    passes: (gasLimit: bigint) => Promise<boolean>,
  ) {
    expect(await passes(low), `fails at ${low}`).to.equal(false);
    expect(await passes(high), `passes at ${high}`).to.equal(true);
    while (high - low > 1n) {
      const middle = (low + high) / 2n;
      if (await passes(middle)) high = middle;
      else low = middle;
    }
    return high;
  }

  it("gives the call at least minGasLimit when the relayer sends plenty of gas", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, target } = world;
    const signed = await signedRecordGas(world, 0n, 200_000n);

    await expect(
      wallet.connect(relayer).relay(signed.intent, signed.signature, { gasLimit: 2_000_000n }),
    )
      .to.emit(wallet, "IntentRelayed")
      .withArgs(signed.id, relayer.address, true);
    expect(await target.gasAtEntry()).to.be.greaterThanOrEqual(200_000n);
  });

  it("never lets a relayer burn the intent with too little gas: every gas limit from 100k to 400k either reverts (status None) or succeeds with gasAtEntry >= minGasLimit", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const minGasLimit = 200_000n;
    const signed = await signedRecordGas(world, 190_000n, minGasLimit);

    const seen: Record<Outcome, number> = { reverted: 0, succeeded: 0, failed: 0 };
    for (let gasLimit = 100_000n; gasLimit <= 400_000n; gasLimit += 5_000n) {
      const result = await relayWithGas(world, signed, gasLimit);
      seen[result.outcome] += 1;
      expect(result.minedAndPaid, `gasLimit ${gasLimit}: the relayer's tx was mined`).to.equal(
        true,
      );
      expect(result.outcome, `gasLimit ${gasLimit}`).to.not.equal("failed");
      if (result.outcome === "reverted") {
        expect(result.status, `gasLimit ${gasLimit}`).to.equal(IntentStatus.None);
      } else {
        expect(result.status, `gasLimit ${gasLimit}`).to.equal(IntentStatus.Succeeded);
        expect(result.gasAtEntry, `gasLimit ${gasLimit}`).to.be.greaterThanOrEqual(minGasLimit);
      }
    }
    expect(seen.reverted).to.be.greaterThan(0);
    expect(seen.succeeded).to.be.greaterThan(0);
    expect(seen.failed).to.equal(0);
  });

  itGasExact(
    "holds gas by gas around the threshold: the lowest gas limit that succeeds still gives the call >= minGasLimit",
    async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const minGasLimit = 200_000n;
      const signed = await signedRecordGas(world, 190_000n, minGasLimit);

      const threshold = await lowestPassing(
        200_000n,
        400_000n,
        async (gasLimit) => (await relayWithGas(world, signed, gasLimit)).outcome === "succeeded",
      );
      const atThreshold = await relayWithGas(world, signed, threshold);
      expect(atThreshold.gasAtEntry).to.be.greaterThanOrEqual(minGasLimit);

      for (let gasLimit = threshold - 64n; gasLimit <= threshold + 64n; gasLimit += 1n) {
        const result = await relayWithGas(world, signed, gasLimit);
        if (gasLimit < threshold) {
          expect(result.outcome, `gasLimit ${gasLimit}`).to.equal("reverted");
          expect(result.status, `gasLimit ${gasLimit}`).to.equal(IntentStatus.None);
        } else {
          expect(result.outcome, `gasLimit ${gasLimit}`).to.equal("succeeded");
          expect(result.gasAtEntry, `gasLimit ${gasLimit}`).to.be.greaterThanOrEqual(minGasLimit);
        }
      }
    },
  );

  itGasExact(
    "keeps the guarantee for larger limits: at the lowest working gas limit the call gets >= minGasLimit",
    async function () {
      const world = await networkHelpers.loadFixture(fixture);
      for (const minGasLimit of [50_000n, 1_000_000n, 5_000_000n]) {
        const signed = await signedRecordGas(world, 0n, minGasLimit);
        const threshold = await lowestPassing(
          50_000n,
          minGasLimit * 2n + 200_000n,
          async (gasLimit) => (await relayWithGas(world, signed, gasLimit)).outcome === "succeeded",
        );
        const result = await relayWithGas(world, signed, threshold);
        expect(result.gasAtEntry, `minGasLimit ${minGasLimit}`).to.be.greaterThanOrEqual(
          minGasLimit,
        );
      }
    },
  );

  it("reverts with IntentInsufficientGas(id, minGasLimit, gasLeft) when the relayer sends too little, exactly below minGasLimit + minGasLimit/63 + 3,600", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer } = world;
    const minGasLimit = 200_000n;
    const required = requiredGas(minGasLimit, false);
    const signed = await signedRecordGas(world, 0n, minGasLimit);

    await expect(
      wallet
        .connect(relayer)
        .relay.staticCall(signed.intent, signed.signature, { gasLimit: 250_000n }),
    )
      .to.be.revertedWithCustomError(wallet, "IntentInsufficientGas")
      .withArgs(signed.id, minGasLimit, (gasLeft: bigint) => gasLeft < required);

    // A mined relay with too little gas reverts with the same error and leaves the intent unrelayed.
    await expect(
      wallet.connect(relayer).relay(signed.intent, signed.signature, { gasLimit: 250_000n }),
    )
      .to.be.revertedWithCustomError(wallet, "IntentInsufficientGas")
      .withArgs(signed.id, minGasLimit, (gasLeft: bigint) => gasLeft < required);
    expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);

    // Find the gas limit where the check starts passing: one gas less reports exactly required - 1.
    const passesCheck = async (gasLimit: bigint) =>
      (await simulatedError(world, signed.intent, signed.signature, gasLimit))?.name !==
      "IntentInsufficientGas";
    const threshold = await lowestPassing(100_000n, 400_000n, passesCheck);
    const justBelow = await simulatedError(world, signed.intent, signed.signature, threshold - 1n);
    expect(justBelow?.name).to.equal("IntentInsufficientGas");
    expect(justBelow?.args[0]).to.equal(signed.id);
    expect(justBelow?.args[1]).to.equal(minGasLimit);
    expect(justBelow?.args[2]).to.equal(required - 1n);
  });

  it("reserves the value-transfer and new-account costs (37,600) for a call with value", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { relayer, wallet } = world;
    const minGasLimit = 100_000n;
    const fresh = Wallet.createRandom().address;
    const { intent, signed } = await signedIntent(world, {
      calls: [{ to: fresh, value: 1n }],
      minGasLimit,
    });
    const required = requiredGas(minGasLimit, true);

    const passesCheck = async (gasLimit: bigint) =>
      (await simulatedError(world, intent, signed.signature, gasLimit))?.name !==
      "IntentInsufficientGas";
    const threshold = await lowestPassing(100_000n, 400_000n, passesCheck);
    const justBelow = await simulatedError(world, intent, signed.signature, threshold - 1n);
    expect(justBelow?.name).to.equal("IntentInsufficientGas");
    expect(justBelow?.args[2]).to.equal(required - 1n);

    await expect(
      wallet.connect(relayer).relay(intent, signed.signature, { gasLimit: threshold + 20_000n }),
    )
      .to.emit(wallet, "IntentRelayed")
      .withArgs(signed.id, relayer.address, true);
    expect(await ethers.provider.getBalance(fresh)).to.equal(1n);
  });

  it("gives a call with value at least minGasLimit at the lowest working gas limit (measured by a raw gas probe)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { probe } = world;
    for (const [value, minGasLimit] of [
      [0n, 100_000n],
      [1n, 100_000n],
      [1n, 1_000_000n],
    ] as const) {
      const { signed } = await signedIntent(world, { calls: [{ to: probe, value }], minGasLimit });
      const measure = () => probeGas(probe);
      const threshold = await lowestPassing(
        50_000n,
        minGasLimit * 2n + 200_000n,
        async (gasLimit) =>
          (await relayWithGas(world, signed, gasLimit, measure)).outcome === "succeeded",
      );
      const result = await relayWithGas(world, signed, threshold, measure);
      // The probe reads gasleft after its GAS opcode; a value call also carries the 2,300 stipend.
      const given = result.gasAtEntry + GAS_OPCODE_COST - (value > 0n ? 2_300n : 0n);
      expect(given, `value ${value}, minGasLimit ${minGasLimit}`).to.be.greaterThanOrEqual(
        minGasLimit,
      );
    }
  });

  it("gives a batch at least minGasLimit too: a batch relayed with any gas limit is never burned", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { target } = world;
    const second = await ethers.deployContract("CallTarget");
    const minGasLimit = 200_000n;
    const { signed } = await signedIntent(world, {
      calls: [
        {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("recordGas", [90_000n]),
        },
        {
          to: await second.getAddress(),
          data: second.interface.encodeFunctionData("recordGas", [90_000n]),
        },
      ],
      minGasLimit,
    });

    const seen: Record<Outcome, number> = { reverted: 0, succeeded: 0, failed: 0 };
    for (let gasLimit = 150_000n; gasLimit <= 450_000n; gasLimit += 5_000n) {
      const result = await relayWithGas(world, signed, gasLimit, () => second.gasAtEntry());
      seen[result.outcome] += 1;
      expect(result.outcome, `gasLimit ${gasLimit}`).to.not.equal("failed");
      if (result.outcome === "reverted") expect(result.status).to.equal(IntentStatus.None);
      else expect(result.gasAtEntry, `gasLimit ${gasLimit}`).to.be.greaterThan(90_000n);
    }
    expect(seen.reverted).to.be.greaterThan(0);
    expect(seen.succeeded).to.be.greaterThan(0);
  });

  describe("minGasLimit 0", function () {
    it("relays normally with an estimated gas limit", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const { wallet, relayer, target } = world;
      const signed = await signedRecordGas(world, 50_000n, 0n);
      expect(signed.intent.minGasLimit).to.equal(0n);

      await expect(wallet.connect(relayer).relay(signed.intent, signed.signature))
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
      expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.Succeeded);
      expect(await target.gasAtEntry()).to.be.greaterThan(50_000n);
    });

    it("still never lets a stingy relayer burn a heavy call: below what it needs the relay reverts, it is never Failed", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const unprotected = await signedRecordGas(world, 1_000_000n, 0n);

      const seen: Record<Outcome, number> = { reverted: 0, succeeded: 0, failed: 0 };
      for (let gasLimit = 300_000n; gasLimit <= 1_300_000n; gasLimit += 100_000n) {
        const result = await relayWithGas(world, unprotected, gasLimit);
        seen[result.outcome] += 1;
        expect(result.outcome, `gasLimit ${gasLimit}`).to.not.equal("failed");
        if (result.outcome === "reverted") expect(result.status).to.equal(IntentStatus.None);
      }
      expect(seen.reverted).to.be.greaterThan(0);
      expect(seen.succeeded).to.be.greaterThan(0);
    });
  });
  it("refuses a minGasLimit above 2^64 - 1 with IntentInsufficientGas whatever gas is sent, even one whose requirement wraps past 2^256, for one call and for a batch", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, relayer, target } = world;
    const ping = await targetCall(world, "ping", [1n]);
    let salt = 0n;
    for (const minGasLimit of [MAX_MIN_GAS_LIMIT + 1n, wrappingMinGasLimit(), 2n ** 256n - 1n]) {
      for (const calls of [[ping], [ping, ping]]) {
        salt += 1n;
        const { signed } = await signedIntent(world, { calls, minGasLimit, salt });
        await expect(
          wallet.connect(relayer).relay(signed.intent, signed.signature, { gasLimit: 5_000_000n }),
        )
          .to.be.revertedWithCustomError(wallet, "IntentInsufficientGas")
          .withArgs(signed.id, minGasLimit, anyValue);
        expect(await wallet.intentStatus(signed.id)).to.equal(IntentStatus.None);
      }
    }
    expect(await target.pings()).to.equal(0n);
  });
});

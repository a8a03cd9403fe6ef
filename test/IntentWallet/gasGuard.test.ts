import { expect } from "chai";
import { network } from "hardhat";

import {
  encodeBatchEntries,
  encodeRelayPacked,
  signIntent,
  type Call,
  type SignedIntent,
} from "../../src/sdk/index.js";
import type { IntentBatcher } from "../../typechain-types/index.js";
import { buildIntentNow, deployWalletWorld, type WalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** What a relay attempt at one gas limit came to. */
type Outcome = "reverted" | "succeeded" | "failed";

/** One way of relaying an intent: it reports the outcome of the intent's relay at `gasLimit`. */
interface RelayPath {
  name: string;
  outcomeAt: (gasLimit: bigint) => Promise<Outcome>;
}

/** The calls of an intent, and the outcomes a relay of them may ever have. */
interface CallCase {
  name: string;
  calls: (world: GuardWorld) => Promise<Call[]>;
  /** True when the calls fail with all the gas in the world: only then may a relay be Failed. */
  failsOnItsOwn: boolean;
  /** False for calls that no gas limit lets succeed. */
  canSucceed: boolean;
}

/** The lowest and highest outer gas limits swept, and the coarse step between them. */
const SWEEP_LOW = 25_000n;
const SWEEP_HIGH = 1_000_000n;
const SWEEP_STEP = 40_000n;
/**
 * What the calls under test burn: heavy enough that a starved call leaves its caller (1/64 of
 * what it had) more than enough to record a failure, the case a stingy relayer would exploit.
 */
const HEAVY = 450_000n;
/** How far on either side of each threshold the sweep goes gas by gas. */
const AROUND_THRESHOLD = 24n;

type GuardWorld = WalletWorld & { batcher: IntentBatcher; griefer: SignedIntent; second: string };

describe("IntentWallet gas guard: no relayer can burn an intent by sending too little gas", function () {
  async function fixture(): Promise<GuardWorld> {
    const world = await deployWalletWorld(ethers);
    const batcher = (await ethers.deployContract("IntentBatcher")) as unknown as IntentBatcher;
    const second = await (await ethers.deployContract("CallTarget")).getAddress();
    // Another wallet's intent that burns 150,000 gas and succeeds: the griefer before a batch entry.
    const { stranger, factory } = world;
    await factory.createWallet(stranger.address, 0n);
    const grieferWallet = await factory.walletAddress(stranger.address, 0n);
    const burn = world.target.interface.encodeFunctionData("burnGas", [150_000n]);
    const grieferIntent = await buildIntentNow(world, {
      calls: [{ to: await world.target.getAddress(), data: burn }],
    });
    const griefer = await signIntent({
      signer: stranger,
      intent: grieferIntent,
      wallet: grieferWallet,
      chainId: world.chainId,
    });
    return { ...world, batcher, griefer, second };
  }

  const targetData = (world: GuardWorld, method: string, args: unknown[]) =>
    world.target.interface.encodeFunctionData(method as "ping", args as [bigint]);

  const CASES: CallCase[] = [
    {
      name: "a call that succeeds after burning 450,000 gas",
      calls: async (world) => [
        {
          to: await world.target.getAddress(),
          value: 0n,
          data: targetData(world, "burnGas", [HEAVY]),
        },
      ],
      failsOnItsOwn: false,
      canSucceed: true,
    },
    {
      name: "a call that reaches a contract whose own inner call needs 450,000 gas (nested starvation)",
      calls: async (world) => {
        const inner = world.target.interface.encodeFunctionData("burnGas", [HEAVY]);
        const data = world.target.interface.encodeFunctionData("callBack", [world.second, inner]);
        return [{ to: await world.target.getAddress(), value: 0n, data }];
      },
      failsOnItsOwn: false,
      canSucceed: true,
    },
    {
      name: "a call that burns 450,000 gas then reverts on its own",
      calls: async (world) => [
        {
          to: await world.target.getAddress(),
          value: 0n,
          data: targetData(world, "burnThenFail", [HEAVY]),
        },
      ],
      failsOnItsOwn: true,
      canSucceed: false,
    },
    {
      name: "a call that burns every bit of gas it gets",
      calls: async (world) => [
        { to: await world.target.getAddress(), value: 0n, data: targetData(world, "burnAll", []) },
      ],
      failsOnItsOwn: false,
      canSucceed: false,
    },
  ];

  /** The relay paths of one intent whose calls are `calls`, all signed by the owner with minGasLimit 0. */
  async function pathsFor(world: GuardWorld, calls: Call[]): Promise<RelayPath[]> {
    const { wallet, walletAddress, relayer, batcher, factory, owner, chainId, griefer } = world;
    const ping: Call = {
      to: await world.target.getAddress(),
      value: 0n,
      data: targetData(world, "ping", [1n]),
    };
    const single = await signIntent({
      signer: owner,
      intent: await buildIntentNow(world, { calls }),
      wallet: walletAddress,
      chainId,
    });
    const batch = await signIntent({
      signer: owner,
      intent: await buildIntentNow(world, { calls: [ping, ...calls] }),
      wallet: walletAddress,
      chainId,
    });
    const freshSalt = 77n;
    const freshWallet = await factory.walletAddress(owner.address, freshSalt);
    // The fresh wallet's first intent pings, then makes the calls under test, as a batch.
    const created = await signIntent({
      signer: owner,
      intent: await buildIntentNow(world, { calls: [ping, ...calls] }),
      wallet: freshWallet,
      chainId,
    });
    const createData = factory.interface.encodeFunctionData("createWalletAndRelay", [
      owner.address,
      freshSalt,
      created.intent,
      created.signature,
    ]);
    const from = relayer.address;
    const call = async (to: string, data: string, gasLimit: bigint) => {
      try {
        return await ethers.provider.call({ from, to, data, gasLimit });
      } catch {
        return undefined; // reverted, or below the intrinsic gas: no receipt either way
      }
    };
    const asRelayOutcome = (answer: string | undefined): Outcome =>
      answer === undefined ? "reverted" : BigInt(answer) === 1n ? "succeeded" : "failed";
    const walletTo = walletAddress;
    const batcherTo = await batcher.getAddress();
    const factoryTo = await factory.getAddress();
    return [
      {
        name: "relayPacked",
        outcomeAt: async (gasLimit) =>
          asRelayOutcome(await call(walletTo, encodeRelayPacked(single), gasLimit)),
      },
      {
        name: "a batch whose second call it is",
        outcomeAt: async (gasLimit) =>
          asRelayOutcome(await call(walletTo, encodeRelayPacked(batch), gasLimit)),
      },
      {
        name: "IntentBatcher, after an entry that burns 150,000 gas",
        outcomeAt: async (gasLimit) => {
          const data = batcher.interface.encodeFunctionData("relayBatch", [
            encodeBatchEntries([griefer, single]),
          ]);
          const answer = await call(batcherTo, data, gasLimit);
          if (answer === undefined) return "reverted";
          const [relayed, failed] = batcher.interface.decodeFunctionResult("relayBatch", answer);
          // The griefer's calls always succeed: a failed entry is the intent under test.
          if (failed > 0n) return "failed";
          return relayed === 2n ? "succeeded" : "reverted";
        },
      },
      {
        name: "createWalletAndRelay, as the second call of a fresh wallet's first intent",
        outcomeAt: async (gasLimit) => {
          const answer = await call(factoryTo, createData, gasLimit);
          if (answer === undefined) return "reverted";
          const [, success] = factory.interface.decodeFunctionResult(
            "createWalletAndRelay",
            answer,
          );
          return success ? "succeeded" : "failed";
        },
      },
    ];
  }

  /** The outcome at every coarse step, then gas by gas around each change of outcome. */
  async function sweep(path: RelayPath, check: (gasLimit: bigint, outcome: Outcome) => void) {
    const seen = new Map<bigint, Outcome>();
    const at = async (gasLimit: bigint) => {
      let outcome = seen.get(gasLimit);
      if (outcome === undefined) {
        outcome = await path.outcomeAt(gasLimit);
        seen.set(gasLimit, outcome);
        check(gasLimit, outcome);
      }
      return outcome;
    };
    let previous = SWEEP_LOW;
    for (let gasLimit = SWEEP_LOW; gasLimit <= SWEEP_HIGH; gasLimit += SWEEP_STEP) {
      if ((await at(previous)) !== (await at(gasLimit))) {
        const threshold = await firstChange(at, previous, gasLimit);
        for (let g = threshold - AROUND_THRESHOLD; g <= threshold + AROUND_THRESHOLD; g += 1n)
          await at(g);
      }
      previous = gasLimit;
    }
    return new Set(seen.values());
  }

  /** The lowest gas limit in (low, high] whose outcome differs from the one at `low`. */
  async function firstChange(
    at: (gasLimit: bigint) => Promise<Outcome>,
    low: bigint,
    high: bigint,
  ) {
    const below = await at(low);
    while (high - low > 1n) {
      const middle = (low + high) / 2n;
      if ((await at(middle)) === below) low = middle;
      else high = middle;
    }
    return high;
  }

  for (const callCase of CASES) {
    it(`${callCase.name}: at every outer gas limit, on every path, a relay reverts, succeeds, or is Failed only if the call fails on its own`, async function () {
      this.timeout(300_000); // thousands of simulated relays of heavy calls
      const world = await networkHelpers.loadFixture(fixture);
      for (const path of await pathsFor(world, await callCase.calls(world))) {
        const outcomes = await sweep(path, (gasLimit, outcome) => {
          const where = `${path.name}, gas limit ${gasLimit}`;
          if (!callCase.failsOnItsOwn) expect(outcome, where).to.not.equal("failed");
          if (!callCase.canSucceed) expect(outcome, where).to.not.equal("succeeded");
        });
        // The sweep spans both sides: too little gas reverts, enough gas decides.
        expect(outcomes.has("reverted"), `${path.name}: some gas limit reverts`).to.equal(true);
        if (callCase.canSucceed)
          expect(outcomes.has("succeeded"), `${path.name}: succeeds`).to.equal(true);
        if (callCase.failsOnItsOwn)
          expect(outcomes.has("failed"), `${path.name}: is Failed`).to.equal(true);
      }
    });
  }

  it("mined: a starved relay reverts with IntentInsufficientGas and leaves the intent relayable", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, relayer, owner, chainId } = world;
    const burn = targetData(world, "recordGas", [200_000n]);
    const call: Call = { to: await world.target.getAddress(), value: 0n, data: burn };
    const signed = await signIntent({
      signer: owner,
      intent: await buildIntentNow(world, { calls: [call] }),
      wallet: walletAddress,
      chainId,
    });
    const data = encodeRelayPacked(signed);
    await expect(relayer.sendTransaction({ to: walletAddress, data, gasLimit: 150_000n }))
      .to.be.revertedWithCustomError(wallet, "IntentInsufficientGas")
      .withArgs(signed.id, 0n, (gasLeft: bigint) => gasLeft < 10_000n);
    expect(await wallet.intentStatus(signed.id)).to.equal(0n);
    await expect(relayer.sendTransaction({ to: walletAddress, data, gasLimit: 400_000n }))
      .to.emit(wallet, "IntentRelayed")
      .withArgs(signed.id, relayer.address, true);
  });
});

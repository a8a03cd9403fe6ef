import { expect } from "chai";
import { concat, dataSlice, id as keccakText, Wallet, type Signer } from "ethers";
import { network } from "hardhat";

import { simulateRelay } from "../../src/relayer/chainReads.js";
import { checkSignatureAhead } from "../../src/relayer/intake/checkSignatureAhead.js";
import {
  buildSessionGrant,
  getIntentId,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  type Call,
  type Intent,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { buildIntentNow, deployWalletWorld } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

/** How far ahead of the chain's time the intents' `validAfter` is. */
const AHEAD = 1_000n;

/*
 * checkSignatureAhead decides, while an intent is not yet valid, what the wallet will decide of
 * its signature once it is: each case is checked ahead, then the chain is moved to the
 * intent's validAfter and the relay simulated; both must agree, to the revert data.
 */
describe("checkSignatureAhead: the signature checked before validAfter, as the wallet will check it", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const validator = await ethers.deployContract("MockValidator");
    const validatorAddress = await validator.getAddress();
    await world.wallet.connect(world.owner).installModule(validatorAddress);
    const sessionModule = await ethers.deployContract("SessionKeyModule");
    const sessionModuleAddress = await sessionModule.getAddress();
    await world.wallet.connect(world.owner).installModule(sessionModuleAddress);
    // A second wallet owned by an ERC-1271 contract that accepts its signer's signatures.
    const contractSigner = new Wallet(keccakText("checkSignatureAhead contract signer"));
    const contractOwner = await ethers.deployContract("ERC1271Owner", [contractSigner.address]);
    await world.factory.createWallet(await contractOwner.getAddress(), 0n);
    const contractWallet = await world.factory.walletAddress(await contractOwner.getAddress(), 0n);
    return {
      ...world,
      validatorAddress,
      sessionModule,
      sessionModuleAddress,
      contractSigner,
      contractWallet,
    };
  }
  type World = Awaited<ReturnType<typeof fixture>>;

  /** An intent of `wallet` pinging the target, relayable from AHEAD seconds on. */
  async function scheduledIntent(world: World, calls?: Call[]): Promise<Intent> {
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    return buildIntentNow(world, {
      calls: calls ?? [
        {
          to: await world.target.getAddress(),
          data: world.target.interface.encodeFunctionData("ping", [1n]),
        },
      ],
      validAfter: now + AHEAD,
    });
  }

  function ownerSigned(world: World, signer: Signer, intent: Intent, wallet = world.walletAddress) {
    return signIntent({ signer, intent, wallet, chainId: world.chainId });
  }

  /** `intent` on the world's wallet with any `signature` bytes. */
  function withSignature(world: World, intent: Intent, signature: string): SignedIntent {
    const wallet = world.walletAddress;
    const id = getIntentId({ intent, wallet, chainId: world.chainId });
    return { wallet, chainId: world.chainId, intent, id, signature };
  }

  /** `0x01 ‖ the mock validator ‖ data`: a module signature the mock decides on from `data`. */
  function byValidator(world: World, intent: Intent, data: string): SignedIntent {
    return withSignature(world, intent, concat(["0x01", world.validatorAddress, data]));
  }

  /**
   * Checks `signed` ahead, then simulates its relay at its validAfter; both must agree. Returns
   * the revert data both give ("ok" when the signature authorizes the intent).
   */
  async function aheadAndAtValidAfter(signed: SignedIntent): Promise<string> {
    const ahead = await checkSignatureAhead(ethers.provider, signed);
    await networkHelpers.time.increaseTo(signed.intent.validAfter);
    const [relayer] = await ethers.getSigners();
    const simulation = await simulateRelay(ethers.provider, signed, relayer.address);
    const verdict = (outcome: typeof ahead | typeof simulation) =>
      outcome.kind === "ok" ? "ok" : (outcome.reason.details?.revertData as string);
    expect(verdict(ahead), "ahead of validAfter vs at validAfter").to.equal(verdict(simulation));
    return verdict(ahead);
  }

  /**
   * `intent` signed by a session key whose grant (pinging the target, starting `startsIn` seconds
   * from now, for a day) it carries.
   */
  async function bySession(world: World, intent: Intent, startsIn = 0n): Promise<SignedIntent> {
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const sessionKey = new Wallet(keccakText("checkSignatureAhead session key"));
    const grant = buildSessionGrant({
      wallet: world.walletAddress,
      app: "checkSignatureAhead.test",
      sessionKey: sessionKey.address,
      permissions: [
        { target: await world.target.getAddress(), functionSignature: "ping(uint256)" },
      ],
      validAfter: startsIn === 0n ? 0n : now + startsIn,
      validUntil: now + 86_400n,
    });
    return signSessionIntent({
      sessionKey,
      intent,
      wallet: world.walletAddress,
      chainId: world.chainId,
      module: world.sessionModuleAddress,
      carry: await signSessionGrant({
        signer: world.owner,
        grant,
        module: world.sessionModuleAddress,
        chainId: world.chainId,
      }),
    });
  }

  /** The session module's custom error `name` with `args`. */
  function sessionError(world: World, name: string, args: unknown[]): string {
    return world.sessionModule.interface.encodeErrorResult(name, args);
  }

  function walletError(world: World, name: string, args: unknown[]): string {
    return world.wallet.interface.encodeErrorResult(name, args);
  }

  const cases: Array<{
    name: string;
    signed: (world: World) => Promise<SignedIntent>;
    expected: (world: World, signed: SignedIntent) => string | Promise<string>;
  }> = [
    {
      name: "accepts the owner's ECDSA signature",
      signed: async (world) => ownerSigned(world, world.owner, await scheduledIntent(world)),
      expected: () => "ok",
    },
    {
      name: "refuses a stranger's ECDSA signature: IntentInvalidSignature",
      signed: async (world) => ownerSigned(world, world.stranger, await scheduledIntent(world)),
      expected: (world, signed) => walletError(world, "IntentInvalidSignature", [signed.id]),
    },
    {
      name: "refuses the owner's signature with v as 0 or 1 (ecrecover takes 27 or 28 only): IntentInvalidSignature",
      signed: async (world) => {
        const signed = await ownerSigned(world, world.owner, await scheduledIntent(world));
        const v = Number(dataSlice(signed.signature, 65));
        const lowV = concat([dataSlice(signed.signature, 0, 65), `0x0${v - 27}`]);
        return { ...signed, signature: lowV };
      },
      expected: (world, signed) => walletError(world, "IntentInvalidSignature", [signed.id]),
    },
    {
      name: "accepts what an ERC-1271 owner accepts",
      signed: async (world) =>
        ownerSigned(
          world,
          world.contractSigner,
          await scheduledIntent(world),
          world.contractWallet,
        ),
      expected: () => "ok",
    },
    {
      name: "refuses what an ERC-1271 owner refuses: IntentInvalidSignature",
      signed: async (world) =>
        ownerSigned(world, world.stranger, await scheduledIntent(world), world.contractWallet),
      expected: (world, signed) => walletError(world, "IntentInvalidSignature", [signed.id]),
    },
    {
      name: "accepts what an installed validator module authorizes",
      signed: async (world) => byValidator(world, await scheduledIntent(world), "0x01"),
      expected: () => "ok",
    },
    {
      name: "refuses a module answer that is not the magic value: IntentInvalidSignature",
      signed: async (world) => byValidator(world, await scheduledIntent(world), "0x02"),
      expected: (world, signed) => walletError(world, "IntentInvalidSignature", [signed.id]),
    },
    {
      name: "reverts with the module's own error when it refuses",
      signed: async (world) => byValidator(world, await scheduledIntent(world), "0x03"),
      expected: (world, signed) =>
        new ethers.Interface(["error MockValidatorRejected(bytes32 id)"]).encodeErrorResult(
          "MockValidatorRejected",
          [signed.id],
        ),
    },
    {
      name: "refuses a module that is not installed: WalletModuleNotInstalled",
      signed: async (world) => {
        const signature = concat(["0x01", await world.token.getAddress(), "0x01"]);
        return withSignature(world, await scheduledIntent(world), signature);
      },
      expected: async (world) =>
        walletError(world, "WalletModuleNotInstalled", [await world.token.getAddress()]),
    },
    {
      name: "refuses a module's intent that calls the wallet itself: IntentTargetForbidden",
      signed: async (world) =>
        byValidator(
          world,
          await scheduledIntent(world, [{ to: world.walletAddress, value: 0n, data: "0x" }]),
          "0x01",
        ),
      expected: (world, signed) =>
        walletError(world, "IntentTargetForbidden", [signed.id, world.walletAddress]),
    },
    {
      name: "refuses a module's intent that calls an installed module: IntentTargetForbidden",
      signed: async (world) =>
        byValidator(
          world,
          await scheduledIntent(world, [{ to: world.validatorAddress, value: 0n, data: "0x" }]),
          "0x01",
        ),
      expected: (world, signed) =>
        walletError(world, "IntentTargetForbidden", [signed.id, world.validatorAddress]),
    },
    {
      name: "accepts a session key's intent within the grant it carries",
      signed: async (world) => bySession(world, await scheduledIntent(world)),
      expected: () => "ok",
    },
    {
      name: "refuses a session key's call outside its grant: SessionCallNotAllowed",
      signed: async (world) => {
        const fail = world.target.interface.encodeFunctionData("fail", [1n]);
        const target = await world.target.getAddress();
        return bySession(
          world,
          await scheduledIntent(world, [{ to: target, value: 0n, data: fail }]),
        );
      },
      expected: async (world) =>
        sessionError(world, "SessionCallNotAllowed", [
          0n,
          await world.target.getAddress(),
          world.target.interface.getFunction("fail")!.selector,
        ]),
    },
    {
      name: "accepts a session that has not started yet but will have by the intent's validAfter",
      signed: async (world) => bySession(world, await scheduledIntent(world), AHEAD / 2n),
      expected: () => "ok",
    },
    {
      name: "refuses a session that starts only after the intent's validAfter: SessionNotYetValid",
      signed: async (world) => bySession(world, await scheduledIntent(world), 2n * AHEAD),
      expected: (world, signed) => {
        const sessionKey = new Wallet(keccakText("checkSignatureAhead session key")).address;
        // The session starts AHEAD seconds after the intent becomes valid.
        return sessionError(world, "SessionNotYetValid", [
          sessionKey,
          signed.intent.validAfter + AHEAD,
        ]);
      },
    },
    {
      name: "refuses an empty signature: IntentInvalidSignature",
      signed: async (world) => withSignature(world, await scheduledIntent(world), "0x"),
      expected: (world, signed) => walletError(world, "IntentInvalidSignature", [signed.id]),
    },
    {
      name: "refuses a module signature too short to name a module: IntentInvalidSignature",
      signed: async (world) => withSignature(world, await scheduledIntent(world), "0x01abcdef"),
      expected: (world, signed) => walletError(world, "IntentInvalidSignature", [signed.id]),
    },
  ];

  for (const { name, signed: make, expected } of cases) {
    it(`${name}, as the wallet decides at validAfter`, async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const signed = await make(world);

      expect(await aheadAndAtValidAfter(signed)).to.equal(await expected(world, signed));
    });
  }
});

import { expect } from "chai";
import {
  Wallet,
  ZeroAddress,
  concat,
  id as keccakText,
  type Authorization,
  type BaseWallet,
} from "ethers";
import { network } from "hardhat";

import {
  buildIntent,
  buildSessionGrant,
  encodeRelayPacked,
  getIntentId,
  getReplaySafeHash,
  IntentStatus,
  signSessionGrant,
  signSessionIntent,
  toKeySetSignature,
  toOwnerSignature,
  type Call,
  type Intent,
} from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld, signForWallet, type WalletWorld } from "../helpers/walletFixture.js";

// EIP-7702 (Prague, and osaka, the default here): an EOA delegates its code to the
// implementation with one signed authorization, and becomes a wallet at its own address.
const { ethers, networkHelpers } = await network.create();

interface EoaWorld extends WalletWorld {
  implementationAddress: string;
  /** The EOA upgraded in place: no ETH, never deployed. */
  eoa: Wallet;
  eoaWallet: IntentWallet;
  /** A relayer with its own key, sending type-4 transactions. */
  sender: Wallet;
}

/** The EOA's authorization of `target` at its current nonce, on this chain unless told. */
async function authorization(
  world: EoaWorld,
  target: string,
  chainId = world.chainId,
): Promise<Authorization> {
  const nonce = await ethers.provider.getTransactionCount(world.eoa.address);
  return world.eoa.authorize({ address: target, nonce, chainId });
}

function pingCall(world: WalletWorld, x = 7n): Call {
  return {
    to: world.target.target as string,
    value: 0n,
    data: world.target.interface.encodeFunctionData("ping", [x]),
  };
}

async function intentFor(world: EoaWorld, address: string, calls: Call[], salt = 0n) {
  const block = await ethers.provider.getBlock("latest");
  const intent = buildIntent({ now: BigInt(block!.timestamp), calls, salt });
  const code = await ethers.provider.getCode(address);
  const epoch =
    code === "0x" ? 0n : await (await ethers.getContractAt("IntentWallet", address)).intentEpoch();
  return { intent, id: getIntentId({ intent, wallet: address, chainId: world.chainId, epoch }) };
}

function signedBy(signer: BaseWallet, id: string): string {
  return toOwnerSignature(signer.signingKey.sign(id).serialized);
}

/** Relays `intent` at the EOA, with its authorization when given (a type-4 transaction). */
async function relayAtEoa(
  world: EoaWorld,
  intent: Intent,
  signature: string,
  authorizationList?: Authorization[],
) {
  return world.sender.sendTransaction({
    to: world.eoa.address,
    data: encodeRelayPacked({ intent, signature }),
    ...(authorizationList ? { type: 4, authorizationList } : {}),
  });
}

describe("IntentWallet on an EOA delegated to it (EIP-7702)", function () {
  async function fixture(): Promise<EoaWorld> {
    const world = await deployWalletWorld(ethers);
    const eoa = new Wallet(keccakText("IntentWallet EIP-7702 test: the EOA"), ethers.provider);
    const sender = new Wallet(
      keccakText("IntentWallet EIP-7702 test: the relayer"),
      ethers.provider,
    );
    await world.owner.sendTransaction({ to: sender.address, value: 10n ** 19n });
    await world.token.mint(eoa.address, 1000n);
    return {
      ...world,
      implementationAddress: await world.implementation.getAddress(),
      eoa,
      eoaWallet: (await ethers.getContractAt(
        "IntentWallet",
        eoa.address,
      )) as unknown as IntentWallet,
      sender,
    };
  }

  /** The world with the EOA delegated and its first intent relayed. */
  async function delegatedFixture(): Promise<EoaWorld> {
    const world = await fixture();
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world, 1n)], 1000n);
    await (
      await relayAtEoa(world, intent, signedBy(world.eoa, id), [
        await authorization(world, world.implementationAddress),
      ])
    ).wait();
    return world;
  }

  it("delegates and relays the first intent in one transaction, the EOA holding no ETH", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    expect(await ethers.provider.getBalance(world.eoa.address)).to.equal(0n);
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world)]);
    const pings = await world.target.pings();
    await expect(
      relayAtEoa(world, intent, signedBy(world.eoa, id), [
        await authorization(world, world.implementationAddress),
      ]),
    )
      .to.emit(world.eoaWallet, "IntentRelayed")
      .withArgs(id, world.sender.address, true);
    expect(await ethers.provider.getCode(world.eoa.address)).to.equal(
      concat(["0xef0100", world.implementationAddress]).toLowerCase(),
    );
    expect(await world.target.pings()).to.equal(pings + 1n);
    expect(await world.eoaWallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
    expect(await world.eoaWallet.owner()).to.equal(world.eoa.address);
    expect(await ethers.provider.getBalance(world.eoa.address)).to.equal(0n);
  });

  it("refuses a stranger's intent and a stranger's direct call, changing nothing", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world)]);
    const stranger = Wallet.createRandom();
    await expect(relayAtEoa(world, intent, signedBy(stranger, id)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentInvalidSignature")
      .withArgs(id);
    await expect(world.eoaWallet.connect(world.stranger).execute([pingCall(world)]))
      .to.be.revertedWithCustomError(world.eoaWallet, "WalletUnauthorized")
      .withArgs(world.stranger.address);
    await expect(world.eoaWallet.connect(world.stranger).changeOwner(world.stranger.address))
      .to.be.revertedWithCustomError(world.eoaWallet, "WalletUnauthorized")
      .withArgs(world.stranger.address);
    expect(await world.eoaWallet.intentStatus(id)).to.equal(IntentStatus.None);
  });

  it("keeps every receipt: an ID relays once, and canceled IDs never relay", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world)]);
    await (await relayAtEoa(world, intent, signedBy(world.eoa, id))).wait();
    await expect(relayAtEoa(world, intent, signedBy(world.eoa, id)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentAlreadyRelayed")
      .withArgs(id);
    // The EOA cancels one itself, with an ordinary transaction to its own address.
    await world.owner.sendTransaction({ to: world.eoa.address, value: 10n ** 18n });
    const next = await intentFor(world, world.eoa.address, [pingCall(world)], 1n);
    await (await world.eoaWallet.connect(world.eoa).cancelIntents([next.id])).wait();
    await expect(relayAtEoa(world, next.intent, signedBy(world.eoa, next.id)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentIsCanceled")
      .withArgs(next.id);
  });

  it("invalidates every intent signed before invalidateAllIntents", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world)]);
    await world.owner.sendTransaction({ to: world.eoa.address, value: 10n ** 18n });
    await (await world.eoaWallet.connect(world.eoa).invalidateAllIntents()).wait();
    await expect(relayAtEoa(world, intent, signedBy(world.eoa, id))).to.be.revertedWithCustomError(
      world.eoaWallet,
      "IntentInvalidSignature",
    );
  });

  it("waits for its dependencies: a clone's intent, then the EOA's own", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const block = await ethers.provider.getBlock("latest");
    const cloneIntent = buildIntent({
      now: BigInt(block!.timestamp),
      calls: [pingCall(world)],
      salt: 7n,
    });
    const cloneSigned = await signForWallet(world, cloneIntent);
    const first = await intentFor(world, world.eoa.address, [pingCall(world)], 8n);
    const dependent = buildIntent({
      now: BigInt(block!.timestamp),
      calls: [pingCall(world, 3n)],
      salt: 9n,
      dependencies: [
        { wallet: world.walletAddress, id: cloneSigned.id },
        { wallet: world.eoa.address, id: first.id },
      ],
    });
    const dependentId = getIntentId({
      intent: dependent,
      wallet: world.eoa.address,
      chainId: world.chainId,
      epoch: 0n,
    });
    await expect(relayAtEoa(world, dependent, signedBy(world.eoa, dependentId)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentDependencyNotMet")
      .withArgs(dependentId, world.walletAddress, cloneSigned.id);
    await (
      await world.wallet.connect(world.relayer).relay(cloneSigned.intent, cloneSigned.signature)
    ).wait();
    await expect(relayAtEoa(world, dependent, signedBy(world.eoa, dependentId)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentDependencyNotMet")
      .withArgs(dependentId, world.eoa.address, first.id);
    await (await relayAtEoa(world, first.intent, signedBy(world.eoa, first.id))).wait();
    await expect(relayAtEoa(world, dependent, signedBy(world.eoa, dependentId)))
      .to.emit(world.eoaWallet, "IntentRelayed")
      .withArgs(dependentId, world.sender.address, true);
  });

  it("answers ERC-1271 for the EOA's key, replay-safe: the same signature is no on a clone", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const hash = keccakText("a message");
    const safe = getReplaySafeHash({ hash, wallet: world.eoa.address, chainId: world.chainId });
    const signature = world.eoa.signingKey.sign(safe).serialized;
    expect(await world.eoaWallet.isValidSignature(hash, signature)).to.equal("0x1626ba7e");
    expect(
      await world.eoaWallet.isValidSignature(
        hash,
        Wallet.createRandom().signingKey.sign(safe).serialized,
      ),
    ).to.equal("0xffffffff");
    expect(await world.wallet.isValidSignature(hash, signature)).to.equal("0xffffffff");
  });

  it("lets the EOA add a key: a 2-of-2 set then needs both signatures", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    await world.owner.sendTransaction({ to: world.eoa.address, value: 10n ** 18n });
    const second = new Wallet(keccakText("IntentWallet EIP-7702 test: a second key"));
    await (await world.eoaWallet.connect(world.eoa).enrollSigner(second.address)).wait();
    await (await world.eoaWallet.connect(world.eoa).setSigningThreshold(2n)).wait();
    const [keys, threshold] = await world.eoaWallet.listKeys();
    expect(keys.map((key) => key.toLowerCase())).to.deep.equal([
      world.eoa.address.toLowerCase(),
      second.address.toLowerCase(),
    ]);
    expect(threshold).to.equal(2n);
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world)], 11n);
    const one = [{ secp256k1: world.eoa.signingKey.sign(id).serialized }];
    await expect(relayAtEoa(world, intent, toKeySetSignature(one)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentBelowThreshold")
      .withArgs(id, 1n, 2n);
    await expect(relayAtEoa(world, intent, signedBy(world.eoa, id)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentInvalidSignature")
      .withArgs(id);
    const both = [...one, { secp256k1: second.signingKey.sign(id).serialized }];
    await expect(relayAtEoa(world, intent, toKeySetSignature(both)))
      .to.emit(world.eoaWallet, "IntentRelayed")
      .withArgs(id, world.sender.address, true);
  });

  it("trades with a session key its own key granted, the grant carried in the first session intent", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const module = await ethers.deployContract("SessionKeyModule");
    const exchange = await ethers.deployContract("MockExchange");
    const moduleAddress = await module.getAddress();
    const exchangeAddress = await exchange.getAddress();
    await world.owner.sendTransaction({ to: world.eoa.address, value: 10n ** 18n });
    await (await world.eoaWallet.connect(world.eoa).installModule(moduleAddress)).wait();
    const sessionKey = new Wallet(keccakText("IntentWallet EIP-7702 test: the app's session key"));
    const block = await ethers.provider.getBlock("latest");
    const grant = buildSessionGrant({
      wallet: world.eoa.address,
      app: "trade.example.com",
      sessionKey: sessionKey.address,
      permissions: [{ target: exchangeAddress, functionSignature: "placeOrder(uint256,uint256)" }],
      validUntil: BigInt(block!.timestamp) + 3600n,
    });
    const carry = await signSessionGrant({
      signer: world.eoa,
      grant,
      module: moduleAddress,
      chainId: world.chainId,
    });
    const order = exchange.interface.encodeFunctionData("placeOrder", [1n, 2n]);
    /** An order signed by the session key, carrying `grantCarried`. */
    const orderIntent = (salt: bigint, grantCarried: typeof carry) =>
      signSessionIntent({
        sessionKey,
        intent: buildIntent({
          now: BigInt(block!.timestamp),
          calls: [{ to: exchangeAddress, value: 0n, data: order }],
          salt,
        }),
        wallet: world.eoa.address,
        chainId: world.chainId,
        module: moduleAddress,
        carry: grantCarried,
      });
    const signed = await orderIntent(21n, carry);
    await expect(relayAtEoa(world, signed.intent, signed.signature))
      .to.emit(world.eoaWallet, "IntentRelayed")
      .withArgs(signed.id, world.sender.address, true);
    // A stranger's grant for the same key is refused.
    const strangerCarry = await signSessionGrant({
      signer: Wallet.createRandom(),
      grant,
      module: moduleAddress,
      chainId: world.chainId,
    });
    const forged = await orderIntent(22n, {
      ...strangerCarry,
      grant: { ...grant, salt: grant.salt + 1n },
    });
    await expect(relayAtEoa(world, forged.intent, forged.signature)).to.be.revertedWithCustomError(
      module,
      "GrantInvalidOwnerSignature",
    );
    expect(await world.eoaWallet.intentStatus(forged.id)).to.equal(IntentStatus.None);
  });

  it("hands itself to a key set that names its own address, which a clone's set may not", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    await world.owner.sendTransaction({ to: world.eoa.address, value: 10n ** 18n });
    const second = new Wallet(keccakText("IntentWallet EIP-7702 test: a second key"));
    await (
      await world.eoaWallet.connect(world.eoa).handToKeySet([world.eoa.address, second.address], 2n)
    ).wait();
    const [keys, threshold] = await world.eoaWallet.listKeys();
    expect(keys.map((key) => key.toLowerCase())).to.deep.equal([
      world.eoa.address.toLowerCase(),
      second.address.toLowerCase(),
    ]);
    expect(threshold).to.equal(2n);
    await expect(
      world.wallet.connect(world.owner).handToKeySet([world.walletAddress, second.address], 1n),
    )
      .to.be.revertedWithCustomError(world.wallet, "WalletInvalidKey")
      .withArgs(world.walletAddress.toLowerCase());
  });

  it("survives a re-delegation away and back: its receipts still refuse a replay", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    const { intent, id } = await intentFor(world, world.eoa.address, [pingCall(world)], 5n);
    await (await relayAtEoa(world, intent, signedBy(world.eoa, id))).wait();
    const elsewhere = world.target.target as string;
    await (
      await world.sender.sendTransaction({
        to: ZeroAddress,
        type: 4,
        authorizationList: [await authorization(world, elsewhere)],
      })
    ).wait();
    expect(await ethers.provider.getCode(world.eoa.address)).to.equal(
      concat(["0xef0100", elsewhere]).toLowerCase(),
    );
    await (
      await world.sender.sendTransaction({
        to: ZeroAddress,
        type: 4,
        authorizationList: [await authorization(world, world.implementationAddress)],
      })
    ).wait();
    expect(await world.eoaWallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
    await expect(relayAtEoa(world, intent, signedBy(world.eoa, id)))
      .to.be.revertedWithCustomError(world.eoaWallet, "IntentAlreadyRelayed")
      .withArgs(id);
  });

  it("ignores an authorization signed for another chain: the EOA keeps no code", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const foreign = await authorization(world, world.implementationAddress, world.chainId + 1n);
    await (
      await world.sender.sendTransaction({ to: ZeroAddress, type: 4, authorizationList: [foreign] })
    ).wait();
    expect(await ethers.provider.getCode(world.eoa.address)).to.equal("0x");
  });

  it("still sends the EOA's own ordinary transactions while delegated", async function () {
    const world = await networkHelpers.loadFixture(delegatedFixture);
    await world.owner.sendTransaction({ to: world.eoa.address, value: 10n ** 18n });
    const before = await ethers.provider.getBalance(world.stranger.address);
    await (await world.eoa.sendTransaction({ to: world.stranger.address, value: 1000n })).wait();
    expect(await ethers.provider.getBalance(world.stranger.address)).to.equal(before + 1000n);
    await (await world.eoaWallet.connect(world.eoa).execute([pingCall(world, 9n)])).wait();
  });

  it("leaves the implementation unusable as a wallet", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    expect(await world.implementation.owner()).to.equal(ZeroAddress);
    const { intent, id } = await intentFor(world, world.implementationAddress, [pingCall(world)]);
    await expect(
      world.implementation.connect(world.relayer).relay(intent, signedBy(world.eoa, id)),
    ).to.be.revertedWithCustomError(world.implementation, "WalletImplementationLocked");
  });
});

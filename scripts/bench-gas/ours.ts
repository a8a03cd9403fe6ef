/**
 * Ours: IntentWallets created by the WalletFactory, their intents signed by the owner (or by a
 * session key) and relayed by a separate relayer account, bundles through the IntentBatcher.
 */
import assert from "node:assert/strict";

import type { Wallet } from "ethers";

import {
  type SignedSessionGrant,
  buildIntent,
  buildSessionGrant,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  encodeBatchEntries,
  encodeRelayPacked,
  type SignedIntent,
} from "../../src/sdk/index.js";
import type {
  IntentBatcher,
  IntentWallet,
  SessionKeyModule,
  WalletFactory,
} from "../../typechain-types/index.js";
import {
  AMOUNT,
  FIXED_EXPIRATION,
  INITIAL_TOKENS,
  type World,
  gasUsed,
  measureTransfers,
  transferCalls,
} from "./world.js";

/** Ours' contracts, and the wallet the steady-state rows use once created. */
export interface Ours {
  world: World;
  factory: WalletFactory;
  sessionModule: SessionKeyModule;
  moduleAddress: string;
  batcher: IntentBatcher;
  /** The next wallet salt. */
  nextWalletSalt: bigint;
  /** The wallet of the creation row, used by the steady-state rows. */
  main?: MainWallet;
}

interface MainWallet {
  owner: Wallet;
  address: string;
  contract: IntentWallet;
  /** The next intent salt of an owner intent. */
  nextIntentSalt: bigint;
  /** The session key granted by `grantSessionKey`, and the next salt of its intents. */
  session?: { key: Wallet; grant: SignedSessionGrant; nextIntentSalt: bigint };
}

/** Deploys the IntentWallet implementation, the factory, the session-key module and the batcher. */
export async function deploy(world: World): Promise<Ours> {
  const { ethers, deployer } = world;
  const implementation = await ethers.deployContract("IntentWallet", [], deployer);
  const factory = await ethers.deployContract(
    "WalletFactory",
    [await implementation.getAddress()],
    deployer,
  );
  const sessionModule = await ethers.deployContract("SessionKeyModule", [], deployer);
  const batcher = await ethers.deployContract("IntentBatcher", [], deployer);
  const moduleAddress = await sessionModule.getAddress();
  return { world, factory, sessionModule, moduleAddress, batcher, nextWalletSalt: 0n };
}

/** Row "wallet creation": `createWallet`; the wallet then gets its tokens and is the main one. */
export async function createWallet(ours: Ours, owner: Wallet): Promise<bigint> {
  const { world } = ours;
  const wallet = await newWallet(ours, owner);
  const gas = await gasUsed(wallet.create());
  const contract = await world.ethers.getContractAt("IntentWallet", wallet.address);
  assert.equal(await contract.owner(), owner.address);
  await world.token.mint(wallet.address, INITIAL_TOKENS);
  ours.main = { owner, address: wallet.address, contract, nextIntentSalt: 1n };
  return gas;
}

/** Row "creation + first transfer": `createWalletAndRelay` of a funded counterfactual wallet. */
export async function createWalletAndTransfer(
  ours: Ours,
  owner: Wallet,
  to: string,
): Promise<bigint> {
  const { world, factory } = ours;
  const wallet = await newWallet(ours, owner);
  await world.token.mint(wallet.address, INITIAL_TOKENS);
  const signed = await signedIntent(ours, owner, wallet.address, [to], 0n);
  return measureTransfers(world, wallet.address, [to], () =>
    factory
      .connect(world.relayer)
      .createWalletAndRelay(owner.address, wallet.salt, signed.intent, signed.signature),
  );
}

/** Rows "transfer" and "batch": one owner intent of the main wallet paying each recipient. */
export async function transfer(ours: Ours, recipients: string[]): Promise<bigint> {
  const main = mainWallet(ours);
  const salt = main.nextIntentSalt++;
  const signed = await signedIntent(ours, main.owner, main.address, recipients, salt);
  const gas = await measureTransfers(ours.world, main.address, recipients, () =>
    relayPacked(ours.world, signed),
  );
  assert.equal(await main.contract.intentStatus(signed.id), 1n);
  return gas;
}

/**
 * Installs the session-key module on the main wallet (by owner intent: installModule is
 * owner-only) and signs a grant to `key` for the token's `transfer` (not measured).
 */
export async function grantSessionKey(ours: Ours, key: Wallet): Promise<void> {
  const { world, moduleAddress } = ours;
  const main = mainWallet(ours);
  const install = buildIntent({
    calls: [
      {
        to: main.address,
        data: main.contract.interface.encodeFunctionData("installModule", [moduleAddress]),
      },
    ],
    salt: 10n,
    expiration: FIXED_EXPIRATION,
  });
  const signed = await signIntent({
    signer: main.owner,
    intent: install,
    wallet: main.address,
    chainId: world.chainId,
  });
  await gasUsed(main.contract.connect(world.relayer).relay(signed.intent, signed.signature));
  const grant = buildSessionGrant({
    wallet: main.address,
    app: "bench-gas",
    sessionKey: key.address,
    permissions: [{ target: world.tokenAddress, functionSignature: "transfer(address,uint256)" }],
    validUntil: FIXED_EXPIRATION,
  });
  const signedGrant = await signSessionGrant({
    signer: main.owner,
    grant,
    module: moduleAddress,
    chainId: world.chainId,
  });
  main.session = { key, grant: signedGrant, nextIntentSalt: 100n };
}

/**
 * Rows "session-key transfer": one intent of the main wallet signed by the granted session key,
 * paying `to`; with `carryGrant` the grant rides along (first use) and is registered on the way.
 */
export async function sessionKeyTransfer(
  ours: Ours,
  to: string,
  carryGrant: boolean,
): Promise<bigint> {
  const { world, moduleAddress } = ours;
  const main = mainWallet(ours);
  assert(main.session, "grantSessionKey first");
  const intent = buildIntent({
    calls: transferCalls(world, [to]),
    salt: main.session.nextIntentSalt++,
    expiration: FIXED_EXPIRATION,
  });
  const signed = await signSessionIntent({
    sessionKey: main.session.key,
    intent,
    wallet: main.address,
    chainId: world.chainId,
    module: moduleAddress,
    carry: carryGrant ? main.session.grant : undefined,
  });
  const gas = await measureTransfers(world, main.address, [to], () => relayPacked(world, signed));
  assert.equal(await main.contract.intentStatus(signed.id), 1n);
  return gas;
}

/**
 * Row "10 wallets x 1 transfer": a wallet per owner (created and funded first, not measured),
 * then one `relayBatch` of one intent each, wallet i paying recipient i.
 */
export async function bundle(ours: Ours, owners: Wallet[], recipients: string[]): Promise<bigint> {
  const { world } = ours;
  const wallets: string[] = [];
  for (const owner of owners) {
    const wallet = await newWallet(ours, owner);
    await gasUsed(wallet.create());
    await world.token.mint(wallet.address, INITIAL_TOKENS);
    wallets.push(wallet.address);
  }
  const entries = [];
  for (const [i, owner] of owners.entries()) {
    const signed = await signedIntent(ours, owner, wallets[i], [recipients[i]], 1n);
    entries.push(signed);
  }
  const before = await Promise.all(recipients.map((to) => world.token.balanceOf(to)));
  const gas = await gasUsed(
    ours.batcher.connect(world.relayer).relayBatch(encodeBatchEntries(entries)),
  );
  for (const [i, to] of recipients.entries()) {
    assert.equal(await world.token.balanceOf(to), before[i] + AMOUNT);
    assert.equal(await world.token.balanceOf(wallets[i]), INITIAL_TOKENS - AMOUNT);
  }
  return gas;
}

/** The next wallet of `owner`: its counterfactual address, salt, and its creation. */
async function newWallet(ours: Ours, owner: Wallet) {
  const { factory, world } = ours;
  const salt = ours.nextWalletSalt++;
  const address = await factory.walletAddress(owner.address, salt);
  const create = () => factory.connect(world.relayer).createWallet(owner.address, salt);
  return { address, salt, create };
}

/** An owner intent of `wallet` paying each recipient, signed. */
export async function signedIntent(
  ours: Ours,
  owner: Wallet,
  wallet: string,
  recipients: string[],
  salt: bigint,
) {
  const intent = buildIntent({
    calls: transferCalls(ours.world, recipients),
    salt,
    expiration: FIXED_EXPIRATION,
  });
  return signIntent({ signer: owner, intent, wallet, chainId: ours.world.chainId });
}

/** Sends `signed` from the relayer as `relayPacked` calldata, the form a relayer sends. */
export function relayPacked(world: World, signed: SignedIntent) {
  return world.relayer.sendTransaction({ to: signed.wallet, data: encodeRelayPacked(signed) });
}

function mainWallet(ours: Ours): MainWallet {
  assert(ours.main, "createWallet first");
  return ours.main;
}

/**
 * The benchmark's world: the in-process network, its signers, the token every row transfers, the
 * fixed keys and addresses the rows use, and the measurement of a transaction's gas.
 *
 * Every figure is exact and the same on every run: keys, addresses and expirations are fixed, so
 * calldata (whose zero bytes cost less) and signatures never vary. gas-snapshot.json relies on it.
 */
import assert from "node:assert/strict";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse, TransactionResponse, Wallet } from "ethers";
import { network } from "hardhat";

import type { MockERC20 } from "../../typechain-types/index.js";

export const TOKEN_UNIT = 10n ** 18n;
/** What every measured transfer sends. */
export const AMOUNT = 10n * TOKEN_UNIT;
/** What every sending account holds before its first measured transfer. */
export const INITIAL_TOKENS = 1_000n * TOKEN_UNIT;
/** A fixed expiration (2100-01-01) and session deadline: the clock never changes calldata. */
export const FIXED_EXPIRATION = 4_102_444_800n;

/** A transaction being sent. */
export type Sending = Promise<ContractTransactionResponse | TransactionResponse>;

/** Fixed keys and addresses, the same sequence on every run. */
export interface Sequence {
  /** A fresh address that has never held tokens or ETH. */
  freshAddress(): string;
  /** A fixed key; as an owner it signs only and never holds ETH. */
  newKey(): Wallet;
  /** `count` fresh addresses, each minted one token: recipients that already hold tokens. */
  fundedRecipients(count: number): Promise<string[]>;
}

/** The network, its signers and the token, with the first peers' sequence of keys and addresses. */
export interface World extends Sequence {
  ethers: HardhatEthers;
  chainId: bigint;
  /** Deploys the first peers' contracts, funds accounts and mints tokens. */
  deployer: HardhatEthersSigner;
  /** Deploys the peers added later, so their addresses never depend on the first peers'. */
  laterDeployer: HardhatEthersSigner;
  /** Sends the measured transactions of ours and Safe. */
  relayer: HardhatEthersSigner;
  /** Sends the measured `handleOps` of the ERC-4337 accounts. */
  bundler: HardhatEthersSigner;
  /** The plain EOA of the baselines. */
  eoaSender: HardhatEthersSigner;
  token: MockERC20;
  tokenAddress: string;
  /**
   * Another sequence, for a peer added later: its keys and addresses never change when the first
   * peers draw more or fewer of theirs.
   */
  sequence(label: string): Sequence;
}

/** Connects to a new in-process network and deploys the token (the deployer's first contract). */
export async function createWorld(): Promise<World> {
  const { ethers } = await network.create();
  const { chainId } = await ethers.provider.getNetwork();
  const [deployer, relayer, bundler, eoaSender, laterDeployer] = await ethers.getSigners();
  const token = await ethers.deployContract("MockERC20", [], deployer);
  const sequence = (label: string) => createSequence(ethers, token, label);
  return {
    ...sequence(""),
    ethers,
    chainId,
    deployer,
    laterDeployer,
    relayer,
    bundler,
    eoaSender,
    token,
    tokenAddress: await token.getAddress(),
    sequence,
  };
}

/** The sequence named `label`; the empty label is the first peers' (`bench-gas key 0`, ...). */
function createSequence(ethers: HardhatEthers, token: MockERC20, label: string): Sequence {
  const prefix = label === "" ? "bench-gas" : `bench-gas ${label}`;
  let addressCount = 0;
  let keyCount = 0;
  const freshAddress = () =>
    ethers.getAddress(ethers.dataSlice(ethers.id(`${prefix} address ${addressCount++}`), 0, 20));
  const newKey = () => new ethers.Wallet(ethers.id(`${prefix} key ${keyCount++}`), ethers.provider);
  const fundedRecipients = async (count: number) => {
    const recipients = Array.from({ length: count }, freshAddress);
    for (const recipient of recipients) await token.mint(recipient, TOKEN_UNIT);
    return recipients;
  };
  return { freshAddress, newKey, fundedRecipients };
}

/** The receipt's gasUsed of a transaction, which must succeed. */
export async function gasUsed(tx: Sending): Promise<bigint> {
  const receipt = await (await tx).wait();
  assert.equal(receipt!.status, 1, "transaction reverted");
  return receipt!.gasUsed;
}

/** The token's `transfer(to, AMOUNT)` call data. */
export function transferData(world: World, to: string): string {
  return world.token.interface.encodeFunctionData("transfer", [to, AMOUNT]);
}

/** One token transfer of AMOUNT to each recipient, as calls. */
export function transferCalls(
  world: World,
  recipients: string[],
): Array<{ to: string; data: string }> {
  return recipients.map((to) => ({ to: world.tokenAddress, data: transferData(world, to) }));
}

/** Runs `send`, then checks that each recipient received AMOUNT and `sender` lost them all. */
export async function measureTransfers(
  world: World,
  sender: string,
  recipients: string[],
  send: () => Sending,
): Promise<bigint> {
  const { token } = world;
  const senderBefore = await token.balanceOf(sender);
  const before = await Promise.all(recipients.map((to) => token.balanceOf(to)));
  const gas = await gasUsed(send());
  for (const [i, to] of recipients.entries()) {
    assert.equal(await token.balanceOf(to), before[i] + AMOUNT, `recipient ${to} not paid`);
  }
  assert.equal(await token.balanceOf(sender), senderBefore - BigInt(recipients.length) * AMOUNT);
  return gas;
}

/**
 * Deploys the next contracts of `world.deployer` from `nonce` on. The first peers' figures were
 * recorded with their contracts at these addresses (some are in calldata, or in what is signed),
 * so a peer that deploys fewer contracts leaves a gap; one that deploys more must use its own
 * deployer rather than move the next peer's addresses.
 */
export async function deployFromNonce(world: World, nonce: number): Promise<void> {
  const current = await world.deployer.getNonce();
  if (current > nonce) {
    throw new Error(
      `deployer nonce ${current} is past ${nonce}: the previous peer deployed more contracts than it did when the figures were recorded; deploy them from another account`,
    );
  }
  if (current < nonce) {
    await world.ethers.provider.send("hardhat_setNonce", [
      world.deployer.address,
      world.ethers.toQuantity(nonce),
    ]);
  }
}

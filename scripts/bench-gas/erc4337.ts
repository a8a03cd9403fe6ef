/**
 * ERC-4337 v0.8: accounts operated through the EntryPoint by user operations that their owner
 * signs and a separate bundler account sends in `handleOps`. The rows here serve any account kind:
 * a kind says how its factory creates an account and how it encodes calls. Each column pays for
 * gas one of two ways (`Flow`).
 */
import assert from "node:assert/strict";

import type { Wallet } from "ethers";

import type { EntryPoint } from "../../typechain-types/index.js";
import { AMOUNT, INITIAL_TOKENS, type World, transferCalls } from "./world.js";

/** What the rows need to know of an account kind. */
export interface AccountKind {
  /** The factory that the initCode calls (through the EntryPoint's SenderCreator). */
  factoryAddress: string;
  /** The counterfactual address of the account of `owner` and `salt`. */
  accountAddress(owner: string, salt: bigint): Promise<string>;
  /** The factory call that creates that account. */
  createAccountData(owner: string, salt: bigint): string;
  /** The account's call data making `calls` (each without value). */
  executeData(calls: Array<{ to: string; data: string }>): string;
}

/**
 * How an account pays the EntryPoint for its operations:
 * - `deposit`: from a deposit made beforehand (`depositTo`), large enough that no operation asks
 *   the account for more;
 * - `paysInOp`: the usual flow, no deposit made: the account holds ETH and, in validation, sends
 *   the EntryPoint the `missingAccountFunds` (the prefund less its deposit); what the operation
 *   leaves of the prefund is refunded to its deposit, which the next operation tops up again.
 */
export type Flow = "deposit" | "paysInOp";

/** One column: accounts of one kind and flow, and the account the steady-state rows use. */
export interface Erc4337Column {
  world: World;
  entryPoint: EntryPoint;
  kind: AccountKind;
  flow: Flow;
  /** The next account salt. */
  nextSalt: bigint;
  /** The account of the creation row, used by the steady-state rows. */
  main?: Account;
}

interface Account {
  owner: Wallet;
  address: string;
  initCode: string;
}

type UserOp = Awaited<ReturnType<typeof userOp>>;

/** Deploys the v0.8 EntryPoint. */
export async function deployEntryPoint(world: World): Promise<EntryPoint> {
  return world.ethers.deployContract("EntryPoint", [], world.deployer);
}

/** A column of accounts of `kind` operated through `entryPoint`, paying as `flow` says. */
export function column(
  world: World,
  entryPoint: EntryPoint,
  kind: AccountKind,
  flow: Flow,
): Erc4337Column {
  return { world, entryPoint, kind, flow, nextSalt: 0n };
}

/**
 * Row "wallet creation": a `handleOps` whose one user operation carries the initCode and no call
 * (SimpleAccountFactory answers only the EntryPoint's SenderCreator). The account then gets its
 * tokens and is the main one: that operation already made its nonce non-zero.
 */
export async function createAccount(column: Erc4337Column, owner: Wallet): Promise<bigint> {
  const { world } = column;
  const account = await newAccount(column, owner);
  const gas = await sendOps(column, [await userOp(column, account, [], account.initCode)], [[]]);
  assert.notEqual(await world.ethers.provider.getCode(account.address), "0x");
  await world.token.mint(account.address, INITIAL_TOKENS);
  column.main = account;
  return gas;
}

/** Row "creation + first transfer": one user operation with the initCode and the transfer. */
export async function createAccountAndTransfer(
  column: Erc4337Column,
  owner: Wallet,
  to: string,
): Promise<bigint> {
  const account = await newAccount(column, owner);
  await column.world.token.mint(account.address, INITIAL_TOKENS);
  return sendOps(column, [await userOp(column, account, [to], account.initCode)], [[to]]);
}

/** Rows "transfer" and "batch": one user operation of the main account paying each recipient. */
export async function transfer(column: Erc4337Column, recipients: string[]): Promise<bigint> {
  assert(column.main, "createAccount first");
  return sendOps(column, [await userOp(column, column.main, recipients)], [recipients]);
}

/**
 * Row "10 accounts x 1 transfer": an account per owner (created by its own user operation and
 * funded first, not measured), then one `handleOps` of one user operation each, account i paying
 * recipient i.
 */
export async function bundle(
  column: Erc4337Column,
  owners: Wallet[],
  recipients: string[],
): Promise<bigint> {
  const accounts: Account[] = [];
  for (const owner of owners) {
    const account = await newAccount(column, owner);
    await sendOps(column, [await userOp(column, account, [], account.initCode)], [[]]);
    await column.world.token.mint(account.address, INITIAL_TOKENS);
    accounts.push(account);
  }
  const ops = [];
  for (const [i, account] of accounts.entries()) {
    ops.push(await userOp(column, account, [recipients[i]]));
  }
  return sendOps(
    column,
    ops,
    recipients.map((to) => [to]),
  );
}

/**
 * The next account of `owner`, not yet created, with 1 ETH: deposited in the EntryPoint for it
 * (flow `deposit`) or sent to its counterfactual address (flow `paysInOp`).
 */
async function newAccount(column: Erc4337Column, owner: Wallet): Promise<Account> {
  const { world, kind, entryPoint } = column;
  const salt = column.nextSalt++;
  const address = await kind.accountAddress(owner.address, salt);
  const initCode = world.ethers.concat([
    kind.factoryAddress,
    kind.createAccountData(owner.address, salt),
  ]);
  const value = world.ethers.parseEther("1");
  if (column.flow === "deposit") await entryPoint.depositTo(address, { value });
  else await world.deployer.sendTransaction({ to: address, value });
  return { owner, address, initCode };
}

/** A user operation of `account` paying each recipient, signed by its owner. */
async function userOp(
  column: Erc4337Column,
  account: Account,
  recipients: string[],
  initCode = "0x",
) {
  const { world, entryPoint, kind } = column;
  const { ethers } = world;
  const op = {
    sender: account.address,
    nonce: await entryPoint.getNonce(account.address, 0n),
    initCode,
    callData: recipients.length === 0 ? "0x" : kind.executeData(transferCalls(world, recipients)),
    accountGasLimits: packUints(verificationGasLimit(column.flow, initCode), 200_000n),
    preVerificationGas: 50_000n,
    gasFees: packUints(ethers.parseUnits("1", "gwei"), ethers.parseUnits("10", "gwei")),
    paymasterAndData: "0x",
    signature: "0x",
  };
  // v0.8's userOpHash is an EIP-712 hash, which the accounts recover the owner from directly.
  const userOpHash = await entryPoint.getUserOpHash(op);
  op.signature = account.owner.signingKey.sign(userOpHash).serialized;
  return op;
}

/**
 * 500,000 for a creation, 100,000 otherwise; but always 500,000 for an account that pays in its
 * operations. The limits only set the prefund (limits x maxFeePerGas), never the gas used; an
 * account whose operations all ask the same prefund tops its deposit up in every one (its
 * deposit is what the previous one left of that same prefund), whereas the larger prefund of a
 * creation would leave enough for the next operations to pay nothing in.
 */
function verificationGasLimit(flow: Flow, initCode: string): bigint {
  return flow === "paysInOp" || initCode !== "0x" ? 500_000n : 100_000n;
}

/** Two 128-bit values packed in one word, high first (accountGasLimits, gasFees). */
function packUints(high: bigint, low: bigint): string {
  return `0x${((high << 128n) | low).toString(16).padStart(64, "0")}`;
}

/**
 * Sends `ops` in one `handleOps` from the bundler and returns its gasUsed, after checking that
 * every operation succeeded, that op i's sender paid AMOUNT to each of `recipients[i]`, and that
 * it paid the operation's gas as its column's flow says.
 */
async function sendOps(column: Erc4337Column, ops: UserOp[], recipients: string[][]) {
  const { world, entryPoint } = column;
  const { token } = world;
  const senders = ops.map((op) => op.sender);
  const senderBefore = await Promise.all(senders.map((s) => token.balanceOf(s)));
  const fundsBefore = await Promise.all(senders.map((s) => gasFunds(column, s)));
  const flat = recipients.flat();
  const before = await Promise.all(flat.map((to) => token.balanceOf(to)));
  const receipt = await (
    await entryPoint.connect(world.bundler).handleOps(ops, world.bundler.address)
  ).wait();
  assert.equal(receipt!.status, 1, "handleOps reverted");
  const events = await entryPoint.queryFilter(
    entryPoint.filters.UserOperationEvent(),
    receipt!.blockNumber,
    receipt!.blockNumber,
  );
  assert.equal(events.length, ops.length, "missing UserOperationEvent");
  for (const event of events) assert.equal(event.args.success, true, "user operation failed");
  for (const [i, event] of events.entries()) {
    assert.equal(event.args.sender, senders[i]);
    await checkGasPayment(column, fundsBefore[i], event.args.actualGasCost);
  }
  for (const [i, to] of flat.entries()) {
    assert.equal(await token.balanceOf(to), before[i] + AMOUNT, `recipient ${to} not paid`);
  }
  for (const [i, sender] of senders.entries()) {
    const sent = BigInt(recipients[i].length) * AMOUNT;
    assert.equal(await token.balanceOf(sender), senderBefore[i] - sent);
  }
  return receipt!.gasUsed;
}

/** What an account has to pay gas with: its ETH and its EntryPoint deposit. */
async function gasFunds(column: Erc4337Column, account: string) {
  const eth = await column.world.ethers.provider.getBalance(account);
  return { account, eth, deposit: await column.entryPoint.balanceOf(account) };
}

/**
 * Checks that the account paid `actualGasCost` exactly, from its deposit only (flow `deposit`) or
 * partly from its ETH in the operation, its deposit keeping the refund (flow `paysInOp`).
 */
async function checkGasPayment(
  column: Erc4337Column,
  before: Awaited<ReturnType<typeof gasFunds>>,
  actualGasCost: bigint,
) {
  const after = await gasFunds(column, before.account);
  const paidInOp = before.eth - after.eth;
  assert.equal(paidInOp + before.deposit - after.deposit, actualGasCost, "gas cost not paid");
  if (column.flow === "deposit") {
    assert.equal(paidInOp, 0n, "an account with a deposit paid in its operation");
  } else {
    assert(paidInOp > 0n, "the account paid nothing in its operation");
    assert(after.deposit > 0n, "no refund left in the deposit");
  }
}

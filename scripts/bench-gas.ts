/**
 * Side-by-side gas benchmark: IntentWallet against Safe 1.4.1 and an ERC-4337 v0.8 SimpleAccount,
 * each against a plain EOA doing the same, measured as receipt `gasUsed` of successful
 * transactions on the in-process Hardhat network, with every token balance change checked.
 *
 *   hardhat run scripts/bench-gas.ts     (or: npm run bench:gas)
 *
 * The peers are compiled from their npm packages (see hardhat.config.ts). Owners only sign; every
 * measured transaction is sent by a separate relayer (ours, Safe) or bundler (4337) account.
 * Accounts are measured in steady state: deployed, funded and with one operation already done
 * (so no nonce slot goes from zero to non-zero inside a measured transaction), except in the
 * creation rows. The 4337 accounts pay from an EntryPoint deposit made beforehand.
 *
 * Prints one table and writes gas-benchmark figures to gas-bench.json at the repository root.
 * With GAS_SNAPSHOT=check it then compares them with the committed gas-snapshot.json and fails on
 * any difference (`npm run gas:check`, part of `npm test`); GAS_SNAPSHOT=write updates that file
 * (`npm run gas:snapshot`).
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import type { BaseContract, ContractTransactionResponse, TransactionResponse } from "ethers";
import { network } from "hardhat";

import {
  buildIntent,
  buildSessionGrant,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  encodeBatchEntries,
} from "../src/sdk/index.js";
import { type GasSnapshot, compareGasSnapshots, formatGasChanges } from "./gasSnapshot.js";

const { ethers } = await network.create();
const { chainId } = await ethers.provider.getNetwork();
const [deployer, relayer, bundler, eoaSender] = await ethers.getSigners();

const TOKEN_UNIT = 10n ** 18n;
const AMOUNT = 10n * TOKEN_UNIT;
const INITIAL_TOKENS = 1_000n * TOKEN_UNIT;
const ZERO = ethers.ZeroAddress;

async function gasUsed(
  tx: Promise<ContractTransactionResponse | TransactionResponse>,
): Promise<bigint> {
  const receipt = await (await tx).wait();
  assert.equal(receipt!.status, 1, "transaction reverted");
  return receipt!.gasUsed;
}

// Every figure is exact and the same on every run: keys, addresses and expirations are fixed, so
// calldata (whose zero bytes cost less) and signatures never vary. gas-snapshot.json relies on it.

/** A fixed expiration (2100-01-01) and session deadline: the clock never changes calldata. */
const FIXED_EXPIRATION = 4_102_444_800n;

let addressCount = 0;
/** A fresh address that has never held tokens or ETH (the same sequence on every run). */
function freshAddress(): string {
  return ethers.getAddress(
    ethers.dataSlice(ethers.id(`bench-gas address ${addressCount++}`), 0, 20),
  );
}

let keyCount = 0;
/** A fixed key (the same sequence on every run). */
function fixedKey() {
  return new ethers.Wallet(ethers.id(`bench-gas key ${keyCount++}`), ethers.provider);
}

/** An owner key: signs only, never holds ETH. */
function newOwner() {
  return fixedKey();
}

async function addressOf(contract: BaseContract): Promise<string> {
  return contract.getAddress();
}

// ---------------------------------------------------------------------------------------------
// Setup (not measured).
// ---------------------------------------------------------------------------------------------

const token = await ethers.deployContract("MockERC20", [], deployer);
const tokenAddress = await addressOf(token);
const transferData = (to: string) => token.interface.encodeFunctionData("transfer", [to, AMOUNT]);

/** `count` recipients that already hold tokens. */
async function fundedRecipients(count: number): Promise<string[]> {
  const recipients = Array.from({ length: count }, freshAddress);
  for (const recipient of recipients) await token.mint(recipient, TOKEN_UNIT);
  return recipients;
}

/** Runs `send`, then checks that each recipient received AMOUNT and `sender` lost them all. */
async function measureTransfers(
  sender: string,
  recipients: string[],
  send: () => Promise<ContractTransactionResponse | TransactionResponse>,
): Promise<bigint> {
  const senderBefore = await token.balanceOf(sender);
  const before = await Promise.all(recipients.map((to) => token.balanceOf(to)));
  const gas = await gasUsed(send());
  for (const [i, to] of recipients.entries()) {
    assert.equal(await token.balanceOf(to), before[i] + AMOUNT, `recipient ${to} not paid`);
  }
  assert.equal(await token.balanceOf(sender), senderBefore - BigInt(recipients.length) * AMOUNT);
  return gas;
}

// Ours.
const implementation = await ethers.deployContract("IntentWallet", [], deployer);
const factory = await ethers.deployContract(
  "WalletFactory",
  [await addressOf(implementation)],
  deployer,
);
const sessionModule = await ethers.deployContract("SessionKeyModule", [], deployer);
const moduleAddress = await addressOf(sessionModule);
const batcher = await ethers.deployContract("IntentBatcher", [], deployer);

// Safe 1.4.1.
const safeSingleton = await ethers.deployContract("Safe", [], deployer);
const safeProxyFactory = await ethers.deployContract("SafeProxyFactory", [], deployer);
const multiSend = await ethers.deployContract("MultiSendCallOnly", [], deployer);

// ERC-4337 v0.8.
const entryPoint = await ethers.deployContract("EntryPoint", [], deployer);
const entryPointAddress = await addressOf(entryPoint);
const accountFactory = await ethers.deployContract(
  "SimpleAccountFactory",
  [entryPointAddress],
  deployer,
);
const accountFactoryAddress = await addressOf(accountFactory);
// SimpleAccount is built as part of SimpleAccountFactory (no artifact of its own): its two calls.
const simpleAccountInterface = new ethers.Interface([
  "function execute(address target, uint256 value, bytes data)",
  "function executeBatch((address target, uint256 value, bytes data)[] calls)",
]);

// ---------------------------------------------------------------------------------------------
// Helpers per account kind.
// ---------------------------------------------------------------------------------------------

type Owner = ReturnType<typeof newOwner>;

// Ours: an intent's calls, signed by the owner.
async function signedIntent(owner: Owner, wallet: string, recipients: string[], salt: bigint) {
  const intent = buildIntent({
    calls: recipients.map((to) => ({ to: tokenAddress, data: transferData(to) })),
    salt,
    expiration: FIXED_EXPIRATION,
  });
  return signIntent({ signer: owner, intent, wallet, chainId });
}
let ourSalt = 0n;
async function ourWallet(owner: Owner) {
  const salt = ourSalt++;
  const address = await factory.walletAddress(owner.address, salt);
  const create = () => factory.connect(relayer).createWallet(owner.address, salt);
  return { address, salt, create };
}
async function relayOurs(owner: Owner, wallet: string, recipients: string[], salt: bigint) {
  const signed = await signedIntent(owner, wallet, recipients, salt);
  const contract = await ethers.getContractAt("IntentWallet", wallet);
  const gas = await measureTransfers(wallet, recipients, () =>
    contract.connect(relayer).relay(signed.intent, signed.signature),
  );
  assert.equal(await contract.intentStatus(signed.id), 1n);
  return gas;
}

// Safe: setup with one owner, threshold 1.
let safeSaltNonce = 0n;
function safeSetup(owner: string, to = ZERO, data = "0x") {
  return safeSingleton.interface.encodeFunctionData("setup", [
    [owner],
    1n,
    to,
    data,
    ZERO,
    ZERO,
    0n,
    ZERO,
  ]);
}
async function createSafe(initializer: string) {
  const saltNonce = safeSaltNonce++;
  const args = [await addressOf(safeSingleton), initializer, saltNonce] as const;
  // SafeProxyFactory's CREATE2 address (computed, as setup may not succeed before funding).
  const address = ethers.getCreate2Address(
    await addressOf(safeProxyFactory),
    ethers.solidityPackedKeccak256(
      ["bytes32", "uint256"],
      [ethers.keccak256(initializer), saltNonce],
    ),
    ethers.keccak256(
      ethers.concat([await safeProxyFactory.proxyCreationCode(), ethers.zeroPadValue(args[0], 32)]),
    ),
  );
  const create = () => safeProxyFactory.connect(relayer).createProxyWithNonce(...args);
  return { address, create };
}
/** MultiSendCallOnly's packed encoding of plain calls. */
function multiSendData(calls: Array<{ to: string; data: string }>): string {
  const packed = ethers.concat(
    calls.map(({ to, data }) =>
      ethers.solidityPacked(
        ["uint8", "address", "uint256", "uint256", "bytes"],
        [0, to, 0n, ethers.dataLength(data), data],
      ),
    ),
  );
  return multiSend.interface.encodeFunctionData("multiSend", [packed]);
}
async function execSafe(owner: Owner, safeAddress: string, recipients: string[]) {
  const safe = await ethers.getContractAt("Safe", safeAddress);
  const [to, data, operation] =
    recipients.length === 1
      ? [tokenAddress, transferData(recipients[0]), 0]
      : [
          await addressOf(multiSend),
          multiSendData(recipients.map((r) => ({ to: tokenAddress, data: transferData(r) }))),
          1, // DELEGATECALL
        ];
  const nonce = await safe.nonce();
  const hash = await safe.getTransactionHash(
    to,
    0n,
    data,
    operation,
    0n,
    0n,
    0n,
    ZERO,
    ZERO,
    nonce,
  );
  const signature = owner.signingKey.sign(hash).serialized; // plain ECDSA, v = 27/28
  const gas = await measureTransfers(safeAddress, recipients, () =>
    safe
      .connect(relayer)
      .execTransaction(to, 0n, data, operation, 0n, 0n, 0n, ZERO, ZERO, signature),
  );
  assert.equal(await safe.nonce(), nonce + 1n);
  return gas;
}

// ERC-4337 v0.8: SimpleAccount through the EntryPoint.
let accountSalt = 0n;
const packUints = (high: bigint, low: bigint) =>
  ethers.toBeHex((high << 128n) | low, 32) as `0x${string}`;
async function newAccount(owner: Owner) {
  const salt = accountSalt++;
  const address: string = await accountFactory.getFunction("getAddress")(owner.address, salt);
  const initCode = ethers.concat([
    accountFactoryAddress,
    accountFactory.interface.encodeFunctionData("createAccount", [owner.address, salt]),
  ]);
  // The account pays for its operations from a deposit in the EntryPoint.
  await entryPoint.depositTo(address, { value: ethers.parseEther("1") });
  return { address, initCode };
}
function accountCallData(recipients: string[]): string {
  if (recipients.length === 0) return "0x";
  if (recipients.length === 1) {
    return simpleAccountInterface.encodeFunctionData("execute", [
      tokenAddress,
      0n,
      transferData(recipients[0]),
    ]);
  }
  return simpleAccountInterface.encodeFunctionData("executeBatch", [
    recipients.map((to) => ({ target: tokenAddress, value: 0n, data: transferData(to) })),
  ]);
}
async function userOp(owner: Owner, sender: string, recipients: string[], initCode = "0x") {
  const op = {
    sender,
    nonce: await entryPoint.getNonce(sender, 0n),
    initCode,
    callData: accountCallData(recipients),
    accountGasLimits: packUints(initCode === "0x" ? 100_000n : 500_000n, 200_000n),
    preVerificationGas: 50_000n,
    gasFees: packUints(ethers.parseUnits("1", "gwei"), ethers.parseUnits("10", "gwei")),
    paymasterAndData: "0x",
    signature: "0x",
  };
  const userOpHash = await entryPoint.getUserOpHash(op);
  // SimpleAccount v0.8 recovers the owner from the (EIP-712) userOpHash itself.
  op.signature = owner.signingKey.sign(userOpHash).serialized;
  return op;
}
type UserOp = Awaited<ReturnType<typeof userOp>>;
function handleOps(ops: UserOp[]) {
  return entryPoint.connect(bundler).handleOps(ops, bundler.address);
}
async function assertOpsSucceeded(gasBlock: number | undefined, count: number) {
  const events = await entryPoint.queryFilter(
    entryPoint.filters.UserOperationEvent(),
    gasBlock,
    gasBlock,
  );
  assert.equal(events.length, count, "missing UserOperationEvent");
  for (const event of events) assert.equal(event.args.success, true, "user operation failed");
}
async function sendOps(ops: UserOp[], senders: string[], recipients: string[][]) {
  const senderBefore = await Promise.all(senders.map((s) => token.balanceOf(s)));
  const flat = recipients.flat();
  const before = await Promise.all(flat.map((to) => token.balanceOf(to)));
  const receipt = await (await handleOps(ops)).wait();
  assert.equal(receipt!.status, 1, "handleOps reverted");
  await assertOpsSucceeded(receipt!.blockNumber, ops.length);
  for (const [i, to] of flat.entries()) {
    assert.equal(await token.balanceOf(to), before[i] + AMOUNT, `recipient ${to} not paid`);
  }
  for (const [i, sender] of senders.entries()) {
    const sent = BigInt(recipients[i].length) * AMOUNT;
    assert.equal(await token.balanceOf(sender), senderBefore[i] - sent);
  }
  return receipt!.gasUsed;
}

// ---------------------------------------------------------------------------------------------
// Plain EOA baselines.
// ---------------------------------------------------------------------------------------------

await token.mint(eoaSender.address, INITIAL_TOKENS);
const [eoaFundedRecipient] = await fundedRecipients(1);
const eoaFreshRecipient = freshAddress();
const eoaFresh = await measureTransfers(eoaSender.address, [eoaFreshRecipient], () =>
  token.connect(eoaSender).transfer(eoaFreshRecipient, AMOUNT),
);
const eoaFunded = await measureTransfers(eoaSender.address, [eoaFundedRecipient], () =>
  token.connect(eoaSender).transfer(eoaFundedRecipient, AMOUNT),
);

// ---------------------------------------------------------------------------------------------
// Wallet creation, and creation together with the first transfer (to a fresh recipient).
// ---------------------------------------------------------------------------------------------

const ourOwner = newOwner();
const ours = await ourWallet(ourOwner);
const oursCreate = await gasUsed(ours.create());
const oursContract = await ethers.getContractAt("IntentWallet", ours.address);
assert.equal(await oursContract.owner(), ourOwner.address);
await token.mint(ours.address, INITIAL_TOKENS);

const safeOwner = newOwner();
const safe = await createSafe(safeSetup(safeOwner.address));
const safeCreate = await gasUsed(safe.create());
const safeContract = await ethers.getContractAt("Safe", safe.address);
assert.deepEqual([...(await safeContract.getOwners())], [safeOwner.address]);
await token.mint(safe.address, INITIAL_TOKENS);

// 4337: the factory only answers the EntryPoint's SenderCreator, so an account is created by a
// handleOps whose one user operation carries the initCode (and no call).
const accountOwner = newOwner();
const account = await newAccount(accountOwner);
const accountCreate = await gasUsed(
  handleOps([await userOp(accountOwner, account.address, [], account.initCode)]),
);
assert.notEqual(await ethers.provider.getCode(account.address), "0x");
await token.mint(account.address, INITIAL_TOKENS);

// Ours: createWalletAndRelay.
const firstOwner = newOwner();
const first = await ourWallet(firstOwner);
await token.mint(first.address, INITIAL_TOKENS);
const firstRecipient = freshAddress();
const firstSigned = await signedIntent(firstOwner, first.address, [firstRecipient], 0n);
const oursCreateAndTransfer = await measureTransfers(first.address, [firstRecipient], () =>
  factory
    .connect(relayer)
    .createWalletAndRelay(
      firstOwner.address,
      first.salt,
      firstSigned.intent,
      firstSigned.signature,
    ),
);

// Safe: no signed first transaction can ride along the creation; the natural one-transaction form
// is setup's own delegatecall (to MultiSendCallOnly, making the transfer), bound to the address by
// the CREATE2 salt rather than by an owner signature.
const safeFirstOwner = newOwner();
const safeFirstRecipient = freshAddress();
const safeFirst = await createSafe(
  safeSetup(
    safeFirstOwner.address,
    await addressOf(multiSend),
    multiSendData([{ to: tokenAddress, data: transferData(safeFirstRecipient) }]),
  ),
);
await token.mint(safeFirst.address, INITIAL_TOKENS);
const safeCreateAndTransfer = await measureTransfers(
  safeFirst.address,
  [safeFirstRecipient],
  safeFirst.create,
);

// 4337: handleOps with initCode and the transfer.
const accountFirstOwner = newOwner();
const accountFirst = await newAccount(accountFirstOwner);
await token.mint(accountFirst.address, INITIAL_TOKENS);
const accountFirstRecipient = freshAddress();
const accountCreateAndTransfer = await sendOps(
  [
    await userOp(
      accountFirstOwner,
      accountFirst.address,
      [accountFirstRecipient],
      accountFirst.initCode,
    ),
  ],
  [accountFirst.address],
  [[accountFirstRecipient]],
);

// ---------------------------------------------------------------------------------------------
// One transfer, to a fresh and to a funded recipient; a batch of 3 (funded recipients).
// ---------------------------------------------------------------------------------------------

// Warm-up so each account's nonce is already non-zero (ours has no nonce: one receipt per intent).
const [warmUp] = await fundedRecipients(1);
await execSafe(safeOwner, safe.address, [warmUp]);

const [oursFundedTo, safeFundedTo, accountFundedTo] = await fundedRecipients(3);
const oursFresh = await relayOurs(ourOwner, ours.address, [freshAddress()], 1n);
const oursFunded = await relayOurs(ourOwner, ours.address, [oursFundedTo], 2n);
const safeFresh = await execSafe(safeOwner, safe.address, [freshAddress()]);
const safeFunded = await execSafe(safeOwner, safe.address, [safeFundedTo]);
const accountFreshTo = freshAddress();
const accountFresh = await sendOps(
  [await userOp(accountOwner, account.address, [accountFreshTo])],
  [account.address],
  [[accountFreshTo]],
);
const accountFunded = await sendOps(
  [await userOp(accountOwner, account.address, [accountFundedTo])],
  [account.address],
  [[accountFundedTo]],
);

const oursBatch3 = await relayOurs(ourOwner, ours.address, await fundedRecipients(3), 3n);
const safeBatch3 = await execSafe(safeOwner, safe.address, await fundedRecipients(3));
const accountBatchTo = await fundedRecipients(3);
const accountBatch3 = await sendOps(
  [await userOp(accountOwner, account.address, accountBatchTo)],
  [account.address],
  [accountBatchTo],
);

// ---------------------------------------------------------------------------------------------
// Ours: the same funded transfer signed by a session key (grant carried on first use, then
// registered).
// ---------------------------------------------------------------------------------------------

// installModule is owner-only (msg.sender == owner or the wallet itself): done through an intent.
const install = buildIntent({
  calls: [
    {
      to: ours.address,
      data: oursContract.interface.encodeFunctionData("installModule", [moduleAddress]),
    },
  ],
  salt: 10n,
  expiration: FIXED_EXPIRATION,
});
const installSigned = await signIntent({
  signer: ourOwner,
  intent: install,
  wallet: ours.address,
  chainId,
});
await gasUsed(oursContract.connect(relayer).relay(installSigned.intent, installSigned.signature));
const sessionKey = fixedKey();
const grant = buildSessionGrant({
  wallet: ours.address,
  app: "bench-gas",
  sessionKey: sessionKey.address,
  permissions: [{ target: tokenAddress, functionSignature: "transfer(address,uint256)" }],
  validUntil: FIXED_EXPIRATION,
});
const signedGrant = await signSessionGrant({
  signer: ourOwner,
  grant,
  module: moduleAddress,
  chainId,
});
async function sessionTransfer(salt: bigint, carry?: typeof signedGrant) {
  const [to] = await fundedRecipients(1);
  const intent = buildIntent({
    calls: [{ to: tokenAddress, data: transferData(to) }],
    salt,
    expiration: FIXED_EXPIRATION,
  });
  const signed = await signSessionIntent({
    sessionKey,
    intent,
    wallet: ours.address,
    chainId,
    module: moduleAddress,
    carry,
  });
  const gas = await measureTransfers(ours.address, [to], () =>
    oursContract.connect(relayer).relay(signed.intent, signed.signature),
  );
  assert.equal(await oursContract.intentStatus(signed.id), 1n);
  return gas;
}
const oursSessionFirstUse = await sessionTransfer(100n, signedGrant);
const oursSessionRegistered = await sessionTransfer(101n);

// ---------------------------------------------------------------------------------------------
// 10 intents from 10 different wallets in one transaction (funded recipients).
// ---------------------------------------------------------------------------------------------

const BUNDLE = 10;
const bundleOwners = Array.from({ length: BUNDLE }, newOwner);
const oursBundleWallets: string[] = [];
const accountsBundle: string[] = [];
for (const owner of bundleOwners) {
  const wallet = await ourWallet(owner);
  await gasUsed(wallet.create());
  await token.mint(wallet.address, INITIAL_TOKENS);
  oursBundleWallets.push(wallet.address);
  const acc = await newAccount(owner);
  await gasUsed(handleOps([await userOp(owner, acc.address, [], acc.initCode)]));
  await token.mint(acc.address, INITIAL_TOKENS);
  accountsBundle.push(acc.address);
}
const oursBundleTo = await fundedRecipients(BUNDLE);
const entries = [];
for (const [i, owner] of bundleOwners.entries()) {
  const signed = await signedIntent(owner, oursBundleWallets[i], [oursBundleTo[i]], 1n);
  entries.push(signed);
}
const oursBundleBefore = await Promise.all(oursBundleTo.map((to) => token.balanceOf(to)));
const oursBundle = await gasUsed(batcher.connect(relayer).relayBatch(encodeBatchEntries(entries)));
for (const [i, to] of oursBundleTo.entries()) {
  assert.equal(await token.balanceOf(to), oursBundleBefore[i] + AMOUNT);
  assert.equal(await token.balanceOf(oursBundleWallets[i]), INITIAL_TOKENS - AMOUNT);
}
const accountBundleTo = await fundedRecipients(BUNDLE);
const bundleOps = [];
for (const [i, owner] of bundleOwners.entries()) {
  bundleOps.push(await userOp(owner, accountsBundle[i], [accountBundleTo[i]]));
}
const accountBundle = await sendOps(
  bundleOps,
  accountsBundle,
  accountBundleTo.map((to) => [to]),
);

// ---------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------

type Figure = bigint | undefined;
interface Row {
  key: string;
  operation: string;
  eoa: Figure;
  ours: Figure;
  safe: Figure;
  erc4337: Figure;
  /** How many intents/operations the row is; overhead per intent is overhead / count. */
  count?: number;
}
const rows: Row[] = [
  {
    key: "walletCreation",
    operation: "wallet creation",
    eoa: undefined,
    ours: oursCreate,
    safe: safeCreate,
    erc4337: accountCreate,
  },
  {
    key: "creationWithFirstTransfer",
    operation: "creation + first transfer (fresh)",
    eoa: eoaFresh,
    ours: oursCreateAndTransfer,
    safe: safeCreateAndTransfer,
    erc4337: accountCreateAndTransfer,
  },
  {
    key: "transferFresh",
    operation: "ERC-20 transfer, fresh recipient",
    eoa: eoaFresh,
    ours: oursFresh,
    safe: safeFresh,
    erc4337: accountFresh,
  },
  {
    key: "transferFunded",
    operation: "ERC-20 transfer, funded recipient",
    eoa: eoaFunded,
    ours: oursFunded,
    safe: safeFunded,
    erc4337: accountFunded,
  },
  {
    key: "sessionKeyRegistered",
    operation: "session-key transfer, funded (registered)",
    eoa: eoaFunded,
    ours: oursSessionRegistered,
    safe: undefined,
    erc4337: undefined,
  },
  {
    key: "sessionKeyFirstUse",
    operation: "session-key transfer, funded (grant carried)",
    eoa: eoaFunded,
    ours: oursSessionFirstUse,
    safe: undefined,
    erc4337: undefined,
  },
  {
    key: "batchOf3Transfers",
    operation: "batch of 3 transfers, funded (vs 3 EOA txs)",
    eoa: 3n * eoaFunded,
    ours: oursBatch3,
    safe: safeBatch3,
    erc4337: accountBatch3,
  },
  {
    key: "tenIntentsTenWallets",
    operation: "10 wallets x 1 transfer, one tx (vs 10 EOA txs)",
    eoa: 10n * eoaFunded,
    ours: oursBundle,
    safe: undefined,
    erc4337: accountBundle,
    count: BUNDLE,
  },
];

const fmt = (value: bigint) => value.toLocaleString("en-US");
function cell(value: Figure, eoa: Figure, count = 1): string {
  if (value === undefined) return "n/a";
  if (eoa === undefined) return fmt(value);
  const overhead = value - eoa;
  const sign = overhead < 0n ? "" : "+";
  const perIntent = count > 1 ? `, ${sign}${fmt(overhead / BigInt(count))}/op` : "";
  return `${fmt(value)} (${sign}${fmt(overhead)}${perIntent})`;
}
const header = ["operation", "EOA", "ours", "Safe 1.4.1", "ERC-4337 v0.8"];
const lines = rows.map((row) => [
  row.operation,
  row.eoa === undefined ? "n/a" : fmt(row.eoa),
  cell(row.ours, row.eoa, row.count),
  cell(row.safe, row.eoa, row.count),
  cell(row.erc4337, row.eoa, row.count),
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...lines.map((line) => line[column].length)),
);
const format = (cells: string[]) =>
  `| ${cells.map((text, column) => (column === 0 ? text.padEnd(widths[column]) : text.padStart(widths[column]))).join(" | ")} |`;
console.log(
  `\nGas benchmark (receipt gasUsed; in parentheses: overhead over the EOA doing the same; chain ${chainId}, Hardhat in-process network)\n`,
);
console.log(format(header));
console.log(
  `|${widths.map((width, column) => (column === 0 ? ` ${"-".repeat(width)} ` : ` ${"-".repeat(width - 1)}: `)).join("|")}|`,
);
for (const line of lines) console.log(format(line));
console.log(
  `\nsession-key intent over the same owner intent (funded): +${fmt(oursSessionRegistered - oursFunded)} once registered, +${fmt(oursSessionFirstUse - oursFunded)} with the grant carried`,
);

const figure = (value: Figure) => (value === undefined ? null : Number(value));
const overhead = (value: Figure, eoa: Figure) =>
  value === undefined || eoa === undefined ? null : Number(value - eoa);
const output = {
  chainId: Number(chainId),
  unit: "gas (receipt gasUsed)",
  peers: {
    safe: "@safe-global/safe-contracts 1.4.1 (solc 0.7.6, optimizer off, as packaged)",
    erc4337: "@account-abstraction/contracts 0.8.0 EntryPoint + SimpleAccount (solc 0.8.28 via IR)",
  },
  rows: Object.fromEntries(
    rows.map((row) => [
      row.key,
      {
        operation: row.operation,
        count: row.count ?? 1,
        eoa: figure(row.eoa),
        ours: figure(row.ours),
        safe: figure(row.safe),
        erc4337: figure(row.erc4337),
        overheadVsEoa: {
          ours: overhead(row.ours, row.eoa),
          safe: overhead(row.safe, row.eoa),
          erc4337: overhead(row.erc4337, row.eoa),
        },
      },
    ]),
  ),
  sessionOverOwnerIntent: {
    registered: Number(oursSessionRegistered - oursFunded),
    grantCarried: Number(oursSessionFirstUse - oursFunded),
  },
};
const outputPath = fileURLToPath(new URL("../gas-bench.json", import.meta.url));
await writeFile(outputPath, `${JSON.stringify(output, null, 2)}\n`);
console.log(`\nwrote ${outputPath}`);

// The committed snapshot (see scripts/gasSnapshot.ts): GAS_SNAPSHOT=write updates it, =check compares.
const measured: GasSnapshot = Object.fromEntries(
  rows.map((row) => [
    row.key,
    {
      eoa: figure(row.eoa),
      ours: figure(row.ours),
      safe: figure(row.safe),
      erc4337: figure(row.erc4337),
    },
  ]),
);
const snapshotPath = fileURLToPath(new URL("../gas-snapshot.json", import.meta.url));
const snapshotMode = process.env.GAS_SNAPSHOT;
if (snapshotMode === "write") {
  await writeFile(snapshotPath, `${JSON.stringify(measured, null, 2)}\n`);
  console.log(`wrote ${snapshotPath}`);
} else if (snapshotMode === "check") {
  const committed = JSON.parse(await readFile(snapshotPath, "utf8")) as GasSnapshot;
  const changes = compareGasSnapshots(committed, measured);
  if (changes.length === 0) {
    console.log("gas snapshot: every figure equals gas-snapshot.json");
  } else {
    console.error(`gas snapshot: ${changes.length} figure(s) differ from gas-snapshot.json:`);
    for (const line of formatGasChanges(changes)) console.error(`  ${line}`);
    console.error("If intended, run `npm run gas:snapshot` and commit gas-snapshot.json.");
    process.exitCode = 1;
  }
}

/**
 * Gas figures: what an IntentWallet costs against a plain EOA, measured as receipt `gasUsed` on
 * the in-process Hardhat network.
 *
 *   hardhat run scripts/gas-figures.ts     (or: npm run gas)
 *
 * Prints a table and writes gas-figures.json at the repository root.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import type { ContractTransactionResponse, TransactionResponse } from "ethers";
import { network } from "hardhat";

import {
  buildIntent,
  buildSessionGrant,
  signIntent,
  signSessionGrant,
  signSessionIntent,
} from "../src/sdk/index.js";

const { ethers } = await network.create();
const { chainId } = await ethers.provider.getNetwork();
const [deployer, owner, relayer, eoaSender, funded] = await ethers.getSigners();

const TOKEN_UNIT = 10n ** 18n;
const AMOUNT = 10n * TOKEN_UNIT;

async function gasUsed(
  tx: Promise<ContractTransactionResponse | TransactionResponse>,
): Promise<bigint> {
  const receipt = await (await tx).wait();
  assert.equal(receipt!.status, 1, "transaction reverted");
  return receipt!.gasUsed;
}

/** A fresh address that has never held tokens or ETH. */
function freshAddress(): string {
  return ethers.Wallet.createRandom().address;
}

// Setup (not measured).
const implementation = await ethers.deployContract("IntentWallet", [], deployer);
const factory = await ethers.deployContract(
  "WalletFactory",
  [await implementation.getAddress()],
  deployer,
);
const token = await ethers.deployContract("MockERC20", [], deployer);
const tokenAddress = await token.getAddress();
const latest = await ethers.provider.getBlock("latest");
const now = BigInt(latest!.timestamp);

/** An intent that transfers AMOUNT tokens to `to`. */
function transferIntent(to: string, salt: bigint) {
  return buildIntent({
    calls: [
      { to: tokenAddress, data: token.interface.encodeFunctionData("transfer", [to, AMOUNT]) },
    ],
    salt,
    now,
  });
}

/** An owner-signed intent of `wallet` that transfers AMOUNT tokens to `to`. */
async function signedTransfer(wallet: string, to: string, salt: bigint) {
  return signIntent({ signer: owner, intent: transferIntent(to, salt), wallet, chainId });
}

// (1) Wallet creation.
const walletAddress = await factory.walletAddress(owner.address, 0n);
const createWallet = await gasUsed(factory.connect(relayer).createWallet(owner.address, 0n));
const wallet = await ethers.getContractAt("IntentWallet", walletAddress);
assert.equal(await wallet.owner(), owner.address);

// Fund the wallet, the EOA sender and the "funded" recipient.
await token.mint(walletAddress, 1_000n * TOKEN_UNIT);
await token.mint(eoaSender.address, 1_000n * TOKEN_UNIT);
await token.mint(funded.address, 1n * TOKEN_UNIT);

// (2) Relay of one owner-signed ERC-20 transfer, sent by a separate relayer.
const freshForRelay = freshAddress();
const toFresh = await signedTransfer(walletAddress, freshForRelay, 1n);
const relayFresh = await gasUsed(wallet.connect(relayer).relay(toFresh.intent, toFresh.signature));
assert.equal(await token.balanceOf(freshForRelay), AMOUNT);
assert.equal(await wallet.intentStatus(toFresh.id), 1n);

const fundedBefore = await token.balanceOf(funded.address);
const toFunded = await signedTransfer(walletAddress, funded.address, 2n);
const relayFunded = await gasUsed(
  wallet.connect(relayer).relay(toFunded.intent, toFunded.signature),
);
assert.equal(await token.balanceOf(funded.address), fundedBefore + AMOUNT);
assert.equal(await token.balanceOf(walletAddress), 1_000n * TOKEN_UNIT - 2n * AMOUNT);

// (3) Plain EOA ERC-20 transfers.
const freshForEoa = freshAddress();
const eoaFresh = await gasUsed(token.connect(eoaSender).transfer(freshForEoa, AMOUNT));
assert.equal(await token.balanceOf(freshForEoa), AMOUNT);
const eoaFunded = await gasUsed(token.connect(eoaSender).transfer(funded.address, AMOUNT));
assert.equal(await token.balanceOf(funded.address), fundedBefore + 2n * AMOUNT);
assert.equal(await token.balanceOf(eoaSender.address), 1_000n * TOKEN_UNIT - 2n * AMOUNT);

// (4) createWalletAndRelay: deploy a pre-funded wallet and relay its first transfer in one transaction.
const counterfactual = await factory.walletAddress(owner.address, 1n);
await token.mint(counterfactual, 1_000n * TOKEN_UNIT);
const freshForFirst = freshAddress();
const first = await signedTransfer(counterfactual, freshForFirst, 0n);
const createAndRelay = await gasUsed(
  factory.connect(relayer).createWalletAndRelay(owner.address, 1n, first.intent, first.signature),
);
const newWallet = await ethers.getContractAt("IntentWallet", counterfactual);
assert.equal(await newWallet.owner(), owner.address);
assert.equal(await newWallet.intentStatus(first.id), 1n);
assert.equal(await token.balanceOf(freshForFirst), AMOUNT);
assert.equal(await token.balanceOf(counterfactual), 1_000n * TOKEN_UNIT - AMOUNT);

// (5) Session keys: the same transfer to the funded recipient, signed by a session key whose
// grant allows only `transfer` on the token; first with the grant carried inside (registered on
// the way), then once registered.
const sessionModule = await ethers.deployContract("SessionKeyModule", [], deployer);
const moduleAddress = await sessionModule.getAddress();
await wallet.connect(owner).installModule(moduleAddress);
const sessionKey = ethers.Wallet.createRandom();
const grant = buildSessionGrant({
  wallet: walletAddress,
  app: "gas-figures",
  sessionKey: sessionKey.address,
  permissions: [{ target: tokenAddress, functionSignature: "transfer(address,uint256)" }],
  validUntil: now + 86_400n,
});
const signedGrant = await signSessionGrant({
  signer: owner,
  grant,
  module: moduleAddress,
  chainId,
});
async function sessionTransfer(salt: bigint, carry?: typeof signedGrant) {
  const intent = transferIntent(funded.address, salt);
  const signed = await signSessionIntent({
    sessionKey,
    intent,
    wallet: walletAddress,
    chainId,
    module: moduleAddress,
    carry,
  });
  const before = await token.balanceOf(funded.address);
  const gas = await gasUsed(wallet.connect(relayer).relay(signed.intent, signed.signature));
  assert.equal(await wallet.intentStatus(signed.id), 1n);
  assert.equal(await token.balanceOf(funded.address), before + AMOUNT);
  return gas;
}
const sessionFirstUse = await sessionTransfer(100n, signedGrant);
const sessionRegistered = await sessionTransfer(101n);

// Report.
interface Row {
  operation: string;
  gasUsed: bigint;
  baseline: bigint | undefined;
}
const rows: Row[] = [
  {
    operation: "wallet creation (factory.createWallet)",
    gasUsed: createWallet,
    baseline: undefined,
  },
  { operation: "EOA ERC-20 transfer, fresh recipient", gasUsed: eoaFresh, baseline: undefined },
  { operation: "EOA ERC-20 transfer, funded recipient", gasUsed: eoaFunded, baseline: undefined },
  { operation: "relay ERC-20 transfer, fresh recipient", gasUsed: relayFresh, baseline: eoaFresh },
  {
    operation: "relay ERC-20 transfer, funded recipient",
    gasUsed: relayFunded,
    baseline: eoaFunded,
  },
  {
    operation: "session-key transfer, funded, grant carried (first use)",
    gasUsed: sessionFirstUse,
    baseline: eoaFunded,
  },
  {
    operation: "session-key transfer, funded, session registered",
    gasUsed: sessionRegistered,
    baseline: eoaFunded,
  },
  {
    operation: "createWalletAndRelay + first transfer (fresh)",
    gasUsed: createAndRelay,
    baseline: eoaFresh,
  },
];

const header = ["operation", "gasUsed", "vs EOA transfer", "overhead"];
const lines = rows.map((row) => [
  row.operation,
  row.gasUsed.toLocaleString("en-US"),
  row.baseline === undefined ? "" : row.baseline.toLocaleString("en-US"),
  row.baseline === undefined ? "" : `+${(row.gasUsed - row.baseline).toLocaleString("en-US")}`,
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...lines.map((line) => line[column].length)),
);
const format = (cells: string[]) =>
  `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(" | ")} |`;
console.log(`\nGas figures (receipt gasUsed, chain ${chainId}, Hardhat in-process network)\n`);
console.log(format(header));
console.log(
  `|${widths.map((width, column) => (column === 0 ? ` ${"-".repeat(width)} ` : ` ${"-".repeat(width - 1)}: `)).join("|")}|`,
);
for (const line of lines) console.log(format(line));
console.log(
  `\nsession-key intent over the same owner intent: +${(sessionRegistered - relayFunded).toLocaleString("en-US")} once registered, +${(sessionFirstUse - relayFunded).toLocaleString("en-US")} with the grant carried`,
);

const output = {
  chainId: Number(chainId),
  unit: "gas (receipt gasUsed)",
  figures: {
    walletCreation: Number(createWallet),
    eoaTransferFreshRecipient: Number(eoaFresh),
    eoaTransferFundedRecipient: Number(eoaFunded),
    relayTransferFreshRecipient: Number(relayFresh),
    relayTransferFundedRecipient: Number(relayFunded),
    createWalletAndRelayFirstTransfer: Number(createAndRelay),
    sessionTransferFundedGrantCarried: Number(sessionFirstUse),
    sessionTransferFundedRegistered: Number(sessionRegistered),
  },
  overheadVsEoa: {
    relayFreshRecipient: Number(relayFresh - eoaFresh),
    relayFundedRecipient: Number(relayFunded - eoaFunded),
    createWalletAndRelayFirstTransfer: Number(createAndRelay - eoaFresh),
    sessionTransferFundedGrantCarried: Number(sessionFirstUse - eoaFunded),
    sessionTransferFundedRegistered: Number(sessionRegistered - eoaFunded),
  },
  sessionOverOwnerIntent: {
    registered: Number(sessionRegistered - relayFunded),
    grantCarried: Number(sessionFirstUse - relayFunded),
  },
};
const outputPath = fileURLToPath(new URL("../gas-figures.json", import.meta.url));
await writeFile(outputPath, `${JSON.stringify(output, null, 2)}\n`);
console.log(`\nwrote ${outputPath}`);

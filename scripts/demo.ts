/**
 * The IntentWallet story, told step by step on Hardhat's in-process network, with no setup:
 * deterministic deployment; a wallet whose address is known (and funded) before it exists;
 * intents with a dependency chain relayed by the relayer service; a scheduled payment that
 * waits at the relayer until its validAfter; a trading session granted with one owner
 * signature, used by an app, refused outside its grant, revoked; a second session that expires
 * by time; a wallet owned by a passkey alone; a 2-of-3 treasury that refuses one signature,
 * relays two, and takes a passkey as its fourth key; an EOA upgraded in place (EIP-7702) by its
 * first intent, then trading with a session key.
 *
 * Run: `./dev demo` (or `npm run demo`). Exits 0 only if every step behaved as told.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hexlify, id, Wallet } from "ethers";
import { network } from "hardhat";

import { deployIntentWallet } from "../deploy/deployIntentWallet.js";
import { relayerConfigSchema } from "../src/relayer/config.js";
import { startRelayer } from "../src/relayer/startRelayer.js";
import {
  addOwnerKeyCall,
  addressKey,
  buildIntent,
  buildSessionGrant,
  createSessionKey,
  dependencyOn,
  installModuleCall,
  passkeyKeySigner,
  readKeyVerifiers,
  readOwnerKeys,
  readSessionState,
  readWalletKind,
  RelayerClient,
  RelayerError,
  revokeSessionCall,
  secp256k1KeySigner,
  SessionSigner,
  signIntent,
  signIntentWithKeys,
  signSessionGrant,
  signWalletAuthorization,
  webAuthnKey,
  WalletClient,
  withDependencies,
  type Call,
  type Intent,
  type KeySigner,
  type SignedIntent,
} from "../src/sdk/index.js";
import { SoftwarePasskey } from "../test/helpers/passkey.js";
import type { MockERC20, MockExchange } from "../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();
const TOKEN = 10n ** 18n;
let failures = 0;

function step(title: string): void {
  console.log(`\n── ${title}`);
}

function check(ok: boolean, what: string): void {
  console.log(`   ${ok ? "✔" : "✘"} ${what}`);
  if (!ok) failures += 1;
}

const short = (hex: string) => `${hex.slice(0, 10)}…${hex.slice(-4)}`;
const now = async (): Promise<bigint> =>
  BigInt((await ethers.provider.getBlock("latest"))!.timestamp);

// Account #0 deploys and sponsors wallet creation; account #1 is the relayer's (its default
// key on a local chain). The owner and the session key are plain keys that never hold ETH.
const [deployer] = await ethers.getSigners();
const owner = new Wallet("0x" + "11".repeat(32));
const { chainId } = await ethers.provider.getNetwork();

step("1. Deploy: implementation, factory and session module at CREATE2 addresses");
// No `directory`: nothing is recorded. This chain ends with the demo, and deployments/31337.json
// is the record of a `hardhat node`, which the tasks and the relayer read.
const deployment = await deployIntentWallet({
  signer: deployer,
  log: (line) => console.log(`   ${line}`),
});
const token = (await ethers.deployContract("MockERC20")) as unknown as MockERC20;
const exchange = (await ethers.deployContract("MockExchange")) as unknown as MockExchange;
const [tokenAddress, exchangeAddress] = [await token.getAddress(), await exchange.getAddress()];
console.log(`   an app's contracts: token ${tokenAddress}, exchange ${exchangeAddress}`);

step("2. A wallet known before it exists: fund its address, then deploy it");
const wallet = WalletClient.counterfactual({
  factory: deployment.factory,
  implementation: deployment.implementation,
  owner: owner.address,
  salt: 0n,
  runner: deployer,
});
await (await token.mint(wallet.address, 1_000n * TOKEN)).wait();
console.log(`   owner ${owner.address} → wallet ${wallet.address}`);
check(!(await wallet.isDeployed()), "no code at the wallet's address yet");
check(
  (await token.balanceOf(wallet.address)) === 1_000n * TOKEN,
  "yet it already holds 1,000 tokens",
);
const created = await wallet.deploy();
check(await wallet.isDeployed(), `deployed by the factory (gas ${created.receipt?.gasUsed ?? 0n})`);

step("3. The relayer service starts, on this same in-process chain");
const relayerConfig = relayerConfigSchema.parse({
  RELAYER_IMPLEMENTATION: deployment.implementation,
  RELAYER_FACTORY: deployment.factory, // it creates this factory's wallets with their first intent
  RELAYER_BATCHER: deployment.batcher,
  RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "intentwallet-demo-")), "relayer.db"),
  RELAYER_PORT: "0",
  RELAYER_POLL_MS: "50",
  RELAYER_HOLD_MS: "0",
  RELAYER_LOG_LEVEL: "silent",
});
const relayer = await startRelayer(relayerConfig, { provider: ethers.provider });
const client = new RelayerClient({ url: relayer.url });
console.log(`   relayer ${relayer.relayerAddress} serving ${relayer.url}`);

/** Signs `intent` as the owner, submits it to the relayer, and waits until it is final. */
async function relayAsOwner(intent: Intent, label: string) {
  const signed = await signIntent({ signer: owner, intent, wallet: wallet.address, chainId });
  return submitAndReport(signed, label);
}

/** Submits `signed` to the relayer and waits until it is final. */
async function submitAndReport(signed: SignedIntent, label: string) {
  await client.submit(signed);
  return waitAndReport(signed, label);
}

async function waitAndReport(signed: SignedIntent, label: string) {
  const final = await client.waitFor(signed.id, { intervalMs: 50, timeoutMs: 30_000 });
  const receipt = final.txHash ? await ethers.provider.getTransactionReceipt(final.txHash) : null;
  console.log(
    `   ${label}: ${short(signed.id)} ${final.status}${receipt ? `, gas ${receipt.gasUsed}` : ""}`,
  );
  return final;
}

/** Submits `signed`; returns the relayer's refusal (code and message), or undefined if accepted. */
async function refusalOf(signed: SignedIntent): Promise<RelayerError | undefined> {
  try {
    await client.submit(signed);
    return undefined;
  } catch (error) {
    if (error instanceof RelayerError) return error;
    throw error;
  }
}

const call = (to: string, data: string): Call => ({ to, value: 0n, data });

step(
  "4. A dependency chain through the relayer: approve, then transfer (submitted in reverse order)",
);
const bob = Wallet.createRandom().address;
const approve = await signIntent({
  signer: owner,
  intent: buildIntent({
    calls: [
      call(
        tokenAddress,
        token.interface.encodeFunctionData("approve", [exchangeAddress, 50n * TOKEN]),
      ),
    ],
    now: await now(),
  }),
  wallet: wallet.address,
  chainId,
});
const transfer = await signIntent({
  signer: owner,
  intent: withDependencies(
    buildIntent({
      calls: [
        call(tokenAddress, token.interface.encodeFunctionData("transfer", [bob, 10n * TOKEN])),
      ],
      now: await now(),
    }),
    dependencyOn(approve),
  ),
  wallet: wallet.address,
  chainId,
});
await client.submit(transfer);
const waiting = await client.waitFor(transfer.id, {
  until: ["waiting_dependencies"],
  intervalMs: 20,
  timeoutMs: 10_000,
});
check(
  waiting.status === "waiting_dependencies",
  `the transfer waits for the approval (${waiting.status})`,
);
await client.submit(approve);
const approved = await waitAndReport(approve, "approve");
const transferred = await waitAndReport(transfer, "transfer");
check(
  approved.status === "relayed" && transferred.status === "relayed",
  "both relayed, the approval first",
);
check(
  (await token.balanceOf(bob)) === 10n * TOKEN,
  "Bob received 10 tokens; the owner paid no gas",
);

step("5. A scheduled payment: signed now, valid from a minute later, it waits at the relayer");
const carol = Wallet.createRandom().address;
// A minute after the relayer's "now": the chain's latest block time, or the clock's when later.
const validAfter = BigInt(Math.max(Number(await now()), Math.floor(Date.now() / 1000))) + 60n;
const payday = await signIntent({
  signer: owner,
  intent: buildIntent({
    calls: [
      call(tokenAddress, token.interface.encodeFunctionData("transfer", [carol, 25n * TOKEN])),
    ],
    validAfter,
    now: await now(),
  }),
  wallet: wallet.address,
  chainId,
});
const accepted = await client.submit(payday);
console.log(
  `   payday ${short(payday.id)}: valid from ${validAfter}, the chain is at ${await now()} → ${accepted.status}`,
);
check(accepted.status === "scheduled", "the relayer accepts it as scheduled");
await new Promise((resolve) => setTimeout(resolve, 300)); // a few of the relayer's ticks
check(
  (await client.status(payday.id)).status === "scheduled" &&
    (await wallet.receipt(payday.id)).status === "none",
  "it waits: nothing is sent before its validAfter",
);
await networkHelpers.time.increaseTo(validAfter);
console.log(`   the chain's time reaches ${validAfter}`);
const paid = await waitAndReport(payday, "payday");
const paidAt = BigInt((await ethers.provider.getBlock(Number(paid.blockNumber)))!.timestamp);
check(
  paid.status === "relayed" && paidAt >= validAfter,
  `relayed once its time came (block time ${paidAt})`,
);
check((await token.balanceOf(carol)) === 25n * TOKEN, "Carol received 25 tokens");

step("6. The owner installs the session module and grants a trading session with ONE signature");
const installed = await relayAsOwner(
  buildIntent({
    calls: [installModuleCall({ wallet: wallet.address, module: deployment.sessionModule })],
    now: await now(),
  }),
  "install module",
);
check(installed.status === "relayed", "session module installed by an owner intent");
const sessionKey = createSessionKey();
const permissions = [
  "placeOrder(uint256,uint256)",
  "modifyOrder(uint256,uint256,uint256)",
  "cancelOrder(uint256)",
].map((functionSignature) => ({ target: exchangeAddress, functionSignature }));
const grant = buildSessionGrant({
  wallet: wallet.address,
  app: "trade.example.com",
  sessionKey: sessionKey.address,
  permissions,
  validUntil: (await now()) + 3_600n,
});
const signedGrant = await signSessionGrant({
  signer: owner,
  grant,
  module: deployment.sessionModule,
  chainId,
});
console.log(
  `   grant ${short(signedGrant.id)}: ${grant.app}, key ${sessionKey.address}, 3 functions, 1 hour`,
);
const session = new SessionSigner({ sessionKey, signedGrant });

step("7. The app trades alone: its first order carries the grant, the next ones need nothing");
const order = (price: bigint, salt: bigint) =>
  buildIntent({
    calls: [
      call(exchangeAddress, exchange.interface.encodeFunctionData("placeOrder", [price, 5n])),
    ],
    salt,
  });
const placed: string[] = [];
for (const [index, price] of [100n, 101n, 102n].entries()) {
  const intent = { ...order(price, BigInt(index)), expiration: (await now()) + 600n };
  const signed = await session.signIntent(intent);
  await client.submit(signed);
  const final = await waitAndReport(
    signed,
    `order at ${price}${index === 0 ? " (registers the session)" : ""}`,
  );
  if (final.status === "relayed") session.markRegistered();
  placed.push(signed.id);
}
check((await exchange.orderCount()) === 3n, "3 orders on the exchange, made by the wallet");
check(
  (await readSessionState({ module: deployment.sessionModule, grant, runner: ethers.provider })) ===
    "active",
  "the session is active",
);

step("8. A call outside the grant is refused");
const withdraw = await session.signIntent(
  buildIntent({
    calls: [call(exchangeAddress, exchange.interface.encodeFunctionData("withdraw", [bob, 1n]))],
    now: await now(),
  }),
);
const refused = await refusalOf(withdraw);
console.log(`   withdraw → ${refused?.status} ${refused?.code}: ${refused?.shortMessage}`);
check(
  refused?.code === "invalid_signature" && /SessionCallNotAllowed/.test(refused.message),
  "the relayer refuses it: SessionCallNotAllowed",
);

step("9. The owner revokes the session; the next order is refused, earlier ones stay");
const revoked = await relayAsOwner(
  buildIntent({
    calls: [revokeSessionCall({ module: deployment.sessionModule, grant })],
    now: await now(),
  }),
  "revoke",
);
check(revoked.status === "relayed", "revoked by an owner intent");
const late = await session.signIntent({ ...order(103n, 9n), expiration: (await now()) + 600n });
const lateRefusal = await refusalOf(late);
console.log(
  `   next order → ${lateRefusal?.status} ${lateRefusal?.code}: ${lateRefusal?.shortMessage}`,
);
check(/SessionIsRevoked/.test(lateRefusal?.message ?? ""), "refused: SessionIsRevoked");
const earlier = await Promise.all(placed.map((id) => wallet.receipt(id)));
check(
  earlier.every((receipt) => receipt.status === "relayed"),
  "the 3 earlier orders keep their receipts",
);
check((await exchange.orderCount()) === 3n, "and stay on the exchange");

step("10. A second session expires by time");
const shortKey = createSessionKey();
const shortGrant = buildSessionGrant({
  wallet: wallet.address,
  app: "trade.example.com",
  sessionKey: shortKey.address,
  permissions,
  validUntil: (await now()) + 120n,
  salt: 1n,
});
const shortSession = new SessionSigner({
  sessionKey: shortKey,
  signedGrant: await signSessionGrant({
    signer: owner,
    grant: shortGrant,
    module: deployment.sessionModule,
    chainId,
  }),
});
const inTime = await shortSession.signIntent({
  ...order(200n, 20n),
  expiration: (await now()) + 600n,
});
await client.submit(inTime);
check(
  (await waitAndReport(inTime, "order within 2 minutes")).status === "relayed",
  "relayed while the session lives",
);
shortSession.markRegistered();
await networkHelpers.time.increase(121);
await networkHelpers.mine();
const afterDeadline = await shortSession.signIntent({
  ...order(201n, 21n),
  expiration: (await now()) + 600n,
});
const expiredRefusal = await refusalOf(afterDeadline);
console.log(
  `   order after the deadline → ${expiredRefusal?.status} ${expiredRefusal?.code}: ${expiredRefusal?.shortMessage}`,
);
check(/SessionExpired/.test(expiredRefusal?.message ?? ""), "refused: SessionExpired");

/** Relays an intent signed by keys of a key set through the relayer; whether it relayed. */
async function relayKeySigned(signed: SignedIntent, label: string) {
  return (await submitAndReport(signed, label)).status === "relayed";
}

/** Signs an intent of `calls` for `wallet` with `signers`, keys of its key set. */
async function signWithKeys(wallet: WalletClient, signers: KeySigner[], calls: Call[]) {
  const intent = buildIntent({ calls, now: await now() });
  const epoch = await wallet.epoch();
  // The wallet's creation rides along: the relayer creates it with its first intent.
  return signIntentWithKeys({
    signers,
    intent,
    wallet: wallet.address,
    chainId,
    epoch,
    create: wallet.creation,
  });
}

/** A passkey made in code, and its key in a key set (it names the deployment's verifier). */
const verifiers = await readKeyVerifiers({
  wallet: deployment.implementation,
  runner: ethers.provider,
});
function newPasskey() {
  const passkey = new SoftwarePasskey();
  const key = webAuthnKey({ verifiers, publicKey: passkey.publicKey });
  const signer = passkeyKeySigner({
    key,
    getAssertion: async (challenge) => passkey.assert(hexlify(challenge)),
  });
  return { key, signer };
}

const pay = (to: string, amount: bigint) =>
  call(tokenAddress, token.interface.encodeFunctionData("transfer", [to, amount]));

step("11. A passkey-owned wallet: known before it exists, its first payment deploys it");
const phone = newPasskey();
const passkeyWallet = WalletClient.counterfactualWithKeys({
  factory: deployment.factory,
  implementation: deployment.implementation,
  keys: [phone.key],
  threshold: 1n,
  salt: 0n,
  runner: deployer,
});
await (await token.mint(passkeyWallet.address, 100n * TOKEN)).wait();
console.log(`   passkey ${short(phone.key)} → wallet ${passkeyWallet.address}`);
check(!(await passkeyWallet.isDeployed()), "no code at the wallet's address yet");
const dave = Wallet.createRandom().address;
const passkeyPayment = await signWithKeys(passkeyWallet, [phone.signer], [pay(dave, 15n * TOKEN)]);
check(
  await relayKeySigned(passkeyPayment, "payment signed by the passkey"),
  "relayed: the wallet was deployed and paid in one transaction",
);
check((await token.balanceOf(dave)) === 15n * TOKEN, "Dave received 15 tokens");
const passkeyKeys = await readOwnerKeys({ wallet: passkeyWallet.address, runner: ethers.provider });
check(
  passkeyKeys.described.length === 1 && passkeyKeys.described[0].kind === "webAuthn",
  "its one key is the passkey (webAuthn)",
);

step("12. A 2-of-3 treasury: one signature is refused, two relay");
const [laptop, tablet, vault] = ["laptop", "tablet", "vault"].map(
  (name) => new Wallet(id(`demo treasury ${name}`)),
);
const treasury = WalletClient.counterfactualWithKeys({
  factory: deployment.factory,
  implementation: deployment.implementation,
  keys: [laptop, tablet, vault].map((key) => addressKey(key.address)),
  threshold: 2n,
  salt: 0n,
  runner: deployer,
});
const treasuryCreated = await treasury.deploy();
await (await token.mint(treasury.address, 500n * TOKEN)).wait();
console.log(
  `   treasury ${treasury.address}: 2 of laptop, tablet, vault (gas ${treasuryCreated.receipt?.gasUsed ?? 0n})`,
);
const erin = Wallet.createRandom().address;
const payErin = [pay(erin, 200n * TOKEN)];
const byLaptopAlone = await signWithKeys(treasury, [secp256k1KeySigner(laptop)], payErin);
const belowThreshold = await refusalOf(byLaptopAlone);
console.log(
  `   signed by the laptop alone → ${belowThreshold?.status} ${belowThreshold?.code}: ${belowThreshold?.shortMessage}`,
);
check(
  /IntentBelowThreshold\(id=0x[0-9a-f]+, signatures=1, threshold=2\)/.test(
    belowThreshold?.shortMessage ?? "",
  ),
  "refused by the relayer: IntentBelowThreshold (1 signature, threshold 2)",
);
const byLaptopAndVault = await signWithKeys(
  treasury,
  [secp256k1KeySigner(laptop), secp256k1KeySigner(vault)],
  payErin,
);
check(
  await relayKeySigned(byLaptopAndVault, "signed by the laptop and the vault"),
  "relayed with two of the three keys",
);
check((await token.balanceOf(erin)) === 200n * TOKEN, "Erin received 200 tokens");

step("13. The treasury adds a passkey as a fourth key, which then signs with the tablet");
const desk = newPasskey();
const addPasskey = await signWithKeys(
  treasury,
  [secp256k1KeySigner(tablet), secp256k1KeySigner(vault)],
  [addOwnerKeyCall({ wallet: treasury.address, key: desk.key })],
);
check(
  await relayKeySigned(addPasskey, "add the passkey, signed by the tablet and the vault"),
  "the key change relayed",
);
const treasuryKeys = await readOwnerKeys({ wallet: treasury.address, runner: ethers.provider });
console.log(
  `   keys: ${treasuryKeys.described.map(({ kind }) => kind).join(", ")}; threshold ${treasuryKeys.threshold}`,
);
check(
  treasuryKeys.keys.length === 4 &&
    treasuryKeys.keys[3] === desk.key &&
    treasuryKeys.described[3].kind === "webAuthn" &&
    treasuryKeys.threshold === 2n,
  "4 keys, the passkey among them (webAuthn); still 2 must sign",
);
const frank = Wallet.createRandom().address;
const byPasskeyAndTablet = await signWithKeys(
  treasury,
  [desk.signer, secp256k1KeySigner(tablet)],
  [pay(frank, 50n * TOKEN)],
);
check(
  await relayKeySigned(byPasskeyAndTablet, "signed by the passkey and the tablet"),
  "relayed: the new passkey counts toward the threshold",
);
check((await token.balanceOf(frank)) === 50n * TOKEN, "Frank received 50 tokens");

step(
  "14. An EOA upgraded in place: its first intent carries its authorization; then an app trades",
);
const grace = new Wallet(id("demo EOA grace"), ethers.provider);
check(
  (await readWalletKind(ethers.provider, grace.address, deployment.implementation)) === "none" &&
    (await ethers.provider.getBalance(grace.address)) === 0n,
  "Grace is a plain EOA: no code, no ETH",
);
const graceInstall = await signIntent({
  signer: grace,
  intent: buildIntent({
    calls: [installModuleCall({ wallet: grace.address, module: deployment.sessionModule })],
    now: await now(),
  }),
  wallet: grace.address,
  chainId,
});
const graceAuthorization = await signWalletAuthorization({
  signer: grace,
  implementation: deployment.implementation,
});
const upgraded = await submitAndReport(
  { ...graceInstall, authorization: graceAuthorization },
  "install the session module, with Grace's authorization (one type-4 transaction)",
);
check(
  upgraded.status === "relayed",
  "relayed: Grace's EOA delegated and the module installed at once",
);
check(
  (await readWalletKind(ethers.provider, grace.address, deployment.implementation)) === "delegated",
  "Grace's address is now a wallet (delegated), with her balance and history",
);
const graceKey = createSessionKey();
const graceGrant = await signSessionGrant({
  signer: grace,
  grant: buildSessionGrant({
    wallet: grace.address,
    app: "trade.example.com",
    sessionKey: graceKey.address,
    permissions,
    validUntil: (await now()) + 3_600n,
  }),
  module: deployment.sessionModule,
  chainId,
});
const graceSession = new SessionSigner({ sessionKey: graceKey, signedGrant: graceGrant });
const ordersBefore = await exchange.orderCount();
for (const [index, price] of [200n, 201n].entries()) {
  const signed = await graceSession.signIntent({
    ...order(price, 100n + BigInt(index)),
    expiration: (await now()) + 600n,
  });
  await client.submit(signed);
  const final = await waitAndReport(
    signed,
    `Grace's app orders at ${price}${index === 0 ? " (registers the session)" : ""}`,
  );
  if (final.status === "relayed") graceSession.markRegistered();
}
check(
  (await exchange.orderCount()) === ordersBefore + 2n,
  "2 orders made by Grace's EOA, signed by the app's session key",
);

await relayer.stop();
console.log(failures === 0 ? "\nEvery step behaved as told." : `\n${failures} step(s) misbehaved.`);
process.exitCode = failures === 0 ? 0 : 1;

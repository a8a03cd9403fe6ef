/**
 * The IntentWallet story, told step by step on Hardhat's in-process network: deploy, a
 * counterfactual wallet funded before it exists, intents relayed by a third party with a
 * dependency chain, a failing intent that costs the relayer nothing, a cancel and an expiry.
 *
 * Run: `./dev demo` (or `npm run demo`). Exits 0 only if every step behaved as told.
 */
import { network } from "hardhat";
import type { ContractTransactionResponse, Interface } from "ethers";

import { buildIntent, signIntent, type Intent, type SignedIntent } from "../src/sdk/index.js";
import type { IntentWallet, MockERC20, WalletFactory } from "../typechain-types/index.js";

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

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

/** The custom error a call reverts with, decoded as "Name(arg, ...)", or "no revert". */
async function revertOf(call: Promise<unknown>, abi: Interface): Promise<string> {
  try {
    await call;
    return "no revert";
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data ? abi.parseError(data) : null;
    if (!parsed) return `undecoded revert: ${(error as Error).message}`;
    return `${parsed.name}(${parsed.args.map((arg) => String(arg)).join(", ")})`;
  }
}

const [owner, relayer, alice, bob] = await ethers.getSigners();
const { chainId } = await ethers.provider.getNetwork();

step("1. Deploy the wallet implementation and the factory");
const implementation = await ethers.deployContract("IntentWallet");
const factory = (await ethers.deployContract("WalletFactory", [
  await implementation.getAddress(),
])) as unknown as WalletFactory;
const token = (await ethers.deployContract("MockERC20")) as unknown as MockERC20;
console.log(`   implementation ${await implementation.getAddress()}`);
console.log(`   factory        ${await factory.getAddress()}`);

step("2. A wallet address known before the wallet exists, funded first");
const walletAddress = await factory.walletAddress(owner.address, 0n);
await token.mint(walletAddress, 1_000n * TOKEN);
await owner.sendTransaction({ to: walletAddress, value: 10n ** 18n });
console.log(`   owner ${owner.address} → wallet ${walletAddress}`);
check((await ethers.provider.getCode(walletAddress)) === "0x", "no code at the wallet address yet");
check((await token.balanceOf(walletAddress)) === 1_000n * TOKEN, "it already holds 1,000 tokens");

const now = async (): Promise<bigint> =>
  BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
const sign = async (intent: Intent): Promise<SignedIntent> =>
  signIntent({ signer: owner, intent, wallet: walletAddress, chainId });
const transfer = (to: string, amount: bigint) => ({
  to: token.target as string,
  data: token.interface.encodeFunctionData("transfer", [to, amount]),
});

step("3. The first intent deploys the wallet and relays, in one transaction paid by the relayer");
const first = await sign(
  buildIntent({ calls: [transfer(alice.address, 10n * TOKEN)], now: await now() }),
);
const createGas = await gasOf(
  factory.connect(relayer).createWalletAndRelay(owner.address, 0n, first.intent, first.signature),
);
const wallet = (await ethers.getContractAt(
  "IntentWallet",
  walletAddress,
)) as unknown as IntentWallet;
console.log(`   intent ${first.id}`);
console.log(`   gas used: ${createGas}`);
check((await wallet.owner()) === owner.address, "the wallet exists and belongs to the owner");
check(
  (await wallet.intentStatus(first.id)) === 1n,
  "the intent's receipt says: relayed successfully",
);
check((await token.balanceOf(alice.address)) === 10n * TOKEN, "alice received 10 tokens");

step("4. A dependency chain: approve, then (only after it) a transfer");
const approve = await sign(
  buildIntent({
    calls: [
      {
        to: token.target as string,
        data: token.interface.encodeFunctionData("approve", [bob.address, 50n * TOKEN]),
      },
    ],
    now: await now(),
  }),
);
const afterApprove = await sign(
  buildIntent({
    calls: [transfer(bob.address, 5n * TOKEN)],
    dependencies: [{ wallet: walletAddress, id: approve.id }],
    now: await now(),
  }),
);
const early = await revertOf(
  wallet.connect(relayer).relay.staticCall(afterApprove.intent, afterApprove.signature),
  wallet.interface,
);
console.log(`   relaying the transfer first: ${early}`);
check(early.startsWith("IntentDependencyNotMet"), "the transfer waits for the approval");
const approveGas = await gasOf(wallet.connect(relayer).relay(approve.intent, approve.signature));
const transferGas = await gasOf(
  wallet.connect(relayer).relay(afterApprove.intent, afterApprove.signature),
);
console.log(`   approve relayed (gas ${approveGas}), then transfer relayed (gas ${transferGas})`);
check(
  (await token.allowance(walletAddress, bob.address)) === 50n * TOKEN,
  "bob may spend 50 tokens",
);
check((await token.balanceOf(bob.address)) === 5n * TOKEN, "bob received 5 tokens");

step(
  "5. An intent whose call fails: consumed and recorded, the relayer's transaction still succeeds",
);
const tooMuch = await sign(
  buildIntent({ calls: [transfer(alice.address, 1_000_000n * TOKEN)], now: await now() }),
);
const failed = await (
  await wallet.connect(relayer).relay(tooMuch.intent, tooMuch.signature)
).wait();
check(failed!.status === 1, "the relay transaction succeeded");
check(
  (await wallet.intentStatus(tooMuch.id)) === 2n,
  "the receipt says: relayed, but the calls reverted",
);
const again = await revertOf(
  wallet.connect(relayer).relay.staticCall(tooMuch.intent, tooMuch.signature),
  wallet.interface,
);
check(again.startsWith("IntentAlreadyRelayed"), `it can never run again: ${again}`);

step("6. The owner cancels an intent before it is relayed");
const unwanted = await sign(
  buildIntent({ calls: [transfer(alice.address, TOKEN)], salt: 1n, now: await now() }),
);
await wallet.connect(owner).cancelIntents([unwanted.id]);
const canceled = await revertOf(
  wallet.connect(relayer).relay.staticCall(unwanted.intent, unwanted.signature),
  wallet.interface,
);
check(canceled.startsWith("IntentIsCanceled"), `relaying it now fails: ${canceled}`);

step("7. An intent expires at its expiration second");
const shortLived = await sign(
  buildIntent({
    calls: [transfer(alice.address, TOKEN)],
    expiration: (await now()) + 60n,
    now: await now(),
  }),
);
await networkHelpers.time.increase(60);
const expired = await revertOf(
  wallet.connect(relayer).relay.staticCall(shortLived.intent, shortLived.signature),
  wallet.interface,
);
check(expired.startsWith("IntentExpired"), `one minute later: ${expired}`);

step("8. The same calls on another chain or wallet are another intent");
const otherWallet = await factory.walletAddress(owner.address, 1n);
const replayed = await revertOf(
  factory
    .connect(relayer)
    .createWalletAndRelay.staticCall(owner.address, 1n, first.intent, first.signature),
  wallet.interface,
);
console.log(`   owner's second wallet ${otherWallet}: ${replayed}`);
check(
  replayed.startsWith("IntentInvalidSignature"),
  "a signature for one wallet is useless on another",
);

console.log(
  failures === 0
    ? "\nEvery step behaved as told."
    : `\n${failures} step(s) did not behave as told.`,
);
process.exitCode = failures === 0 ? 0 : 1;

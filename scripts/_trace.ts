import { network } from "hardhat";
import { buildIntent, encodeRelayPacked, signIntent } from "../src/sdk/index.js";
const { ethers } = await network.create();
const [, relayer] = await ethers.getSigners();
const owner = new ethers.Wallet(ethers.id("k"));
const impl = await ethers.deployContract("IntentWallet");
const factory = await ethers.deployContract("WalletFactory", [await impl.getAddress()]);
await factory.createWallet(owner.address, 0n);
const wallet = await factory.walletAddress(owner.address, 0n);
const token = await ethers.deployContract("MockERC20");
await token.mint(wallet, 10n ** 24n);
const to = "0x" + "34".repeat(20);
await token.mint(to, 1n);
async function relayOnce(salt: bigint) {
  const intent = buildIntent({ calls: [{ to: await token.getAddress(), data: token.interface.encodeFunctionData("transfer", [to, 10n ** 19n]) }], salt, expiration: 4_102_444_800n });
  const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
  return relayer.sendTransaction({ to: wallet, data: encodeRelayPacked(signed) });
}
await relayOnce(1n);
const tx = await relayOnce(2n);
const rc = await tx.wait();
console.log("gasUsed", rc!.gasUsed);
const trace: any = await ethers.provider.send("debug_traceTransaction", [tx.hash, {}]);
const logs = trace.structLogs;
// phases at depth 2 (wallet implementation), split at notable opcodes
let phase = "dispatch+decode", acc = 0; const phases: [string, number][] = [];
const mark = (name: string) => { phases.push([phase, acc]); phase = name; acc = 0; };
for (let i = 0; i < logs.length; i++) {
  const l = logs[i];
  if (l.depth !== 2) continue;
  let cost = l.gasCost;
  if (["CALL","STATICCALL","DELEGATECALL"].includes(l.op)) { let j = i+1; while (logs[j].depth !== l.depth) j++; cost = l.gas - logs[j].gas; }
  if (l.op === "KECCAK256" && phase === "dispatch+decode") mark("hashing");
  if (l.op === "SLOAD" && phase === "hashing") mark("header+id+checks");
  if (l.op === "SSTORE" ) { mark("SSTORE receipt"); acc += cost; mark("signature"); continue; }
  if (l.op === "STATICCALL") { acc += 0; mark("ecrecover"); acc += cost; mark("deps+guard"); continue; }
  if (l.op === "CALL") { mark("token call"); acc += cost; mark("after call"); continue; }
  if (l.op.startsWith("LOG")) { mark(l.op); acc += cost; mark("tail"); continue; }
  acc += cost;
}
mark("end");
console.log(phases.map(([n, g]) => `${n}: ${g}`).join("\n"));
const agg: Record<string, number> = {}; let n = 0;
for (const l of logs) { if (l.depth !== 2) continue; if (l.op === "KECCAK256") break; agg[l.op] = (agg[l.op] ?? 0) + l.gasCost; n++; }
console.log(n, Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}:${v}`).join(" "));
const pcs: Record<number, number> = {};
for (const l of logs) { if (l.depth !== 2) continue; if (l.op === "KECCAK256") break; pcs[l.pc] = (pcs[l.pc] ?? 0) + 1; }
const hot = Object.entries(pcs).filter(([, c]) => c > 3).map(([pc, c]) => `${pc}x${c}`);
console.log("hot pcs", hot.length, hot.slice(0, 60).join(" "));
let seq = []; let k = 0; for (const l of logs) { if (l.depth !== 2) continue; if (k++ > 400) break; seq.push(l.op); }
console.log(seq.join(" "));
{ let s: string[] = []; let started = false; let cnt = 0; let idx = 0;
for (const l of logs) { if (l.depth !== 2) continue; idx++; if (l.pc === 11763) { cnt++; if (cnt === 1) started = true; if (cnt === 2) break; } if (started) s.push(`${l.pc}:${l.op}`); }
console.log("loop body:", s.join(" "));
let before: string[] = []; let i2 = 0; for (const l of logs) { if (l.depth !== 2) continue; if (l.pc === 11763) break; before.push(l.op); }
console.log("ops before loop", before.length, before.slice(-40).join(" "));
}

import type { Provider, TransactionReceipt } from "ethers";

import { IntentWallet__factory } from "../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { decodeFailureReason } from "../sdk/errors/decodeRevert.js";
import {
  OnChainStatus,
  callFailureReason,
  chainNow,
  classifyRevert,
  onChainStatus,
  simulateRelay,
  walletInterface,
} from "./chainReads.js";
import type { SpendingPolicy } from "./policy.js";
import type { IntentStore } from "./store/IntentStore.js";
import type {
  IntentReason,
  IntentRecord,
  IntentRecordPatch,
  RelayerIntentStatus,
} from "./types.js";

/** What the scheduler needs from the transaction sender (`chain/TransactionSender.ts`). */
export interface RelaySender {
  readonly address: string;
  send(request: {
    to: string;
    data: string;
    gasLimit: bigint;
    intentIds: string[];
    maxFeeCapPerGas: bigint;
  }): Promise<{ hash: string; nonce: number }>;
  poll(): Promise<SenderEvent[]>;
}

/** What `RelaySender.poll` reports. */
export type SenderEvent =
  | { kind: "mined"; hash: string; nonce: number; intentIds: string[]; receipt: TransactionReceipt }
  | { kind: string; hash?: string; intentIds?: string[] };

/** Logging and metrics hooks of the scheduler. */
export interface SchedulerHooks {
  log?: (
    level: "debug" | "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
  onFinal?: (
    record: IntentRecord,
    status: RelayerIntentStatus,
    submitToReceiptSeconds?: number,
  ) => void;
  onSent?: (kind: "relay" | "replacement") => void;
  onGasSpent?: (gasUsed: bigint, weiSpent: bigint) => void;
}

export interface SchedulerParameters {
  provider: Provider;
  store: IntentStore;
  policy: SpendingPolicy;
  sender: RelaySender;
  /** How long an intent whose relay would revert, or whose calls would fail, is re-simulated before it is rejected. */
  holdMs: number;
  /** Most submissions per tick. */
  maxSubmissionsPerTick?: number;
  hooks?: SchedulerHooks;
}

/** How many intents a tick advances at once. */
const CONCURRENCY = 16;

/** Gas a relay is given above the node's estimate, in percent. */
const GAS_LIMIT_MARGIN_PERCENT = 25n;

/**
 * Moves accepted intents forward, one tick at a time: expires them, waits for their
 * dependencies and the gas price, simulates, submits, and records what the chain says.
 */
export class Scheduler {
  readonly #p: SchedulerParameters;
  #ticking = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(parameters: SchedulerParameters) {
    this.#p = parameters;
  }

  /** Ticks every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    const loop = async () => {
      await this.tick().catch((error) =>
        this.#log("error", "tick failed", { error: String(error) }),
      );
      if (this.#timer !== undefined) this.#timer = setTimeout(loop, intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One pass over the sender's news and every active intent. Ticks never overlap. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      for (const event of await this.#p.sender.poll()) await this.#onSenderEvent(event);
      const inFlight = new Set(
        (await this.#p.store.listPendingTransactions()).flatMap((tx) =>
          tx.intentIds.map((id) => id.toLowerCase()),
        ),
      );
      const context = await this.#context();
      let submissions = 0;
      const waiting: IntentRecord[] = [];
      for (const record of await this.#p.store.listActive()) {
        if (inFlight.has(record.id)) {
          await this.#set(record, { status: "submitted" }); // sent before a crash, not yet recorded
          continue;
        }
        // "submitted" without a pending transaction: the sender settled it but a crash came
        // before the news reached the intent. It is advanced like the others: the chain says
        // whether it was relayed, and if not it is sent again.
        waiting.push(record);
      }
      // Intents are independent JSON-RPC work: advance up to CONCURRENCY at once, oldest first.
      // Nonces stay ordered: the sender assigns them under its own lock.
      let next = 0;
      const worker = async () => {
        while (next < waiting.length) {
          const record = waiting[next++];
          const maySubmit = submissions < (this.#p.maxSubmissionsPerTick ?? 200);
          if (await this.#advance(record, context, maySubmit)) submissions++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      this.#ticking = false;
    }
  }

  async #context() {
    const [now, feeData] = await Promise.all([
      chainNow(this.#p.provider),
      this.#p.provider.getFeeData(),
    ]);
    const networkPrice = feeData.gasPrice ?? feeData.maxFeePerGas ?? 0n;
    const hasBudget = await this.#p.policy.hasBudget(this.#p.store, Date.now());
    return { now, networkPrice, hasBudget };
  }

  /** Returns whether it submitted `record`. */
  async #advance(
    record: IntentRecord,
    context: { now: bigint; networkPrice: bigint; hasBudget: boolean },
    maySubmit: boolean,
  ): Promise<boolean> {
    const { intent } = record.signed;
    // What the chain says first: an intent relayed (by anyone) before it expired is relayed.
    if (await this.#settledOnChain(record)) return false;
    if (intent.expiration <= context.now) {
      const waitingFor = waitingForOf(record, context.hasBudget);
      await this.#final(record, "expired", {
        code: "expired",
        message: `expired at ${intent.expiration} while waiting for ${waitingFor.replace("_", " ")}`,
        details: { waitingFor },
      });
      return false;
    }
    for (const dependency of intent.dependencies) {
      const status = await onChainStatus(this.#p.provider, dependency.wallet, dependency.id);
      if (status === OnChainStatus.Succeeded) continue;
      // Dead on-chain, or final here without a relay: it can never succeed (section 4).
      const here =
        status === OnChainStatus.None ? await this.#p.store.get(dependency.id) : undefined;
      const dead =
        status === OnChainStatus.Failed
          ? "failed"
          : status === OnChainStatus.Canceled
            ? "was canceled"
            : here !== undefined && ["rejected", "expired", "failed"].includes(here.status)
              ? `was ${here.status} here`
              : undefined;
      if (dead !== undefined) {
        await this.#final(record, "rejected", {
          code: "dependency_failed",
          message: `dependency ${dependency.id} on wallet ${dependency.wallet} ${dead}: this intent can never run`,
          details: { dependency: { wallet: dependency.wallet, id: dependency.id } },
        });
        return false;
      }
      await this.#set(record, { status: "waiting_dependencies" });
      return false;
    }
    if (context.networkPrice > intent.maxGasPrice) {
      await this.#set(record, { status: "waiting_gas_price" });
      return false;
    }
    if (!context.hasBudget || !maySubmit) {
      await this.#set(record, { status: "queued" });
      return false;
    }
    const simulation = await simulateRelay(this.#p.provider, record.signed, this.#p.sender.address);
    if (simulation.kind === "ok" && simulation.callsSucceed) return this.#submit(record);
    if (simulation.kind === "ok")
      return this.#hold(record, await callFailureReason(this.#p.provider, record.signed));
    const verdict = classifyRevert(simulation.error);
    if (verdict.kind === "refuse")
      await this.#final(record, "rejected", { ...simulation.reason, code: verdict.code });
    else if (verdict.kind === "wait") await this.#set(record, { status: verdict.status });
    else await this.#hold(record, simulation.reason);
    return false;
  }

  /** Re-simulates later; rejects with `reason` once the hold time is over. */
  async #hold(record: IntentRecord, reason: IntentReason): Promise<boolean> {
    const now = Date.now();
    const holdUntil = record.holdUntil ?? now + this.#p.holdMs;
    if (now >= holdUntil) await this.#final(record, "rejected", reason);
    else await this.#set(record, { status: "queued", reason, holdUntil });
    return false;
  }

  /** Someone relayed or canceled the ID already: record what the wallet says. */
  async #settledOnChain(record: IntentRecord): Promise<boolean> {
    const status = await onChainStatus(this.#p.provider, record.signed.wallet, record.id);
    if (status === OnChainStatus.None) return false;
    if (status === OnChainStatus.Canceled) {
      await this.#final(record, "rejected", {
        code: "canceled",
        message: "the wallet's owner canceled it",
      });
      return true;
    }
    const receipt = await IntentWallet__factory.connect(
      record.signed.wallet,
      this.#p.provider,
    ).intentReceipt(record.id);
    await this.#final(
      record,
      status === OnChainStatus.Succeeded ? "relayed" : "failed",
      undefined,
      {
        relayedBy: receipt.relayer,
        blockNumber: receipt.blockNumber,
      },
    );
    return true;
  }

  async #submit(record: IntentRecord): Promise<boolean> {
    const { signed } = record;
    const data = walletInterface.encodeFunctionData("relay", [signed.intent, signed.signature]);
    try {
      const estimate = await this.#p.provider.estimateGas({
        from: this.#p.sender.address,
        to: signed.wallet,
        data,
      });
      const minGas = signed.intent.minGasLimit;
      const gasLimit = max(
        estimate + (estimate * GAS_LIMIT_MARGIN_PERCENT) / 100n,
        minGas + minGas / 63n + 100_000n,
      );
      const { hash } = await this.#p.sender.send({
        to: signed.wallet,
        data,
        gasLimit,
        intentIds: [record.id],
        maxFeeCapPerGas: signed.intent.maxGasPrice,
      });
      this.#p.hooks?.onSent?.("relay");
      await this.#set(record, {
        status: "submitted",
        txHash: hash,
        reason: undefined,
        holdUntil: undefined,
      });
      this.#log("info", "relay submitted", { id: record.id, hash, gasLimit: gasLimit.toString() });
      return true;
    } catch (error) {
      this.#log("warn", "submission failed; will retry", { id: record.id, error: String(error) });
      return false;
    }
  }

  async #onSenderEvent(event: SenderEvent): Promise<void> {
    this.#log(event.kind === "mined" ? "debug" : "info", `transaction ${event.kind}`, {
      hash: event.hash,
    });
    if (event.kind === "replaced") {
      this.#p.hooks?.onSent?.("replacement");
      await this.#forEachRecord(event.intentIds, (record) =>
        this.#set(record, { txHash: event.hash }),
      );
      return;
    }
    if (event.kind === "dropped") {
      // This nonce will not relay them: they go back to the queue and are simulated again.
      await this.#forEachRecord(event.intentIds, (record) =>
        record.status === "submitted" ? this.#set(record, { status: "queued" }) : Promise.resolve(),
      );
      return;
    }
    if (event.kind !== "mined" || !("receipt" in event)) return;
    const { receipt, intentIds } = event;
    const weiSpent = receipt.gasUsed * receipt.gasPrice;
    for (const id of intentIds) {
      const record = await this.#p.store.get(id);
      if (record === undefined) continue;
      await this.#p.store.addSpending({
        at: Date.now(),
        wallet: record.wallet,
        weiSpent,
        gasUsed: receipt.gasUsed,
      });
      if (receipt.status !== 1) {
        // The relay reverted on-chain (someone was first, a dependency changed): see what the wallet says.
        if (!(await this.#settledOnChain(record))) await this.#set(record, { status: "queued" });
        continue;
      }
      const outcome = relayOutcome(receipt, id);
      await this.#final(record, outcome.success ? "relayed" : "failed", outcome.reason, {
        relayedBy: this.#p.sender.address,
        blockNumber: BigInt(receipt.blockNumber),
        txHash: receipt.hash,
      });
    }
    this.#p.hooks?.onGasSpent?.(receipt.gasUsed, weiSpent);
  }

  async #forEachRecord(
    ids: string[] | undefined,
    action: (record: IntentRecord) => Promise<void>,
  ): Promise<void> {
    for (const id of ids ?? []) {
      const record = await this.#p.store.get(id);
      if (record !== undefined) await action(record);
    }
  }

  async #set(record: IntentRecord, patch: IntentRecordPatch): Promise<void> {
    const changed = Object.entries(patch).some(
      ([key, value]) => (record as unknown as Record<string, unknown>)[key] !== value,
    );
    if (!changed) return;
    await this.#p.store.update(record.id, patch, Date.now());
    Object.assign(record, patch);
  }

  async #final(
    record: IntentRecord,
    status: RelayerIntentStatus,
    reason?: IntentReason,
    extra: IntentRecordPatch = {},
  ): Promise<void> {
    await this.#set(record, { ...extra, status, reason, holdUntil: undefined });
    this.#p.hooks?.onFinal?.(record, status, (Date.now() - record.createdAt) / 1000);
    this.#log("info", `intent ${status}`, { id: record.id, reason: reason?.code });
  }

  #log(
    level: "debug" | "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    this.#p.hooks?.log?.(level, message, fields);
  }
}

/** Whether intent `id`'s calls succeeded in `receipt`, and the decoded reason when they did not. */
function relayOutcome(
  receipt: TransactionReceipt,
  id: string,
): { success: boolean; reason?: IntentReason } {
  let success = false;
  let reason: IntentReason | undefined;
  for (const log of receipt.logs) {
    const parsed = safeParse(log);
    if (parsed === null || (parsed.args.id as string).toLowerCase() !== id) continue;
    if (parsed.name === "IntentRelayed") success = parsed.args.success as boolean;
    if (parsed.name === "IntentFailed") {
      reason = {
        code: "call_reverted",
        message: decodeFailureReason(parsed.args.reason as string).shortMessage,
        details: { revertData: parsed.args.reason as string },
      };
    }
  }
  return { success, reason };
}

function safeParse(log: { topics: readonly string[]; data: string }) {
  try {
    return walletInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
}

/** What an expiring intent was waiting for, as `details.waitingFor` names it (docs/relayer-api.md section 4). */
function waitingForOf(
  record: IntentRecord,
  hasBudget: boolean,
): "dependencies" | "gas_price" | "simulation" | "budget" {
  if (record.status === "waiting_dependencies") return "dependencies";
  if (record.status === "waiting_gas_price") return "gas_price";
  return hasBudget || record.holdUntil !== undefined ? "simulation" : "budget";
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

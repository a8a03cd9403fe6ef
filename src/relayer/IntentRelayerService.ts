import type { Provider } from "ethers";

import type { SignedIntent } from "../protocol/intent/types.js";
import type {
  HealthOutcome,
  ListOutcome,
  RelayerService,
  SubmitOutcome,
} from "./http/RelayerService.js";
import type { SpendingPolicy } from "./policy.js";
import { refused, type Outcome, type Refused } from "./refusal.js";
import { chainNow, chainNowAt } from "./chainReads.js";
import { DEFAULT_MAX_EXPIRATION_SECONDS, DEFAULT_MAX_PENDING_PER_WALLET } from "./config.js";
import { checkDelegation } from "./delegation/intake.js";
import { readHealth } from "./healthReads.js";
import { isRpcUnreachable, RpcTimeoutError, rpcUnavailable, withDeadline } from "./rpcDeadline.js";
import { checkFromKeptState, type KeptStateContext } from "./intake/keptStateChecks.js";
import { checkServing } from "./intake/servingCheck.js";
import { checkChain, checkHorizon, checkPending, checkWindow } from "./intake/frontChecks.js";
import { checkOnNode, type CheckContext } from "./intake/nodeChecks.js";
import type { FollowedChain } from "./chainState/followedChain.js";
import { InvalidCursorError } from "./store/errors.js";
import { IntentExistsError, type IntentStore } from "./store/IntentStore.js";
import type { FleetBacklog } from "./store/leases.js";
import type { IntentRecord } from "./types.js";
import { checksummed } from "../protocol/schema/checksum.js";

/**
 * The default time the JSON-RPC reads of one submission may take in all.
 *
 * @example
 * new IntentRelayerService({ ...parameters, submitTimeoutMs: DEFAULT_SUBMIT_TIMEOUT_MS });
 */
export const DEFAULT_SUBMIT_TIMEOUT_MS = 5_000;

/**
 * What the service needs to know about its chain and account.
 *
 * @example
 * const parameters: IntentRelayerServiceParameters = { provider, store, policy, chainId: 31337n, relayerAddress };
 */
export interface IntentRelayerServiceParameters {
  provider: Provider;
  store: IntentStore;
  policy: SpendingPolicy;
  chainId: bigint;
  /** The account that sends (and pays for) relay transactions. */
  relayerAddress: string;
  /** Prometheus text of the relayer's metrics. */
  renderMetrics?: () => Promise<string> | string;
  /** In a fleet: the fleet's backlog, for `/health`. */
  fleetBacklog?: () => Promise<FleetBacklog>;
  /** Told of every accepted intent and every refusal (metrics). */
  onAccepted?: (record: IntentRecord) => void;
  onRefused?: (code: string) => void;
  /**
   * How long the JSON-RPC reads of one submission may take in all before it is answered
   * `503 unavailable` (nothing stored); default 5,000 ms, under the SDK client's 10 s.
   */
  submitTimeoutMs?: number;
  /** How long the JSON-RPC reads of `/health` may take; default 750 ms (it answers within 1 s). */
  healthTimeoutMs?: number;
  /** Furthest an expiration may be from the chain's time (check 8); default 366 days. */
  maxExpirationSeconds?: number;
  /** Most non-final intents per wallet (check 10); default 64. */
  maxPendingPerWallet?: number;
  /**
   * The chain as the relayer follows it: with it, an ordinary intent is decided from the kept
   * wallet states without a JSON-RPC call, and a node the follower stopped reaching makes
   * submissions `503 unavailable`. Without it every check asks the node.
   */
  chainState?: FollowedChain;
}

/** Runs one JSON-RPC read within the submission's deadline. */
type Reads = <T>(work: Promise<T>) => Promise<T>;

/**
 * The relayer's front desk: checks a submitted intent in the order of docs/relayer-api.md
 * section 3, persists it, and answers status queries. The `Scheduler` relays what it accepted.
 * Every refusal is returned as data (`{ ok: false, refusal }`); a node that does not answer
 * within the deadline is `unavailable` (with `Retry-After`), never a fault.
 *
 * @example
 * const service = new IntentRelayerService({ provider, store, policy, chainId: 31337n, relayerAddress });
 * const outcome = await service.submit(signed);
 * if (!outcome.ok) console.log(outcome.refusal.code);
 */
export class IntentRelayerService implements RelayerService {
  readonly #p: IntentRelayerServiceParameters;
  readonly #context: CheckContext;
  readonly #kept: KeptStateContext | undefined;

  constructor(parameters: IntentRelayerServiceParameters) {
    this.#p = parameters;
    const { provider, store, chainId, relayerAddress, chainState } = parameters;
    this.#context = { provider, store, chainId, relayerAddress };
    this.#kept = chainState && { ...chainState, store, provider };
  }

  async submit(signed: SignedIntent): Promise<SubmitOutcome> {
    const outcome = await this.#submit(signed);
    if (!outcome.ok) this.#p.onRefused?.(outcome.refusal.code);
    return outcome;
  }

  /**
   * Checks 7 to 10 (`#front`), then 11 to 17 within one deadline. A submission that reaches
   * check 11 counts toward the wallet's rate whatever a later check says, unless the node did
   * not answer or the same intent raced in.
   */
  async #submit(signed: SignedIntent): Promise<SubmitOutcome> {
    const deadline = Date.now() + (this.#p.submitTimeoutMs ?? DEFAULT_SUBMIT_TIMEOUT_MS);
    const reads: Reads = (work) =>
      withDeadline(work, deadline - Date.now(), "the submission's JSON-RPC reads");
    let front: SubmitOutcome | undefined;
    try {
      front = await this.#front(signed, reads);
    } catch (error) {
      return unreachable(error);
    }
    if (front !== undefined) return front;
    const now = Date.now();
    const rate = await this.#p.policy.checkRate(signed.wallet, now);
    if (!rate.ok) return rate;
    let checked: Outcome<{ status: "queued" | "scheduled" }>;
    try {
      checked = await reads(this.#check(signed, now));
    } catch (error) {
      await rate.uncount();
      return unreachable(error);
    }
    if (!checked.ok) return checked;
    return this.#insert(signed, checked.status, now, rate.uncount);
  }

  /**
   * Checks 7 and 8 (no JSON-RPC, unless the expiration is beyond the wall clock's horizon), then
   * whether the node is reached, 9 and the pending cap of 10 (the store), then the spending
   * policy of 10: the answer, when one of them decides it.
   */
  async #front(signed: SignedIntent, reads: Reads): Promise<SubmitOutcome | undefined> {
    const { provider, store, chainId } = this.#p;
    const maxSeconds = this.#p.maxExpirationSeconds ?? DEFAULT_MAX_EXPIRATION_SECONDS;
    const invalid =
      checkChain(signed, chainId) ??
      checkWindow(signed) ??
      (await reads(checkHorizon(signed, maxSeconds, () => this.#chainNow())));
    if (invalid !== undefined) return { ok: false, refusal: invalid };
    await this.#throwUnlessFollowing(reads);
    const known = await this.#known(signed);
    if (known !== undefined) return known;
    const maxPending = this.#p.maxPendingPerWallet ?? DEFAULT_MAX_PENDING_PER_WALLET;
    const refusal =
      (await checkPending(store, signed.wallet, maxPending)) ??
      (await reads(checkServing({ policy: this.#p.policy, kept: this.#kept }, signed, provider)));
    return refusal === undefined ? undefined : { ok: false, refusal };
  }

  /**
   * Throws while the follower does not reach the node (answered `503 unavailable`). A follower
   * that lost the node is asked to poll it again first: the node may be back.
   */
  async #throwUnlessFollowing(reads: Reads): Promise<void> {
    const chainState = this.#p.chainState;
    if (chainState === undefined) return;
    const { follower, maxStaleMs } = chainState;
    if (!follower.isCurrent(maxStaleMs)) await reads(follower.poll());
    if (follower.isCurrent(maxStaleMs)) return;
    const { lastError } = follower;
    throw isRpcUnreachable(lastError)
      ? lastError
      : new RpcTimeoutError("following the chain", maxStaleMs);
  }

  #chainNow(): Promise<bigint> {
    return this.#kept === undefined
      ? chainNow(this.#p.provider)
      : Promise.resolve(chainNowAt(this.#kept.follower.head));
  }

  /**
   * An EOA's `authorization` (`checkDelegation`), then checks 12 to 17, from the kept state when
   * it decides, else from the node; the status to accept the intent in.
   */
  async #check(
    signed: SignedIntent,
    now: number,
  ): Promise<Outcome<{ status: "queued" | "scheduled" }>> {
    const { provider, chainId } = this.#context;
    const implementation = this.#p.policy.implementation;
    const delegation = await checkDelegation({ provider, chainId, implementation }, signed);
    if (delegation !== undefined) return { ok: false, refusal: delegation };
    const kept =
      this.#kept === undefined ? undefined : await checkFromKeptState(this.#kept, signed);
    const checked = kept ?? (await checkOnNode(this.#context, signed));
    if (!checked.ok) return checked;
    const budget = await this.#p.policy.checkBudget(this.#p.store, now);
    if (budget !== undefined) return { ok: false, refusal: budget };
    // Before its validAfter the wallet would refuse it (by the latest block's time, or the
    // clock's when that is later): the scheduler holds it until then.
    const notYetValid = "notYetValid" in checked && checked.notYetValid;
    const notYet = notYetValid || signed.intent.validAfter > checked.now;
    return { ok: true, status: notYet ? "scheduled" : "queued" };
  }

  /** Stores the accepted intent; the same ID stored meanwhile is answered as if it came first. */
  async #insert(
    signed: SignedIntent,
    status: "queued" | "scheduled",
    now: number,
    uncount: () => Promise<void>,
  ): Promise<SubmitOutcome> {
    const record: IntentRecord = {
      id: signed.id.toLowerCase(),
      wallet: checksummed(signed.wallet),
      signed,
      status,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.#p.store.insert(record);
    } catch (error) {
      await uncount();
      const raced = error instanceof IntentExistsError ? await this.#known(signed) : undefined;
      if (raced !== undefined) return raced;
      throw error;
    }
    this.#p.onAccepted?.(record);
    return { ok: true, record, alreadyKnown: false };
  }

  /** Check 9: the same signed intent again is answered with its current status; another signature is a duplicate. */
  async #known(signed: SignedIntent): Promise<SubmitOutcome | undefined> {
    const known = await this.#p.store.get(signed.id);
    if (known === undefined) return undefined;
    if (known.signed.signature.toLowerCase() === signed.signature.toLowerCase()) {
      return { ok: true, record: known, alreadyKnown: true };
    }
    return refused(
      "duplicate",
      `intent ${signed.id} was already accepted with another signature (it is ${known.status})`,
      { status: known.status },
    );
  }

  get(id: string): Promise<IntentRecord | undefined> {
    return this.#p.store.get(id);
  }

  async listByWallet(
    wallet: string,
    options: { limit: number; cursor?: string },
  ): Promise<ListOutcome> {
    try {
      return { ok: true, page: await this.#p.store.listByWallet(checksummed(wallet), options) };
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      return refused("invalid_field", `cursor: ${error.reason}`, {
        path: "cursor",
        reason: error.reason,
      });
    }
  }

  async health(): Promise<HealthOutcome> {
    const { provider, store, chainId, relayerAddress, healthTimeoutMs, fleetBacklog } = this.#p;
    const timeoutMs = healthTimeoutMs;
    const parameters = { provider, store, chainId, relayerAddress, timeoutMs, fleetBacklog };
    const outcome = await readHealth(parameters);
    const followed = this.#p.chainState?.follower.head?.number;
    if (outcome.ok && followed !== undefined) outcome.health.followedBlock = BigInt(followed);
    // The node did not answer /health: submissions are answered 503 too until the follower reaches it again.
    if (!outcome.ok && outcome.refusal.details?.component === "rpc") {
      this.#p.chainState?.follower.noteUnreachable(
        new RpcTimeoutError("/health", healthTimeoutMs ?? 750),
      );
    }
    return outcome;
  }

  async metrics(): Promise<string> {
    return (await this.#p.renderMetrics?.()) ?? "";
  }
}

/** A node that did not answer is `unavailable`; any other error is a fault, thrown on. */
function unreachable(error: unknown): Refused {
  if (isRpcUnreachable(error)) return rpcUnavailable(error);
  throw error;
}

import type { Provider } from "ethers";

import { withDeadline } from "../rpcDeadline.js";
import { decodeWalletEvent, FOLLOWED_TOPICS, type ChainEvent } from "./walletEvents.js";

/** The latest block the follower has read, and everything before it. */
export interface Head {
  number: number;
  /** The block's timestamp (unix seconds). */
  timestamp: bigint;
  /** The block's base fee, if the chain has one. */
  baseFeePerGas: bigint | undefined;
}

/** Told of each new head, with the followed events of the blocks since the previous one. */
export type HeadListener = (head: Head, events: readonly ChainEvent[]) => void;

/**
 * What a `ChainFollower` needs.
 *
 * @example
 * const parameters: ChainFollowerParameters = { provider, pollMs: 250 };
 */
export interface ChainFollowerParameters {
  provider: Provider;
  /** How often the node is asked for a new block. */
  pollMs: number;
  /** How long one poll's reads may take; default 2,000 ms. */
  timeoutMs?: number;
  /** Blocks whose events are kept for late loaders (`eventsAfter`); default 256. */
  keptBlocks?: number;
}

/** The most blocks one `eth_getLogs` asks for. */
const MAX_LOG_RANGE = 1_000;

/**
 * Follows the chain for the relayer: one read of the latest block per poll, and one
 * `eth_getLogs` of the followed wallet and factory events per new range of blocks, whoever
 * emitted them. Everything that keeps state current (wallet states, the scheduler's wake-ups)
 * listens to it instead of asking the node itself. Remembers when it last reached the node, so
 * that a node that stopped answering is noticed without asking it again.
 *
 * @example
 * const follower = new ChainFollower({ provider, pollMs: 250 });
 * follower.onHead((head, events) => console.log(head.number, events.length));
 * await follower.start();
 */
export class ChainFollower {
  readonly #p: ChainFollowerParameters;
  readonly #listeners: HeadListener[] = [];
  readonly #kept: Array<{ blockNumber: number; events: ChainEvent[] }> = [];
  #head: Head | undefined;
  #lastReachedAt = 0;
  #lastError: unknown;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;

  constructor(parameters: ChainFollowerParameters) {
    this.#p = parameters;
  }

  /** The latest block read, once the first poll succeeded. */
  get head(): Head | undefined {
    return this.#head;
  }

  /** Why the last poll failed, while the node is not reached. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Whether the last poll reached the node, within the last `maxAgeMs`. */
  isCurrent(maxAgeMs: number, now = Date.now()): boolean {
    if (this.#head === undefined || this.#lastError !== undefined) return false;
    return now - this.#lastReachedAt <= maxAgeMs;
  }

  /** Marks the node unreachable (another read of it failed) until the next poll reaches it. */
  noteUnreachable(error: unknown): void {
    this.#lastError = error;
  }

  onHead(listener: HeadListener): void {
    this.#listeners.push(listener);
  }

  /**
   * The events of the kept blocks after `blockNumber`, oldest first; `undefined` when blocks
   * after it are no longer kept (whoever asked must read the chain again).
   */
  eventsAfter(blockNumber: number): ChainEvent[] | undefined {
    const oldest = this.#kept[0]?.blockNumber;
    const head = this.#head?.number ?? blockNumber;
    if (head > blockNumber && (oldest === undefined || oldest > blockNumber + 1)) return undefined;
    return this.#kept.filter((block) => block.blockNumber > blockNumber).flatMap((b) => b.events);
  }

  /** Reads the first head, then polls every `pollMs` until `stop()`. */
  async start(): Promise<void> {
    await this.poll();
    const loop = async () => {
      await this.poll();
      if (this.#timer !== undefined) this.#timer = setTimeout(loop, this.#p.pollMs);
    };
    this.#timer = setTimeout(loop, this.#p.pollMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One poll (never two at once): a new head and its events, told to every listener. */
  poll(): Promise<void> {
    this.#polling ??= this.#pollOnce().finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    try {
      const latest = await this.#read(this.#p.provider.getBlock("latest"), "the latest block");
      if (latest === null) throw new Error("the node has no latest block");
      this.#lastReachedAt = Date.now();
      this.#lastError = undefined;
      const head: Head = {
        number: latest.number,
        timestamp: BigInt(latest.timestamp),
        baseFeePerGas: latest.baseFeePerGas ?? undefined,
      };
      const from = this.#head === undefined ? head.number + 1 : this.#head.number + 1;
      if (this.#head !== undefined && head.number < this.#head.number) return;
      const events = from <= head.number ? await this.#eventsOf(from, head.number) : [];
      this.#advance(head, events);
    } catch (error) {
      this.#lastError = error;
    }
  }

  async #eventsOf(from: number, to: number): Promise<ChainEvent[]> {
    const events: ChainEvent[] = [];
    for (let start = from; start <= to; start += MAX_LOG_RANGE) {
      const end = Math.min(to, start + MAX_LOG_RANGE - 1);
      const filter = { fromBlock: start, toBlock: end, topics: [FOLLOWED_TOPICS] };
      const logs = await this.#read(this.#p.provider.getLogs(filter), "eth_getLogs");
      for (const log of logs) {
        const event = decodeWalletEvent(log);
        if (event === undefined) continue;
        events.push({
          ...event,
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash,
        });
      }
    }
    return events;
  }

  /** Keeps the new blocks' events (the last `keptBlocks`), moves the head, and tells the listeners. */
  #advance(head: Head, events: ChainEvent[]): void {
    const keptBlocks = this.#p.keptBlocks ?? 256;
    const first = Math.max(
      (this.#head?.number ?? head.number - 1) + 1,
      head.number - keptBlocks + 1,
    );
    const byBlock = new Map<number, ChainEvent[]>();
    for (const event of events) {
      if (!byBlock.has(event.blockNumber)) byBlock.set(event.blockNumber, []);
      byBlock.get(event.blockNumber)!.push(event);
    }
    if (first > (this.#kept.at(-1)?.blockNumber ?? first - 1) + 1) this.#kept.length = 0;
    for (let block = first; block <= head.number; block++) {
      this.#kept.push({ blockNumber: block, events: byBlock.get(block) ?? [] });
    }
    this.#kept.splice(0, Math.max(0, this.#kept.length - keptBlocks));
    this.#head = head;
    for (const listener of this.#listeners) listener(head, events);
  }

  #read<T>(work: Promise<T>, what: string): Promise<T> {
    return withDeadline(work, this.#p.timeoutMs ?? 2_000, what);
  }
}

import { RelayerClient, RelayerError, type SignedIntent } from "../../src/sdk/index.js";
import type { BlockClock } from "./blockClock.js";

/** What became of one submission: when it was answered, in wall time and in blocks. */
export interface Submission {
  id: string;
  sentAtMs: number;
  answeredAtMs: number;
  answeredAtBlock: number;
}

/** How to submit: the clients, and optionally a pace (intents per second over all clients). */
export interface SubmitOptions {
  clients: number;
  ratePerSecond?: number;
  /** Called after each accepted submission with how many were accepted so far. */
  onAccepted?: (count: number) => Promise<void> | void;
}

/**
 * Submits `signed` to the relayer at `url()` (read on every request, so a restarted relayer is
 * found) from `clients` concurrent clients, retrying network errors and 503 until the relayer
 * answers, and returns the accepted submissions. Any refusal stops the run: a benchmark
 * intent must be accepted.
 *
 * @example
 * const accepted = await submitAll(signed, () => relayer.url, clock, { clients: 64 });
 */
export async function submitAll(
  signed: readonly SignedIntent[],
  url: () => string,
  clock: BlockClock,
  options: SubmitOptions,
): Promise<Submission[]> {
  const accepted: Submission[] = [];
  const started = performance.now();
  let next = 0;
  const client = async () => {
    while (next < signed.length) {
      const index = next++;
      if (options.ratePerSecond !== undefined) await paceTo(started, index, options.ratePerSecond);
      const sentAtMs = Date.now();
      const id = await submitUntilAnswered(signed[index], url);
      accepted.push({ id, sentAtMs, answeredAtMs: Date.now(), answeredAtBlock: clock.current() });
      await options.onAccepted?.(accepted.length);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return accepted;
}

async function paceTo(startedMs: number, index: number, ratePerSecond: number): Promise<void> {
  const due = startedMs + (index * 1000) / ratePerSecond;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

const clients = new Map<string, RelayerClient>();

function clientFor(url: string): RelayerClient {
  let client = clients.get(url);
  if (client === undefined)
    clients.set(url, (client = new RelayerClient({ url, timeoutMs: 30_000 })));
  return client;
}

/** Submits until an answer comes: a relayer that is down or restarting is waited for. */
async function submitUntilAnswered(signed: SignedIntent, url: () => string): Promise<string> {
  for (;;) {
    try {
      return (await clientFor(url()).submit(signed)).id;
    } catch (error) {
      const retryable =
        error instanceof RelayerError &&
        ["network_error", "timeout", "unavailable", "rate_limited"].includes(error.code);
      if (!retryable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

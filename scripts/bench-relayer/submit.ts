import http from "node:http";

import { toSignedIntentJson, type SignedIntent } from "../../src/sdk/index.js";
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

/** A signed intent ready to send: its ID and its body, serialized before the clock starts. */
interface Body {
  id: string;
  json: string;
}

/**
 * Submits `signed` to the relayer at `url()` (read on every request, so a restarted relayer is
 * found) from `clients` concurrent keep-alive connections, retrying network errors, 503 and 429
 * until the relayer accepts, and returns the accepted submissions. Any other answer stops the
 * run: a benchmark intent must be accepted. The load generator is lean on purpose (bodies
 * serialized before the clock starts, plain `node:http`): it shares the machine's cores with
 * the relayer and the node, and the benchmark measures the relayer.
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
  const bodies = signed.map((s) => ({ id: s.id, json: JSON.stringify(toSignedIntentJson(s)) }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const accepted: Submission[] = [];
  const started = performance.now();
  let next = 0;
  const client = async () => {
    while (next < bodies.length) {
      const index = next++;
      if (options.ratePerSecond !== undefined) await paceTo(started, index, options.ratePerSecond);
      const sentAtMs = Date.now();
      await submitUntilAccepted(bodies[index], url, agent);
      const id = bodies[index].id;
      accepted.push({ id, sentAtMs, answeredAtMs: Date.now(), answeredAtBlock: clock.current() });
      await options.onAccepted?.(accepted.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    agent.destroy();
  }
  return accepted;
}

async function paceTo(startedMs: number, index: number, ratePerSecond: number): Promise<void> {
  const due = startedMs + (index * 1000) / ratePerSecond;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Answers that mean "not now": the relayer is restarting, its node is slow, a limit lifts. */
const RETRY_STATUSES = new Set([429, 503]);

/** Posts until the relayer accepts (202, or 200 for an intent it has): one that is down is waited for. */
async function submitUntilAccepted(
  body: Body,
  url: () => string,
  agent: http.Agent,
): Promise<void> {
  for (;;) {
    const answer = await post(url(), body.json, agent).catch(() => undefined);
    if (answer?.status === 202 || answer?.status === 200) return;
    if (answer !== undefined && !RETRY_STATUSES.has(answer.status)) {
      throw new Error(`intent ${body.id} refused: HTTP ${answer.status} ${answer.text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One `POST /v1/intents` of `json`; its status and body. */
function post(
  base: string,
  json: string,
  agent: http.Agent,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(json) };
  return new Promise((resolve, reject) => {
    const request = http.request(
      { hostname, port, path: "/v1/intents", method: "POST", agent, headers, timeout: 30_000 },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
    request.end(json);
  });
}

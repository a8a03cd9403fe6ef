import type { IntentStatusResponse } from "../../src/sdk/index.js";
import type { ChainAudit } from "./outcome.js";
import type { Submission } from "./submit.js";

/** The figures of one scenario, as relayer-bench.json records them. */
export interface ScenarioFigures {
  intents: number;
  accepted: number;
  relayed: number;
  relayTransactions: number;
  acceptedPerSecond: number;
  relayedPerSecond: number;
  p50Blocks: number;
  p99Blocks: number;
  p99Seconds: number;
  lost: number;
  duplicates: number;
  revertedRelayTransactions: number;
  /** Entries a batch skipped on chain (an ID sent while relayed already shows here). */
  batchSkips: number;
  /** A fleet: seconds from a member's kill until every intent it leased was another's or final. */
  takeoverSeconds?: number;
}

/**
 * The scenario's figures from what the clients saw (`submissions`), what the relayer says
 * (`finals`) and what the chain says (`audit`). Latency runs from the submission's answer to
 * the relay: in blocks (the relay's block minus the latest block when the answer came) and in
 * seconds (the relayer's final update minus the moment the client sent it).
 *
 * @example
 * const figures = scenarioFigures(signed.length, submissions, finals, audit);
 */
export function scenarioFigures(
  intents: number,
  submissions: readonly Submission[],
  finals: ReadonlyMap<string, IntentStatusResponse>,
  audit: ChainAudit,
): ScenarioFigures {
  const relayed = submissions.flatMap((submission) => {
    const final = finals.get(submission.id);
    return final?.status === "relayed" ? [{ submission, final }] : [];
  });
  const firstSent = Math.min(...submissions.map((s) => s.sentAtMs));
  const lastAnswered = Math.max(...submissions.map((s) => s.answeredAtMs));
  const lastRelayed = Math.max(...relayed.map(({ final }) => Date.parse(final.updatedAt)));
  const blocks = relayed.map(({ submission, final }) =>
    Math.max(0, Number(final.blockNumber ?? 0n) - submission.answeredAtBlock),
  );
  const seconds = relayed.map(
    ({ submission, final }) => (Date.parse(final.updatedAt) - submission.sentAtMs) / 1000,
  );
  return {
    intents,
    accepted: submissions.length,
    relayed: relayed.length,
    relayTransactions: audit.relayTransactions,
    acceptedPerSecond: round(submissions.length / ((lastAnswered - firstSent) / 1000)),
    relayedPerSecond: round(relayed.length / ((lastRelayed - firstSent) / 1000)),
    p50Blocks: percentile(blocks, 50),
    p99Blocks: percentile(blocks, 99),
    p99Seconds: round(percentile(seconds, 99), 2),
    lost: submissions.length - relayed.length,
    duplicates: audit.duplicates,
    revertedRelayTransactions: audit.revertedRelayTransactions,
    batchSkips: audit.batchSkips,
  };
}

/** The `p`th percentile (nearest rank) of `values`; 0 for none. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function round(value: number, digits = 0): number {
  return Number(value.toFixed(digits));
}

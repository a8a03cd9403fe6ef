import type { Dependency, SignedIntent } from "../../protocol/intent/types.js";
import type { DependencyState } from "../chainReads.js";
import type { Refusal } from "../refusal.js";
import type { IntentStore } from "../store/IntentStore.js";
import { checksummed } from "../../protocol/schema/checksum.js";

/**
 * Check 16: no dependency on itself or in a cycle of known intents; none already failed or
 * canceled.
 *
 * @example
 * const refusal = await checkDependencies(store, signed, (d) => dependencyState(provider, store, d));
 */
export async function checkDependencies(
  store: Pick<IntentStore, "get">,
  signed: SignedIntent,
  stateOf: (dependency: Dependency) => Promise<DependencyState>,
): Promise<Refusal | undefined> {
  const cycle = await cycleThrough(store, signed);
  if (cycle !== undefined) {
    return {
      code: "dependency_cycle",
      message: `intent ${signed.id} depends on itself through ${cycle.length - 1} dependencies`,
      details: { cycle },
    };
  }
  for (const dependency of signed.intent.dependencies) {
    const state = await stateOf(dependency);
    if (state.kind === "dead") {
      return {
        code: "dependency_failed",
        message: `dependency ${dependency.id} on wallet ${dependency.wallet} can never succeed: it is ${state.status}`,
        details: {
          dependency: { wallet: dependency.wallet, id: dependency.id },
          status: state.status,
        },
      };
    }
  }
  return undefined;
}

/**
 * A path from `signed` back to itself through the dependencies of the intents the relayer
 * knows (`[signed, …, signed]`), if any. An ID hashes its dependencies, so no signed intent
 * can close such a cycle; the check is cheap and keeps the scheduler safe.
 */
async function cycleThrough(
  store: Pick<IntentStore, "get">,
  signed: SignedIntent,
): Promise<Array<{ wallet: string; id: string }> | undefined> {
  const id = signed.id.toLowerCase();
  const wallets = new Map<string, string>([[id, checksummed(signed.wallet)]]);
  const parent = new Map<string, string>();
  const queue: string[] = [];
  const visit = (from: string, dependencies: SignedIntent["intent"]["dependencies"]) => {
    for (const dependency of dependencies) {
      const next = dependency.id.toLowerCase();
      if (parent.has(next)) continue;
      parent.set(next, from);
      wallets.set(next, checksummed(dependency.wallet));
      queue.push(next);
    }
  };
  visit(id, signed.intent.dependencies);
  while (queue.length > 0 && parent.size < 10_000) {
    const next = queue.shift()!;
    if (next === id) return pathBack(id, parent, wallets);
    const record = await store.get(next);
    if (record !== undefined) visit(next, record.signed.intent.dependencies);
  }
  return undefined;
}

/** The cycle `[id, …, id]` that `parent` leads back through. */
function pathBack(
  id: string,
  parent: Map<string, string>,
  wallets: Map<string, string>,
): Array<{ wallet: string; id: string }> {
  const path = [id];
  for (let at = parent.get(id)!; at !== id; at = parent.get(at)!) path.unshift(at);
  path.unshift(id);
  return path.map((step) => ({ wallet: wallets.get(step)!, id: step }));
}

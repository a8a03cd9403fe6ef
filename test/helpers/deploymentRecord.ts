import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { DEPLOYMENTS_DIRECTORY } from "../../src/protocol/deployments.js";

/** The repository's record of chain `chainId`, taken before a run that must not touch it. */
export interface RecordSnapshot {
  /** The file: `deployments/<chainId>.json` of the repository. */
  file: string;
  /** Its text before the run (compared byte for byte), or `null` when it did not exist. */
  before: string | null;
  /** Its text now, or `null` when it does not exist. */
  now(): Promise<string | null>;
  /** Puts the file back as it was, should the run have changed it (a developer's node record). */
  restore(): Promise<void>;
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "latin1");
  } catch {
    return null;
  }
}

/**
 * Snapshots the repository's `deployments/<chainId>.json` (the record of a developer's
 * `hardhat node`), so a test can check a run left it byte for byte as it was, and restore it if
 * not.
 */
export async function snapshotRepositoryRecord(chainId = 31337n): Promise<RecordSnapshot> {
  const file = join(DEPLOYMENTS_DIRECTORY, `${chainId}.json`);
  const before = await readOrNull(file);
  return {
    file,
    before,
    now: () => readOrNull(file),
    async restore() {
      const now = await readOrNull(file);
      if (before === null && now !== null) await rm(file, { force: true });
      else if (before !== null && now !== before) await writeFile(file, before, "latin1");
    },
  };
}

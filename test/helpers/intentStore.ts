import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { getAddress } from "ethers";

import { getIntentId } from "../../src/protocol/intent/hash.js";
import { toOwnerSignature } from "../../src/protocol/intent/signature.js";
import type { SignedIntent } from "../../src/protocol/intent/types.js";
import type { IntentRecord } from "../../src/relayer/types.js";

/** The chain of every record made here. */
const CHAIN_ID = 31337n;
/** Owner-kind bytes: the store never checks signatures, so any do, and none costs a signing. */
const UNCHECKED_SIGNATURE = toOwnerSignature("0x" + "11".repeat(65));

/**
 * A queued record of an intent of `wallet` with its real ID (the store recomputes it) and a
 * signature no wallet would accept: quick to make by the thousand.
 *
 * @example
 * await store.insert(unsignedQueuedRecord({ wallet, salt: 1, createdAt: Date.now() }));
 */
export function unsignedQueuedRecord({
  wallet,
  salt,
  createdAt,
}: {
  wallet: string;
  salt: number;
  createdAt: number;
}): IntentRecord {
  const intent = {
    calls: [{ to: getAddress(wallet), value: 0n, data: "0x" }],
    dependencies: [],
    salt: BigInt(salt),
    validAfter: 0n,
    expiration: 2n ** 64n,
    maxGasPrice: 10n ** 12n,
    minGasLimit: 100_000n,
  };
  const id = getIntentId({ intent, wallet, chainId: CHAIN_ID });
  const signed: SignedIntent = {
    intent,
    wallet: getAddress(wallet),
    chainId: CHAIN_ID,
    id,
    signature: UNCHECKED_SIGNATURE,
  };
  return { id, wallet: signed.wallet, signed, status: "queued", createdAt, updatedAt: createdAt };
}

/**
 * A directory of its own under the OS temp dir, with fresh database paths in it.
 *
 * @example
 * const temporary = temporaryDatabases();
 * after(() => temporary.remove());
 * const store = await SqliteIntentStore.open({ path: temporary.path("suite") });
 */
export function temporaryDatabases(): { path: (name: string) => string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), "intent-store-"));
  let files = 0;
  return {
    path: (name) => join(directory, `${name}-${files++}.sqlite`),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/**
 * How many transactions the write-ahead log of the database at `path` holds: its valid frames
 * (those of the log's current salt) whose header marks a commit (a database size after it).
 * Each COMMIT of a transaction that changed something adds one.
 *
 * @example
 * const before = commitsInWal(path);
 * await store.insert(record);
 * commitsInWal(path) - before; // 1
 */
export function commitsInWal(path: string): number {
  const wal = readFileSync(`${path}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let frame = 32; frame + 24 + pageSize <= wal.length; frame += 24 + pageSize) {
    if (wal.readUInt32BE(frame + 8) !== salt[0] || wal.readUInt32BE(frame + 12) !== salt[1]) break;
    if (wal.readUInt32BE(frame + 4) !== 0) commits += 1;
  }
  return commits;
}

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import type { Provider } from "ethers";

import { DeployedCodeMismatchError } from "./errors.js";

/** The fields of a Hardhat artifact that the verification reads. */
interface Artifact {
  contractName: string;
  bytecode: string;
  deployedBytecode: string;
  /** Where the constructor writes each immutable into the runtime code: byte offsets and lengths. */
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

/** The parameters of `verifyRuntimeCode`. */
export interface VerifyRuntimeCodeParameters {
  provider: Provider;
  /** The artifact's source path under `contracts/`, e.g. `"modules/SessionKeyModule.sol"`. */
  source: string;
  /** The contract's name, e.g. `"SessionKeyModule"`. */
  contract: string;
  /** The creation code the address was computed from (the TypeChain factory's `bytecode`). */
  bytecode: string;
  address: string;
}

/**
 * Checks that the code at `address` is the runtime code of `contract` as compiled in
 * `artifacts/`: byte for byte, except the immutables the constructor fills in (an address, a
 * chain ID, a domain separator), which the artifact leaves as zeros. Also checks that the
 * artifact was compiled from the same creation code as `bytecode`, so a stale build is named
 * as such.
 *
 * @example
 * await verifyRuntimeCode({ provider, source: "IntentWallet.sol", contract: "IntentWallet", bytecode: IntentWallet__factory.bytecode, address });
 */
export async function verifyRuntimeCode({
  provider,
  source,
  contract,
  bytecode,
  address,
}: VerifyRuntimeCodeParameters): Promise<void> {
  const artifact = await readArtifact(source, contract);
  if (artifact.bytecode.toLowerCase() !== bytecode.toLowerCase()) {
    throw new Error(
      `the artifact of ${contract} and its TypeChain factory differ: rebuild with \`npx hardhat build\``,
    );
  }
  const code = (await provider.getCode(address)).toLowerCase();
  const mismatch = (reason: string) => new DeployedCodeMismatchError({ contract, address, reason });
  if (code === "0x") throw mismatch("no code");

  const expected = artifact.deployedBytecode.toLowerCase();
  if (code.length !== expected.length) {
    throw mismatch(
      `runtime code is ${(code.length - 2) / 2} bytes, the artifact's ${(expected.length - 2) / 2}`,
    );
  }
  const immutable = immutableBytes(artifact);
  for (let byte = 0; byte < (code.length - 2) / 2; byte++) {
    if (immutable.has(byte)) continue;
    const at = 2 + 2 * byte;
    if (code.slice(at, at + 2) !== expected.slice(at, at + 2)) {
      throw mismatch(`runtime code differs from the artifact's at byte ${byte}`);
    }
  }
}

/** The byte offsets of every immutable in the artifact's runtime code. */
function immutableBytes(artifact: Artifact): Set<number> {
  const bytes = new Set<number>();
  for (const references of Object.values(artifact.immutableReferences ?? {})) {
    for (const { start, length } of references) {
      for (let byte = start; byte < start + length; byte++) bytes.add(byte);
    }
  }
  return bytes;
}

async function readArtifact(source: string, contract: string): Promise<Artifact> {
  const path = fileURLToPath(
    new URL(`../artifacts/contracts/${source}/${contract}.json`, import.meta.url),
  );
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`no artifact of ${contract} at ${path}: build with \`npx hardhat build\``, {
      cause: error,
    });
  }
  return JSON.parse(text) as Artifact;
}

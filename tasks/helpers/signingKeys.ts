import { readFile } from "node:fs/promises";

import { isHexString, Wallet, type Signer } from "ethers";

import { signerAt, type TaskNetwork } from "./connect.js";
import { splitList } from "./parse.js";

/** The options that name the secp256k1 keys signing an owner intent. */
export interface SigningKeyArguments {
  /** Comma list of the network's account indices whose keys sign. */
  signers?: string;
  /** Comma list of files, each holding a private key. */
  keyFiles?: string;
  /** The account that sends the task's transactions: it signs when neither option above is given. */
  signer: number;
}

/** A key that signs, and how the person at the terminal named it. */
export interface SigningKey {
  signer: Signer;
  address: string;
  /** `account #1`, `key file alice.key`. */
  label: string;
}

/**
 * Reads a private key from a text file: `0x` and 64 hex digits (surrounding space ignored).
 * The error names `option` and the path, never what the file holds.
 *
 * @example
 * const sessionKey = await readPrivateKeyFile("session.key", "--key-file");
 */
export async function readPrivateKeyFile(path: string, option: string): Promise<Wallet> {
  let text: string;
  try {
    text = (await readFile(path, "utf8")).trim();
  } catch (error) {
    throw new Error(`${option} ${path}: cannot read it (${(error as Error).message})`);
  }
  if (!isHexString(text, 32)) {
    // Never echo the file: it may hold a key in another format.
    throw new Error(`${option} ${path}: expected a private key, 0x and 64 hex digits`);
  }
  return new Wallet(text);
}

/**
 * The keys that sign: the accounts of `--signers` then the keys of `--key-files`, or the
 * `--signer` account alone when neither is given. Refuses a key named twice.
 *
 * @example
 * const keys = await readSigningKeys(network, { signers: "0,1", signer: 0 });
 */
export async function readSigningKeys(
  network: TaskNetwork,
  args: SigningKeyArguments,
): Promise<SigningKey[]> {
  const keys: SigningKey[] = [];
  if (args.signers === undefined && args.keyFiles === undefined) {
    const signer = await signerAt(network.ethers, args.signer);
    return [{ signer, address: signer.address, label: `account #${args.signer}` }];
  }
  for (const entry of splitList(args.signers ?? "")) {
    if (!/^\d+$/.test(entry)) {
      throw new Error(`--signers: ${JSON.stringify(entry)} is not an account index (0, 1, ...)`);
    }
    const signer = await signerAt(network.ethers, Number(entry)).catch((error: Error) => {
      throw new Error(error.message.replace(/^--signer /, "--signers "));
    });
    keys.push({ signer, address: signer.address, label: `account #${entry}` });
  }
  for (const path of splitList(args.keyFiles ?? "")) {
    const wallet = await readPrivateKeyFile(path, "--key-files");
    keys.push({ signer: wallet, address: wallet.address, label: `key file ${path}` });
  }
  if (keys.length === 0) throw new Error("--signers / --key-files: name at least one key");
  keys.forEach(({ address, label }, index) => {
    const first = keys.findIndex((key) => key.address === address);
    if (first !== index) {
      throw new Error(
        `${keys[first].label} and ${label} are the same key ${address}: each key signs once`,
      );
    }
  });
  return keys;
}

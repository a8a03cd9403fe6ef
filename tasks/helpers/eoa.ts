import type { AbstractSigner } from "ethers";

import { signWalletAuthorization, type WalletAuthorization } from "../../src/sdk/index.js";
import { signerAt, type TaskNetwork } from "./connect.js";
import { readPrivateKeyFile } from "./signingKeys.js";

/** The options that name the EOA made a wallet: an account index, or a key file. */
export interface EoaArguments {
  /** The index of the network's account that is the EOA. */
  eoa?: string;
  /** A file holding the EOA's private key. */
  keyFile?: string;
}

/** The EOA's key, and how the person at the terminal named it. */
export interface EoaKey {
  signer: AbstractSigner;
  address: string;
  /** `account #7`, `key file eoa.key`. */
  label: string;
}

/**
 * The EOA named by exactly one of `--eoa` (an account index) and `--key-file` (a file holding its
 * private key, connected to the network so it can read its nonce and chain).
 *
 * @example
 * const eoa = await readEoaKey(network, { keyFile: "eoa.key" });
 */
export async function readEoaKey(network: TaskNetwork, args: EoaArguments): Promise<EoaKey> {
  if ((args.eoa === undefined) === (args.keyFile === undefined)) {
    throw new Error(
      "name the EOA with exactly one of --eoa (an account index) or --key-file (a file holding its private key)",
    );
  }
  if (args.keyFile !== undefined) {
    const wallet = await readPrivateKeyFile(args.keyFile, "--key-file");
    return {
      signer: wallet.connect(network.ethers.provider),
      address: wallet.address,
      label: `key file ${args.keyFile}`,
    };
  }
  const index = args.eoa!.trim();
  if (!/^\d+$/.test(index)) {
    throw new Error(`--eoa: ${JSON.stringify(index)} is not an account index (0, 1, ...)`);
  }
  const signer = await signerAt(network.ethers, Number(index)).catch((error: Error) => {
    throw new Error(error.message.replace(/^--signer /, "--eoa "));
  });
  return { signer, address: signer.address, label: `account #${index}` };
}

/**
 * The EOA's authorization of `implementation`, on the network's chain at the EOA's next nonce.
 * An account whose key only the node holds cannot sign one: the error says to use its key file.
 *
 * @example
 * const authorization = await authorizeImplementation(eoa, implementation);
 */
export async function authorizeImplementation(
  eoa: EoaKey,
  implementation: string,
): Promise<WalletAuthorization> {
  try {
    return await signWalletAuthorization({ signer: eoa.signer, implementation });
  } catch (error) {
    throw new Error(
      `${eoa.label} (${eoa.address}) cannot sign an authorization here (${(error as Error).message}): the network holds its key; write the key to a file and pass --key-file`,
      { cause: error },
    );
  }
}

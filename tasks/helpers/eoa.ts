import { BaseWallet, type AbstractSigner } from "ethers";

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
  /** The option that named it: `--eoa 7`, `--key-file eoa.key`. */
  option: string;
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
      option: `--key-file ${args.keyFile}`,
    };
  }
  const index = args.eoa!.trim();
  if (!/^\d+$/.test(index)) {
    throw new Error(`--eoa: ${JSON.stringify(index)} is not an account index (0, 1, ...)`);
  }
  const signer = await signerAt(network.ethers, Number(index)).catch((error: Error) => {
    throw new Error(error.message.replace(/^--signer /, "--eoa "));
  });
  return { signer, address: signer.address, label: `account #${index}`, option: `--eoa ${index}` };
}

/**
 * The EOA's authorization of `implementation`, on the network's chain at the EOA's next nonce.
 * A network account whose key only the node holds cannot sign one: the error says to name the
 * EOA by its key file instead.
 *
 * @example
 * const authorization = await authorizeImplementation(eoa, implementation);
 */
export async function authorizeImplementation(
  eoa: EoaKey,
  implementation: string,
): Promise<WalletAuthorization> {
  const sign = () => signWalletAuthorization({ signer: eoa.signer, implementation });
  if (eoa.signer instanceof BaseWallet) return sign();
  try {
    return await sign();
  } catch (error) {
    throw new Error(
      `${eoa.option}: the network holds the key of ${eoa.label} (${eoa.address}) and signs no EIP-7702 authorization with it: write the key to a file and pass --key-file instead (${(error as Error).message})`,
      { cause: error },
    );
  }
}

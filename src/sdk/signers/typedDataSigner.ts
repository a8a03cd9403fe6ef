import {
  Signature,
  dataLength,
  getAddress,
  isAddress,
  isHexString,
  recoverAddress,
  type Signer,
} from "ethers";

import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import { toSignTypedDataV4Json, type TypedDataRequest } from "./typedData.js";

/**
 * Anything that signs an EIP-712 `TypedDataRequest` and answers the signature as hex. A viem
 * local account (`privateKeyToAccount`) and a viem `WalletClient` made with an `account` have
 * this shape as they are; `fromEthersSigner` and `fromEip1193` give it to an ethers `Signer` and
 * to a browser wallet. `address`, when known, is the address whose key signs: a 65-byte answer
 * that does not recover to it is refused before anything is sent. A contract account (ERC-1271)
 * whose signatures are made by another key leaves `address` out.
 *
 * @example
 * const signer: TypedDataSigner = {
 *   address: owner.address,
 *   signTypedData: ({ domain, types, message }) => owner.signTypedData(domain, types, message),
 * };
 */
export interface TypedDataSigner {
  readonly address?: string;
  signTypedData(request: TypedDataRequest): Promise<string>;
}

/**
 * What `signIntent`, `signSessionGrant` and `signSessionIntent` take as a signer: an ethers
 * `Signer`, a viem local account or `WalletClient` with an account, or any `TypedDataSigner`
 * (such as `fromEip1193(provider, address)`). `toTypedDataSigner` says how each is recognised.
 *
 * @example
 * const signers: TypedDataSignerLike[] = [ethersWallet, viemAccount, viemWalletClient, fromEip1193(provider, address)];
 */
export type TypedDataSignerLike = Signer | TypedDataSigner;

/**
 * The EIP-1193 provider of a browser wallet (`window.ethereum`, WalletConnect, a node's JSON-RPC):
 * one `request` method. Only `eth_signTypedData_v4` is asked of it.
 *
 * @example
 * const provider: Eip1193Provider = { request: ({ method, params }) => rpc(method, params) };
 */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/**
 * The ethers `Signer` as a `TypedDataSigner`: `signer.signTypedData(domain, types, message)`,
 * which a `JsonRpcSigner` sends to its wallet as `eth_signTypedData_v4`. Its `address` is the
 * signer's own `address` property when it has one (`Wallet`, `HDNodeWallet`, `JsonRpcSigner`
 * do), so a 65-byte signature of another key is refused.
 *
 * @example
 * const signer = fromEthersSigner(await browserProvider.getSigner());
 * const signed = await signIntent({ signer, intent, wallet, chainId });
 */
export function fromEthersSigner(signer: Signer): TypedDataSigner {
  if (!isEthersSigner(signer)) {
    throw new InvalidParameterError({
      parameter: "signer",
      shortMessage: `expected an ethers Signer (with getAddress() and signTypedData()), got ${describe(signer)}`,
    });
  }
  const { address } = signer as { address?: unknown };
  return {
    ...(typeof address === "string" && isAddress(address) ? { address } : {}),
    signTypedData: ({ domain, types, message }) => signer.signTypedData(domain, types, message),
  };
}

/**
 * A viem local account (`privateKeyToAccount`, `mnemonicToAccount`, ...) or a viem `WalletClient`
 * with an account (local, or a JSON-RPC account its transport signs for) as a `TypedDataSigner`,
 * its `address` the account's. Both take a `TypedDataRequest` as it is: this only checks the
 * shape and finds the address. The SDK imports nothing from viem; a viem account with its own
 * `signTypedData` passed to `signIntent` directly is the same.
 *
 * @example
 * const owner = fromViem(createWalletClient({ account: privateKeyToAccount(key), transport: http(url) }));
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId });
 */
export function fromViem(
  walletClientOrAccount: TypedDataSigner & { readonly account?: { readonly address: string } },
): TypedDataSigner {
  const value = walletClientOrAccount as unknown as Record<string, unknown> | null;
  if (typeof value !== "object" || value === null) {
    throw new InvalidParameterError({
      parameter: "signer",
      shortMessage: `expected a viem account or WalletClient, got ${describe(value)}`,
    });
  }
  const isClient = value.type === "walletClient" || "account" in value;
  if (isClient && (typeof value.account !== "object" || value.account === null)) {
    throw new InvalidParameterError({
      parameter: "signer",
      shortMessage:
        "a viem WalletClient without an account cannot sign: create it with createWalletClient({ account, transport })",
    });
  }
  if (typeof value.signTypedData !== "function") {
    throw new InvalidParameterError({ parameter: "signer", shortMessage: whyNotASigner(value) });
  }
  const address = typeof value.address === "string" ? value.address : accountAddress(value);
  const signTypedData = value.signTypedData as TypedDataSigner["signTypedData"];
  return {
    ...(address !== undefined && isAddress(address) ? { address } : {}),
    signTypedData: (request) => signTypedData.call(value, request),
  };
}

/**
 * An EIP-1193 provider (a browser wallet) signing as `address`, one of its accounts, with
 * `eth_signTypedData_v4`: params `[address, toSignTypedDataV4Json(request)]`, the JSON MetaMask
 * expects (`EIP712Domain` in `types`, integers as decimal strings). An answer that is not a
 * string is refused; `signIntent`, `signSessionGrant` and `signSessionIntent` also refuse a
 * 65-byte one that does not recover to `address` (the wallet signed with another account).
 *
 * @example
 * const [address] = (await ethereum.request({ method: "eth_requestAccounts" })) as string[];
 * const signed = await signIntent({ signer: fromEip1193(ethereum, address), intent, wallet, chainId });
 */
export function fromEip1193(provider: Eip1193Provider, address: string): TypedDataSigner {
  if (typeof (provider as { request?: unknown } | null)?.request !== "function") {
    throw new InvalidParameterError({
      parameter: "provider",
      shortMessage: `expected an EIP-1193 provider (with request({ method, params })), got ${describe(provider)}`,
    });
  }
  if (typeof address !== "string" || !isAddress(address)) {
    throw new InvalidParameterError({
      parameter: "address",
      shortMessage: `expected the address of the account to sign with, got ${describe(address)}`,
    });
  }
  const account = getAddress(address);
  return {
    address: account,
    signTypedData: async (request) => {
      const answer = await provider.request({
        method: "eth_signTypedData_v4",
        params: [account, toSignTypedDataV4Json(request)],
      });
      if (typeof answer !== "string") {
        throw new InvalidParameterError({
          parameter: "provider",
          shortMessage: `eth_signTypedData_v4 answered ${describe(answer)}, not a hex signature`,
        });
      }
      return answer;
    },
  };
}

/**
 * The `TypedDataSigner` of any signer the SDK takes, recognised by its shape, in this order:
 * 1. an object with `getAddress()` and `signTypedData()` is an ethers `Signer` (`fromEthersSigner`);
 * 2. an object with `signTypedData()` is a viem account, a viem `WalletClient` (its address is
 *    `account.address`; one without an account is refused) or a `TypedDataSigner` (`fromViem`);
 * 3. anything else is refused with an `InvalidParameterError`: a viem JSON-RPC account alone, an
 *    EIP-1193 provider (which needs an address: `fromEip1193(provider, address)`), `{}`.
 *
 * @example
 * const signer = toTypedDataSigner(privateKeyToAccount(key));
 * const signature = await signer.signTypedData(intentTypedData({ intent, wallet, chainId }));
 */
export function toTypedDataSigner(signer: TypedDataSignerLike): TypedDataSigner {
  if (isEthersSigner(signer)) return fromEthersSigner(signer);
  const value = signer as unknown as Record<string, unknown> | null;
  if (typeof value === "object" && value !== null && typeof value.signTypedData === "function") {
    return fromViem(signer as TypedDataSigner);
  }
  throw new InvalidParameterError({ parameter: "signer", shortMessage: whyNotASigner(value) });
}

/** Why `value`, which has no `signTypedData()`, is no signer: what to pass instead. */
function whyNotASigner(value: unknown): string {
  const object =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  if (object.type === "json-rpc") {
    return "a viem JSON-RPC account ({ address, type: 'json-rpc' }) cannot sign by itself: pass a WalletClient made with it";
  }
  if (typeof object.request === "function") {
    return "an EIP-1193 provider signs for one of its accounts: pass fromEip1193(provider, address)";
  }
  return `expected an ethers Signer, a viem account or WalletClient with an account, or a TypedDataSigner ({ signTypedData(request) }), got ${describe(value)}`;
}

/**
 * Signs `request` with `signer` and checks the answer: hex, and when it is a 65-byte ECDSA
 * signature and the signer's address is known, a signature of that address's key of `digest`
 * (returned with `v` as 27 or 28, as the contracts take it). Longer or shorter answers are
 * ERC-1271 signatures, passed on for the wallet to check. Not part of the SDK's index.
 */
export async function signTypedDataChecked(
  signer: TypedDataSignerLike,
  request: TypedDataRequest,
  digest: string,
): Promise<string> {
  const typedDataSigner = toTypedDataSigner(signer);
  const answer: unknown = await typedDataSigner.signTypedData(request);
  if (typeof answer !== "string" || !isHexString(answer) || answer.length <= 2) {
    throw new InvalidParameterError({
      parameter: "signer",
      shortMessage: `the signer answered ${describe(answer)}, not a hex signature`,
    });
  }
  const { address } = typedDataSigner;
  if (address === undefined || dataLength(answer) !== 65) return answer;
  let signature: Signature;
  try {
    signature = Signature.from(answer);
  } catch (error) {
    throw new InvalidParameterError({
      parameter: "signer",
      shortMessage: `the signer answered 65 bytes that are no valid ECDSA signature: ${answer}`,
      cause: error,
    });
  }
  const recovered = recoverAddress(digest, signature);
  if (recovered !== getAddress(address)) {
    throw new InvalidParameterError({
      parameter: "signer",
      shortMessage:
        `the signer answered a signature by ${recovered}, not by its address ${getAddress(address)}, so the contracts would refuse it` +
        " (a browser wallet that signed with another of its accounts?" +
        " a contract account signing with another key takes a TypedDataSigner without address)",
    });
  }
  return signature.serialized;
}

function isEthersSigner(value: unknown): value is Signer {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Signer).getAddress === "function" &&
    typeof (value as Signer).signTypedData === "function"
  );
}

function accountAddress(value: Record<string, unknown>): string | undefined {
  const account = value.account as { address?: unknown } | null | undefined;
  return typeof account?.address === "string" ? account.address : undefined;
}

/** A short description of a value that is not what was expected, for an error message. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0
      ? "an object with no properties"
      : `an object with ${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", ..." : ""}`;
  }
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return typeof value === "bigint" ? `${value}n` : String(value);
}

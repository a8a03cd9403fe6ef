import { concat } from "ethers";

/** First byte of a relay signature made by the owner. */
export const OWNER_SIGNATURE_KIND = "0x00";

/** First byte of a relay signature checked by a validator module. */
export const MODULE_SIGNATURE_KIND = "0x01";

/**
 * Wraps the owner's raw signature (65-byte ECDSA, or ERC-1271 bytes) as a relay signature.
 *
 * @example
 * const signature = toOwnerSignature(await owner.signTypedData(domain, types, intent));
 */
export function toOwnerSignature(ownerSignature: string): string {
  return concat([OWNER_SIGNATURE_KIND, ownerSignature]);
}

/**
 * A relay signature that the installed validator `module` checks, given `data`.
 *
 * @example
 * const signature = toModuleSignature(sessionModule, sessionData);
 */
export function toModuleSignature(module: string, data: string): string {
  return concat([MODULE_SIGNATURE_KIND, module, data]);
}

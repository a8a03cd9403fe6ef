import { getAddress } from "ethers";

/** How many addresses `checksummed` remembers before it starts over. */
const MAX_REMEMBERED = 16_384;

const remembered = new Map<string, string>();

/**
 * The EIP-55 checksummed form of `address` (any case), as ethers' `getAddress` gives it, but
 * remembered: the checksum costs a keccak256, and the same few addresses (wallets, targets,
 * relayers) come back in every document a relayer reads or writes. Throws as `getAddress` does
 * for what is no address. Remembers at most 16,384 addresses, then starts over.
 *
 * @example
 * checksummed("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"); // "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
 */
export function checksummed(address: string): string {
  const key = address.toLowerCase();
  let known = remembered.get(key);
  if (known === undefined) {
    known = getAddress(key);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, known);
  }
  return known;
}

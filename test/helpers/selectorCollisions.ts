/**
 * Selector collision test vectors: readable, canonical function signatures whose selector is a
 * dangerous function's (`DANGEROUS_FUNCTIONS`) without being its signature. A grant showing one
 * to the owner would allow the dangerous function; the module and the SDK must refuse them all.
 *
 * How they were found: a selector is the first 4 bytes of keccak256, so a signature with a given
 * selector takes about 2^32 tries, far too many for JavaScript. The `viewRewards_…(address)`
 * vectors were found once, offline, by a throw-away C program (a self-contained keccak-f[1600],
 * eight lanes at once with AVX-512, on two threads) that hashed
 * `viewRewards_<7 characters of [0-9a-z]>(address)` for every counter in turn and printed the
 * signatures whose selector was in the list; the first found for each selector is kept here. In
 * 25 minutes on two shared cores it tried about 1.5 * 10^10 counters and found one for every
 * dangerous function but those in `MISSING_COLLISIONS`. `KNOWN_COLLISIONS` are long-known public
 * collisions of the most used selectors. `dangerousSelectors.test.ts` re-verifies every vector
 * with ethers' keccak256.
 */

/** A readable signature that has the selector of a dangerous function, which it is not. */
export interface SelectorCollision {
  /** The harmless-looking canonical signature, e.g. `"many_msg_babbage(bytes1)"`. */
  readonly signature: string;
  /** Its selector, the dangerous function's, e.g. `"0xa9059cbb"`. */
  readonly selector: string;
  /** The canonical signature of the dangerous function it hides, e.g. `"transfer(address,uint256)"`. */
  readonly hides: string;
}

/** Collisions found by brute force for this project: one per dangerous function found. */
const SEARCHED_COLLISIONS: readonly SelectorCollision[] = [
  {
    signature: "viewRewards_1pak8x6(address)",
    selector: "0xa9059cbb",
    hides: "transfer(address,uint256)",
  },
  {
    signature: "viewRewards_09duzjz(address)",
    selector: "0x23b872dd",
    hides: "transferFrom(address,address,uint256)",
  },
  {
    signature: "viewRewards_143ns86(address)",
    selector: "0x095ea7b3",
    hides: "approve(address,uint256)",
  },
  {
    signature: "viewRewards_2fb2ljk(address)",
    selector: "0x39509351",
    hides: "increaseAllowance(address,uint256)",
  },
  {
    signature: "viewRewards_19fqati(address)",
    selector: "0xa457c2d7",
    hides: "decreaseAllowance(address,uint256)",
  },
  {
    signature: "viewRewards_04xk0pw(address)",
    selector: "0xd73dd623",
    hides: "increaseApproval(address,uint256)",
  },
  {
    signature: "viewRewards_1yc80w1(address)",
    selector: "0x66188463",
    hides: "decreaseApproval(address,uint256)",
  },
  {
    signature: "viewRewards_098j857(address)",
    selector: "0xd505accf",
    hides: "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
  },
  {
    signature: "viewRewards_0zzuzp8(address)",
    selector: "0x8fcbaf0c",
    hides: "permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)",
  },
  {
    signature: "viewRewards_0eqi0q6(address)",
    selector: "0xb753a98c",
    hides: "push(address,uint256)",
  },
  {
    signature: "viewRewards_4u66jyc(address)",
    selector: "0xbb35783b",
    hides: "move(address,address,uint256)",
  },
  {
    signature: "viewRewards_0f6a3je(address)",
    selector: "0x42842e0e",
    hides: "safeTransferFrom(address,address,uint256)",
  },
  {
    signature: "viewRewards_0n4c13x(address)",
    selector: "0xb88d4fde",
    hides: "safeTransferFrom(address,address,uint256,bytes)",
  },
  {
    signature: "viewRewards_12tym0e(address)",
    selector: "0xa22cb465",
    hides: "setApprovalForAll(address,bool)",
  },
  {
    signature: "viewRewards_1m4zatv(address)",
    selector: "0xf242432a",
    hides: "safeTransferFrom(address,address,uint256,uint256,bytes)",
  },
  {
    signature: "viewRewards_33d537t(address)",
    selector: "0x2eb2c2d6",
    hides: "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
  },
  {
    signature: "viewRewards_343w4v7(address)",
    selector: "0x9bd9bbc6",
    hides: "send(address,uint256,bytes)",
  },
  {
    signature: "viewRewards_0fc7oqo(address)",
    selector: "0x62ad1b83",
    hides: "operatorSend(address,address,uint256,bytes,bytes)",
  },
  {
    signature: "viewRewards_0khbcvw(address)",
    selector: "0x959b8c3f",
    hides: "authorizeOperator(address)",
  },
  {
    signature: "viewRewards_465nd5c(address)",
    selector: "0x1296ee62",
    hides: "transferAndCall(address,uint256)",
  },
  {
    signature: "viewRewards_02p1rnu(address)",
    selector: "0x4000aea0",
    hides: "transferAndCall(address,uint256,bytes)",
  },
  {
    signature: "viewRewards_0vq2q0h(address)",
    selector: "0xd8fbe994",
    hides: "transferFromAndCall(address,address,uint256)",
  },
  {
    signature: "viewRewards_1ee1zja(address)",
    selector: "0xc1d34b89",
    hides: "transferFromAndCall(address,address,uint256,bytes)",
  },
  {
    signature: "viewRewards_5i3ak2x(address)",
    selector: "0x3177029f",
    hides: "approveAndCall(address,uint256)",
  },
  {
    signature: "viewRewards_39a1z90(address)",
    selector: "0xcae9ca51",
    hides: "approveAndCall(address,uint256,bytes)",
  },
  {
    signature: "viewRewards_17rqpjj(address)",
    selector: "0x87517c45",
    hides: "approve(address,address,uint160,uint48)",
  },
  {
    signature: "viewRewards_3s2f2kr(address)",
    selector: "0x36c78516",
    hides: "transferFrom(address,address,uint160,address)",
  },
  { signature: "viewRewards_11dmvia(address)", selector: "0x2e1a7d4d", hides: "withdraw(uint256)" },
  {
    signature: "viewRewards_3f01e7v(address)",
    selector: "0x6e553f65",
    hides: "deposit(uint256,address)",
  },
  {
    signature: "viewRewards_1gj4ru7(address)",
    selector: "0x94bf804d",
    hides: "mint(uint256,address)",
  },
  {
    signature: "viewRewards_05w0u7g(address)",
    selector: "0xba087652",
    hides: "redeem(uint256,address,address)",
  },
];

/** Long-known collisions of the most used selectors, one of them under the dangerous name itself. */
const KNOWN_COLLISIONS: readonly SelectorCollision[] = [
  {
    signature: "many_msg_babbage(bytes1)",
    selector: "0xa9059cbb",
    hides: "transfer(address,uint256)",
  },
  {
    signature: "transfer(bytes4[9],bytes5[6],int48[11])",
    selector: "0xa9059cbb",
    hides: "transfer(address,uint256)",
  },
  {
    signature: "sign_szabo_bytecode(bytes16,uint128)",
    selector: "0x095ea7b3",
    hides: "approve(address,uint256)",
  },
  {
    signature: "gasprice_bit_ether(int128)",
    selector: "0x23b872dd",
    hides: "transferFrom(address,address,uint256)",
  },
];

/** Every vector: the searched collisions, then the known ones. */
export const SELECTOR_COLLISIONS: readonly SelectorCollision[] = [
  ...SEARCHED_COLLISIONS,
  ...KNOWN_COLLISIONS,
];

/** The dangerous functions for which the search found no collision in its time budget. */
export const MISSING_COLLISIONS: readonly string[] = ["withdraw(uint256,address,address)"];

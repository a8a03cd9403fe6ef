import type { SignerRecovery } from "../intake/SignerRecovery.js";
import type { ChainFollower } from "./follower.js";
import type { WalletStates } from "./WalletStates.js";

/**
 * The chain as the relayer follows it, as the intake uses it: the follower, the wallet states
 * it keeps current, how long the follower may go without reaching the node before submissions
 * are answered `503 unavailable`, and what recovers owner signatures (inline when absent).
 *
 * @example
 * const chainState: FollowedChain = { follower, states, maxStaleMs: 3_250 };
 */
export interface FollowedChain {
  follower: ChainFollower;
  states: WalletStates;
  maxStaleMs: number;
  recovery?: SignerRecovery;
}

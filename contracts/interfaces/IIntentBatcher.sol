// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IIntentBatcher
/// @notice Relays many intents, from any wallets, in one transaction. One failing or invalid intent
///         does not revert the others: each entry is either relayed (its wallet keeps its own
///         receipt, with the batcher as relayer, and emits its own `IntentRelayed`) or skipped
///         with the reason its wallet gave (`BatchedIntentSkipped`). A relayed entry adds no batcher
///         event: its wallet's `IntentRelayed` already says what happened.
/// @dev The batcher has no state and no owner; anyone may call it. It adds no guarantee of its own:
///      each wallet still checks its intent's signature, expiration, dependencies and `minGasLimit`
///      inside its `relay`, and an entry whose `relay` reverts leaves its intent unconsumed.
interface IIntentBatcher {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Entry `index` was skipped: `wallet`'s `relay` reverted with `reason` (cut to
    ///         `MAX_REASON_LENGTH` bytes; empty when it ran out of gas), so its intent is unconsumed.
    ///         If `wallet` answered without reverting but not with one bool (it has no code, or it is
    ///         no IntentWallet), `reason` is `BatcherInvalidAnswer(wallet)`.
    event BatchedIntentSkipped(uint256 index, address indexed wallet, bytes reason);

    /// @notice Only `gasLeft` gas remained before entry `index`: it and every later entry were not
    ///         attempted, so the batch could still finish and report.
    event BatchStopped(uint256 index, uint256 gasLeft);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Never reverted: the `reason` of a skipped entry whose `wallet` answered `relay`
    ///         without reverting but not with one ABI-encoded bool (no code, or no IntentWallet).
    error BatcherInvalidAnswer(address wallet);

    /// @notice The entry at calldata `offset` is cut short (its payload runs past the end): nothing
    ///         was relayed.
    error BatcherMalformedEntries(uint256 offset);

    /*//////////////////////////////////////////////////////////////
                               RELAYING
    //////////////////////////////////////////////////////////////*/

    /// @notice Relays each entry, in order, through its wallet's `relayPacked`; anyone may call it.
    /// @dev Order matters: an intent may depend on one relayed earlier in the same batch. Each
    ///      `relay` is given all the gas left but `GAS_RESERVE`; a wallet that can't guarantee its
    ///      intent's `minGasLimit` with it reverts `IntentInsufficientGas`, and the entry is skipped.
    ///      If less than `GAS_RESERVE` gas is left before an entry, the batch stops there with
    ///      `BatchStopped`. The batch itself never reverts because of an entry, so `eth_estimateGas`
    ///      (the lowest limit that doesn't revert) may return a limit at which some entries are
    ///      skipped: simulate with the limit you send and check `relayedCount`, and `failedCount`
    ///      when an entry's calls must not fail (a relay whose calls fail consumes its intent).
    ///      Entries are packed back to back, each `wallet (20 bytes) ‖ length (3 bytes, big-endian)
    ///      ‖ payload`, where `payload` is the packed intent and its signature, as `relayPacked`
    ///      takes them (see `PackedIntent`). The batcher forwards each payload behind
    ///      `relayPacked`'s selector without decoding it.
    /// @param entries The entries, relayed in order.
    /// @return relayedCount How many entries were relayed (whether their calls succeeded or not).
    /// @return failedCount How many of those were relayed with calls that reverted (`Failed`).
    function relayBatch(bytes calldata entries) external returns (uint256 relayedCount, uint256 failedCount);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIntentBatcher} from "./interfaces/IIntentBatcher.sol";
import {IIntentWallet} from "./interfaces/IIntentWallet.sol";
import {BoundedReturnData} from "./libraries/BoundedReturnData.sol";

/// @title IntentBatcher
/// @notice Relays many intents, from any wallets, in one transaction; a failing entry is skipped,
///         never reverting the others. Stateless and ownerless.
/// @dev Calls each wallet with a low-level CALL rather than try/catch, so that a wallet (or a
///      contract posing as one) can't make the batcher copy a huge revert reason into memory.
contract IntentBatcher is IIntentBatcher {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The most revert data of one skipped entry kept in `BatchedIntentSkipped`.
    uint256 public constant MAX_REASON_LENGTH = 256;

    /// @notice Gas kept back from each `relay`, so the batch can always report the entry and stop.
    /// @dev Covers the CALL itself (cold wallet: 2,600), copying and emitting a 256-byte reason
    ///      (about 4,500) and a `BatchStopped` event (about 1,500).
    uint256 public constant GAS_RESERVE = 10_000;

    /// @dev An entry's wallet (20 bytes) and its payload's length (3 bytes).
    uint256 private constant ENTRY_HEADER_SIZE = 23;

    /// @dev What became of one entry.
    enum Outcome {
        Relayed,
        RelayedCallsFailed,
        Skipped,
        Stopped
    }

    /*//////////////////////////////////////////////////////////////
                               RELAYING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIntentBatcher
    function relayBatch(bytes calldata entries) external returns (uint256 relayedCount, uint256 failedCount) {
        uint256 freeMemory = _freeMemoryPointer();
        uint256 cursor;
        assembly ("memory-safe") {
            cursor := entries.offset
        }
        uint256 end = cursor + entries.length;
        for (uint256 index; cursor < end; ++index) {
            (address wallet, uint256 payloadStart, uint256 payloadEnd) = _readEntry(cursor, end);
            Outcome outcome = _relayEntry(index, wallet, payloadStart, payloadEnd);
            if (outcome == Outcome.Stopped) break;
            // At most one per entry: no overflow.
            unchecked {
                if (outcome == Outcome.Relayed) ++relayedCount;
                else if (outcome == Outcome.RelayedCallsFailed) (++relayedCount, ++failedCount);
            }
            cursor = payloadEnd;
            // Nothing allocated for an entry is read after it: reuse its memory, so memory costs
            // stay linear in the batch's length.
            _setFreeMemoryPointer(freeMemory);
        }
    }

    /*//////////////////////////////////////////////////////////////
                           INTERNAL: ONE ENTRY
    //////////////////////////////////////////////////////////////*/

    /// @dev The entry at calldata offset `cursor`: its wallet (20 bytes) and its payload, whose
    ///      length takes the next 3 bytes; where the payload starts and ends.
    function _readEntry(
        uint256 cursor,
        uint256 end
    ) private pure returns (address wallet, uint256 payloadStart, uint256 payloadEnd) {
        uint256 length;
        assembly ("memory-safe") {
            let word := calldataload(cursor)
            wallet := shr(96, word) // the top 20 bytes
            length := and(shr(72, word), 0xffffff) // the next 3 bytes
        }
        // Offsets and lengths are below 2^64: no overflow.
        unchecked {
            payloadStart = cursor + ENTRY_HEADER_SIZE;
            payloadEnd = payloadStart + length;
        }
        if (payloadEnd > end) revert BatcherMalformedEntries(cursor);
    }

    /// @dev Relays entry `index` with all the gas but `GAS_RESERVE`, and reports what became of it.
    function _relayEntry(
        uint256 index,
        address wallet,
        uint256 payloadStart,
        uint256 payloadEnd
    ) private returns (Outcome) {
        if (gasleft() < GAS_RESERVE) return _stop(index);
        bytes memory data = _relayCalldata(payloadStart, payloadEnd - payloadStart);
        uint256 gasLeft = gasleft(); // after the copy, which costs gas by the intent's size
        if (gasLeft < GAS_RESERVE) return _stop(index);
        (bool reverted, bool answered, bool success) = _callRelay(wallet, data, gasLeft - GAS_RESERVE);
        if (answered) return success ? Outcome.Relayed : Outcome.RelayedCallsFailed;
        bytes memory reason =
            reverted
                ? BoundedReturnData.copy(MAX_REASON_LENGTH)
                : abi.encodeWithSelector(BatcherInvalidAnswer.selector, wallet);
        emit BatchedIntentSkipped(index, wallet, reason);
        return Outcome.Skipped;
    }

    /// @dev Emits that the batch stops before entry `index`.
    function _stop(uint256 index) private returns (Outcome) {
        emit BatchStopped(index, gasleft());
        return Outcome.Stopped;
    }

    /*//////////////////////////////////////////////////////////////
                        INTERNAL: LOW-LEVEL HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev `relayPacked`'s selector followed by the `length` payload bytes at calldata offset
    ///      `offset`, in memory: the call to make.
    function _relayCalldata(uint256 offset, uint256 length) private pure returns (bytes memory data) {
        bytes4 selector = IIntentWallet.relayPacked.selector;
        assembly ("memory-safe") {
            data := mload(0x40) // free memory pointer
            mstore(data, add(length, 4)) // length word
            mstore(add(data, 0x20), selector)
            calldatacopy(add(data, 0x24), offset, length)
            mstore(0x40, add(add(data, 0x40), length)) // bump past the data, and a word more
        }
    }

    /// @dev Calls `wallet` with `data` (an encoded `relayPacked`) and `gasLimit`, copying no return data
    ///      but one answer word. `answered` when it returned exactly one ABI-encoded bool,
    ///      `success` (whether the intent's calls succeeded).
    function _callRelay(
        address wallet,
        bytes memory data,
        uint256 gasLimit
    ) private returns (bool reverted, bool answered, bool success) {
        assembly ("memory-safe") {
            let ok := call(gasLimit, wallet, 0, add(data, 0x20), mload(data), 0, 0) // no copy
            reverted := iszero(ok)
            if and(ok, eq(returndatasize(), 0x20)) {
                returndatacopy(0, 0, 0x20) // the answer word, into scratch space
                let word := mload(0)
                answered := lt(word, 2) // an ABI-encoded bool is 0 or 1
                success := eq(word, 1)
            }
        }
    }

    /// @dev The free memory pointer.
    function _freeMemoryPointer() private pure returns (uint256 pointer) {
        assembly ("memory-safe") {
            pointer := mload(0x40) // free memory pointer
        }
    }

    /// @dev Moves the free memory pointer back to `pointer`: memory above it is reused.
    function _setFreeMemoryPointer(uint256 pointer) private pure {
        assembly ("memory-safe") {
            mstore(0x40, pointer) // free memory pointer
        }
    }
}
